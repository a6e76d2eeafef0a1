/// The hot loop of the Persian profile: table lookups on UTF-8, unchanged runs copied in one append.
extension PersianNormalizer {
    /// ZWNJ U+200C in UTF-8.
    public static let zwnjBytes: [UInt8] = [0xE2, 0x80, 0x8C]

    /// One pass over `p`. Unless `composed` says the input is known to be in NFC, it stops and returns false
    /// (leaving partial output for the caller to discard) at the first scalar NFC would change.
    func mainPass(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], alignment: inout [Int32]?, composed: Bool) -> Bool {
        let n = p.count
        let clean = configuration.cleanZWNJ
        let digits = configuration.digits
        out.reserveCapacity(out.count + n)
        let nfc = composer?.stable
        return table.entries.withUnsafeBufferPointer { entries in
            table.pool.withUnsafeBufferPointer { pool in
                var i = 0
                var runStart = 0  // start of the pending run of copied bytes
                var joinsFollowing = false  // the last visible output letter connects to a following letter
                var pendingZWNJ = -1  // input offset of a ZWNJ waiting for the next letter
                var previousLatin = false  // the previous input scalar is a Latin letter (digit rule)

                @inline(__always) func flush(_ end: Int) { Alignment.copyRun(p, runStart..<end, to: &out, alignment: &alignment) }
                @inline(__always) func emit(_ bytes: UnsafeBufferPointer<UInt8>, from source: Int) {
                    Alignment.appendReplacement(bytes, from: source, to: &out, alignment: &alignment)
                }
                /// Before emitting a visible scalar: settle a waiting ZWNJ (kept only if this scalar joins back).
                @inline(__always) func settleZWNJ(_ e: UInt32) {
                    guard pendingZWNJ >= 0 else { return }
                    if e & ScalarTable.joinsPrecedingFlag != 0 {
                        zwnjOutput.withUnsafeBufferPointer { emit($0, from: pendingZWNJ) }
                    }
                    pendingZWNJ = -1
                }

                while i < n {
                    let b = p[i]
                    let v: UInt32
                    let len: Int
                    if b < 0x80 { (v, len) = (UInt32(b), 1) } else { (v, len) = UTF8Scalars.decode(p, at: i) }
                    var e: UInt32 = 0
                    if v < 0x10000 {
                        e = entries[Int(v)]
                    } else if v != UTF8Scalars.invalid, let nfc, nfc.bits[Int(v >> 3)] & (1 << (v & 7)) == 0 {
                        // (an ill-formed byte decodes as `invalid`, past the table: it is copied as is, e = 0)
                        e = ScalarTable.uncomposedFlag
                    }
                    let kind = ScalarTable.kind(e)
                    if e & 0xE100_0000 == 0 && pendingZWNJ < 0 {  // copy kind, composed
                        // The common case: extend the run; only the joining state changes.
                        if e & ScalarTable.transparentFlag == 0 { joinsFollowing = e & ScalarTable.joinsFollowingFlag != 0 }
                        previousLatin = e & ScalarTable.latinFlag != 0
                        i &+= len
                        continue
                    }
                    if e & ScalarTable.uncomposedFlag != 0 && !composed { return false }
                    flush(i)
                    switch kind {
                    case ScalarTable.Kind.zwnj.rawValue:
                        if !clean {
                            zwnjOutput.withUnsafeBufferPointer { emit($0, from: i) }
                            joinsFollowing = false
                        } else if joinsFollowing && pendingZWNJ < 0 {
                            pendingZWNJ = i
                        }
                        previousLatin = false
                        i &+= len
                    case ScalarTable.Kind.digit.rawValue:
                        settleZWNJ(0)
                        i = digitRun(p, from: i, entries: entries, style: digits, previousLatin: previousLatin,
                                     into: &out, alignment: &alignment)
                        joinsFollowing = false
                        previousLatin = false
                    case ScalarTable.Kind.replace.rawValue:
                        let payload = ScalarTable.payload(e)
                        let count = Int(payload & 0xFF)
                        if count > 0 {
                            settleZWNJ(e)
                            let start = Int(payload >> 8)
                            emit(UnsafeBufferPointer(rebasing: pool[start..<start + count]), from: i)
                            if e & ScalarTable.transparentFlag == 0 { joinsFollowing = e & ScalarTable.joinsFollowingFlag != 0 }
                        }
                        previousLatin = e & ScalarTable.latinFlag != 0
                        i &+= len
                    default:  // a copied scalar right after a waiting ZWNJ
                        if e & ScalarTable.transparentFlag == 0 {
                            settleZWNJ(e)
                            joinsFollowing = e & ScalarTable.joinsFollowingFlag != 0
                        }
                        previousLatin = e & ScalarTable.latinFlag != 0
                        runStart = i
                        i &+= len
                        continue
                    }
                    runStart = i
                }
                flush(n)
                // A ZWNJ still waiting at the end of the text is at a word edge: dropped.
                return true
            }
        }
    }

    /// Converts the digit run starting at `start` (digits with single separators between them) unless it
    /// touches a Latin letter on either side; returns the offset after the run.
    @inline(__always)
    func digitRun(
        _ p: UnsafeBufferPointer<UInt8>, from start: Int, entries: UnsafeBufferPointer<UInt32>, style: DigitStyle,
        previousLatin: Bool, into out: inout [UInt8], alignment: inout [Int32]?
    ) -> Int {
        @inline(__always) func digitAt(_ i: Int) -> (value: UInt32, length: Int)? {
            guard i < p.count else { return nil }
            let (v, len) = UTF8Scalars.decode(p, at: i)
            guard v < 0x10000, ScalarTable.kind(entries[Int(v)]) == ScalarTable.Kind.digit.rawValue else { return nil }
            return (ScalarTable.payload(entries[Int(v)]), len)
        }
        // Find the run's end: digits, and one separator at a time between digits.
        var end = start
        while true {
            if let d = digitAt(end) { end += d.length; continue }
            guard end < p.count else { break }
            let (v, len) = UTF8Scalars.decode(p, at: end)
            if (v == 0x2E || v == 0x2C || v == 0x066B || v == 0x066C), digitAt(end + len) != nil { end += len; continue }
            break
        }
        var nextLatin = false
        if end < p.count {
            let (v, _) = UTF8Scalars.decode(p, at: end)
            nextLatin = v < 0x10000 && entries[Int(v)] & ScalarTable.latinFlag != 0
        }
        if previousLatin || nextLatin {
            Alignment.copyRun(p, start..<end, to: &out, alignment: &alignment)
            return end
        }
        var i = start
        while i < end {
            let before = out.count
            if let d = digitAt(i) {
                UTF8Scalars.append(style == .ascii ? 0x30 + d.value : 0x06F0 + d.value, to: &out)
                if alignment != nil { alignment?.append(contentsOf: repeatElement(Int32(i), count: out.count - before)) }
                i += d.length
                continue
            }
            let (v, len) = UTF8Scalars.decode(p, at: i)
            var mapped = v
            if style == .ascii && v == 0x066B { mapped = 0x2E }
            if style == .ascii && v == 0x066C { mapped = 0x2C }
            if style == .persian && v == 0x2E { mapped = 0x066B }
            UTF8Scalars.append(mapped, to: &out)
            if alignment != nil { alignment?.append(contentsOf: repeatElement(Int32(i), count: out.count - before)) }
            i += len
        }
        return end
    }
}
