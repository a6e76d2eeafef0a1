import LineIO
import TextNormalization

extension WordPieceTokenizer {
    /// One pass over a text: pre-tokenization by table lookups, words matched as soon as they end.
    struct Scan {
        /// Interleaved double array (see `ScanTables.units`).
        let units: UnsafeMutablePointer<Int32>
        let failLink: UnsafeMutablePointer<Int32>
        let popStart: UnsafeMutablePointer<Int32>
        let popCount: UnsafeMutablePointer<Int32>
        let pops: UnsafeMutablePointer<Int32>
        let ascii: UnsafeMutablePointer<UInt32>
        let entries: UnsafePointer<UInt32>
        let sequenceElements: UnsafeMutablePointer<UInt32>
        let sequenceBounds: UnsafeMutablePointer<Int32>
        let specialBytes: UnsafeMutablePointer<UInt8>
        let specialIndex: UnsafeMutablePointer<Int32>
        let specialFirstByte: UnsafeMutablePointer<Bool>
        let specialCount: Int
        let unknownID: Int32
        let maxChars: Int
        /// Scratch for encoding one mapped scalar.
        let word: UnsafeMutablePointer<UInt8>
        /// Scalars in the current word (a word longer than `maxChars` is `[UNK]`).
        var scalars = 0
        /// Trie state of the current word, where its ids began, and whether matching already failed.
        var state: Int32 = 0
        var wordStart = 0
        var failed = false
        /// Where ids go, and how many have been written.
        let output: UnsafeMutablePointer<Int32>
        var written = 0
        let root: Int32 = 0
        let suffixRoot: Int32 = 1

        /// Takes raw pointers from `tables`, which the caller keeps alive for the whole scan.
        init(_ t: ScanTables, word: UnsafeMutablePointer<UInt8>, output: UnsafeMutablePointer<Int32>) {
            units = t.units.baseAddress!; failLink = t.failLink.baseAddress!
            popStart = t.popStart.baseAddress!; popCount = t.popCount.baseAddress!; pops = t.pops.baseAddress!
            ascii = t.ascii.baseAddress!; entries = t.entries.baseAddress!
            sequenceElements = t.sequenceElements.baseAddress!; sequenceBounds = t.sequenceBounds.baseAddress!
            specialBytes = t.specialBytes.baseAddress!; specialIndex = t.specialIndex.baseAddress!
            specialFirstByte = t.specialFirstByte.baseAddress!; specialCount = t.specialCount
            unknownID = t.unknownID; maxChars = t.maxCharsPerWord
            self.word = word
            self.output = output
        }

        @inline(__always)
        mutating func emit(_ id: Int32) {
            output[written] = id
            written &+= 1
        }

        @inline(__always)
        mutating func run(_ p: UnsafeBufferPointer<UInt8>, limit: Int = .max) {
            let n = p.count
            let hasSpecials = specialCount > 0
            var i = 0
            let stopMask = 3 << BertCharacterTable.kindShift | ScanTables.specialStartFlag
            while i < n {
                // Enough ids, and no word pending whose pieces could still change (a word that fails later
                // becomes one [UNK]): everything written so far is final.
                if written >= limit && scalars == 0 { break }
                let b = p[i]
                if b < 0x80 {
                    let e = ascii[Int(b)]
                    if e & stopMask == 0 {
                        // A run of ASCII word bytes: the common case, walked through the trie in a tight loop.
                        if scalars == 0 { wordStart = written }
                        var j = i
                        var s = state
                        while j < n {
                            let c = p[j]
                            if c >= 0x80 { break }
                            let x = ascii[Int(c)]
                            if x & stopMask != 0 { break }
                            if !failed {
                                let t = Int(units[2 &* Int(s)]) &+ Int(x & 0x7F)
                                if units[2 &* t &+ 1] == s {
                                    s = Int32(truncatingIfNeeded: t)
                                } else {
                                    state = s
                                    feed(UInt8(truncatingIfNeeded: x))
                                    s = state
                                }
                            }
                            j &+= 1
                        }
                        state = s
                        scalars &+= j &- i
                        i = j
                        continue
                    }
                    if e & ScanTables.specialStartFlag != 0, let (len, id) = special(at: i, in: p) {
                        flush()
                        emit(id)
                        i &+= len
                        continue
                    }
                    let kind = (e >> BertCharacterTable.kindShift) & 3
                    i &+= 1
                    if kind == 0 {
                        if scalars == 0 { wordStart = written }
                        scalars &+= 1
                        feed(UInt8(truncatingIfNeeded: e))
                    } else if kind != 2 {  // space or isolated; removed characters are simply skipped
                        flush()
                        if kind == 3 { isolated(e & BertCharacterTable.valueMask) }
                    }
                    continue
                }
                if hasSpecials && specialFirstByte[Int(b)], let (len, id) = special(at: i, in: p) {
                    flush()
                    emit(id)
                    i &+= len
                    continue
                }
                let len = UTF8Validation.sequenceLength(p, at: i)
                guard len > 0 else { i &+= 1; continue }  // ill-formed byte: U+FFFD, which cleaning removes
                let cp = decode(p, i, len)
                let e = entries[Int(cp)]
                if e & BertCharacterTable.sequenceFlag == 0 {
                    let kind = (e >> BertCharacterTable.kindShift) & 3
                    if kind == 0 {
                        if e & BertCharacterTable.identityFlag != 0 {
                            if scalars == 0 { wordStart = written }
                            scalars &+= 1
                            for k in 0..<len { feed(p[i &+ k]) }
                        } else {
                            append(e & BertCharacterTable.valueMask)
                        }
                    } else if kind != 2 {
                        flush()
                        if kind == 3 { isolated(e & BertCharacterTable.valueMask) }
                    }
                } else {
                    sequence(e & BertCharacterTable.valueMask)
                }
                i &+= len
            }
            flush()
        }

        /// A special token starting at `i`, longest first: (byte length, id).
        @inline(__always)
        func special(at i: Int, in p: UnsafeBufferPointer<UInt8>) -> (Int, Int32)? {
            ScanTables.special(at: i, in: p, bytes: specialBytes, index: specialIndex, count: specialCount)
        }

        /// Handles a scalar that maps to several scalars, each with its own kind.
        mutating func sequence(_ index: UInt32) {
            for k in Int(sequenceBounds[2 * Int(index)])..<Int(sequenceBounds[2 * Int(index) + 1]) {
                let x = sequenceElements[k]
                let scalar = x & BertCharacterTable.valueMask
                switch (x >> BertCharacterTable.kindShift) & 3 {
                case 0: append(scalar)
                case 3: flush(); isolated(scalar)
                case 1: flush()
                default: break
                }
            }
        }

        @inline(__always)
        func decode(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ len: Int) -> UInt32 { UTF8Scalar.decode(p, i, len) }

        /// Appends a mapped scalar to the current word.
        @inline(__always)
        mutating func append(_ scalar: UInt32) {
            if scalars == 0 { wordStart = written }
            scalars &+= 1
            let n = encode(scalar, into: word)
            for k in 0..<n { feed(word[k]) }
        }

        /// Advances the current word's LinMaxMatch by one byte, emitting failure pops as greedy matching
        /// would. After a dead end the word is already `[UNK]`; later bytes are ignored until it ends.
        @inline(__always)
        mutating func feed(_ byte: UInt8) {
            if failed { return }
            while true {
                let t = Int(units[2 &* Int(state)]) &+ Int(byte)
                if units[2 &* t &+ 1] == state {
                    state = Int32(truncatingIfNeeded: t)
                    return
                }
                if !popAndFollow() { failed = true; return }
            }
        }

        @inline(__always)
        func encode(_ s: UInt32, into out: UnsafeMutablePointer<UInt8>) -> Int { UTF8Scalar.encode(s, into: out) }

        /// A punctuation mark or CJK ideograph: a word of one scalar.
        mutating func isolated(_ scalar: UInt32) {
            append(scalar)
            flush()
        }

        /// Ends the current word: `[UNK]` if too long or unmatched, else the remaining failure pops.
        @inline(__always)
        mutating func flush() {
            guard scalars > 0 else { return }
            if scalars > maxChars || failed {
                unknown(wordStart)
            } else {
                while state != suffixRoot {
                    guard popAndFollow() else { unknown(wordStart); break }
                }
            }
            scalars = 0
            state = root
            failed = false
        }

        /// Emits the failure pops of the current state and moves to its failure link (LinMaxMatch's step on
        /// a missing edge); false when there is no link, i.e. the word cannot be split into vocabulary pieces.
        @inline(__always)
        mutating func popAndFollow() -> Bool {
            let f = failLink[Int(state)]
            if f < 0 { return false }
            let first = Int(popStart[Int(state)])
            for j in first..<first + Int(popCount[Int(state)]) { emit(pops[j]) }
            state = f
            return true
        }

        mutating func unknown(_ start: Int) {
            written = start
            emit(unknownID)
        }
    }
}
