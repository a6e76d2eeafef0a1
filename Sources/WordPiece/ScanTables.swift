import TextNormalization

/// Everything the hot loop reads, copied once into memory this object owns and never mutates.
///
/// Reading Swift arrays from several threads makes each access retain and release the same buffers: an
/// atomic counter that two cores fight over. Raw pointers taken once per call avoid that entirely.
/// @unchecked Sendable: every pointer is allocated and filled in `init` and only read afterwards (freed in
/// `deinit`, when no tokenizer holds the object any more), so threads share it without synchronization.
final class ScanTables: @unchecked Sendable {
    /// The double array interleaved: `units[2s]` is base[s], `units[2s + 1]` is check[s]. Reading check[t]
    /// brings base[t], which the next byte needs, into the same cache line.
    let units: UnsafeMutableBufferPointer<Int32>
    let failLink: UnsafeMutableBufferPointer<Int32>
    let popStart: UnsafeMutableBufferPointer<Int32>
    let popCount: UnsafeMutableBufferPointer<Int32>
    let pops: UnsafeMutableBufferPointer<Int32>
    let ascii: UnsafeMutableBufferPointer<UInt32>
    /// The code-point table's own entries (not copied); `characterTable` keeps them alive.
    let entries: UnsafeBufferPointer<UInt32>
    let characterTable: BertCharacterTable
    let sequenceElements: UnsafeMutableBufferPointer<UInt32>
    /// `[start, end)` pairs into `sequenceElements`.
    let sequenceBounds: UnsafeMutableBufferPointer<Int32>
    /// Special tokens, longest first: concatenated bytes, with (offset, length, id) triples.
    let specialBytes: UnsafeMutableBufferPointer<UInt8>
    let specialIndex: UnsafeMutableBufferPointer<Int32>
    let specialFirstByte: UnsafeMutableBufferPointer<Bool>
    let unknownID: Int32
    let maxCharsPerWord: Int
    /// Per id, the bytes of text a piece with that id covers: its UTF-8 length, less the continuation
    /// prefix for tokens the trie holds as continuations (the offsets path measures pieces with it).
    let pieceLengths: UnsafeMutableBufferPointer<Int32>

    init(trie: LinMaxMatchTrie, table: BertCharacterTable, specials: [(bytes: [UInt8], id: Int32)], vocabulary: Vocabulary) {
        func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let p = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, array.count))
            _ = p.initialize(from: array)
            return p
        }
        units = copy(zip(trie.base, trie.check).flatMap { [$0, $1] })
        failLink = copy(trie.failLink)
        popStart = copy(trie.popStart)
        popCount = copy(trie.popCount)
        pops = copy(trie.pops)
        var first = [Bool](repeating: false, count: 256)
        for s in specials { first[Int(s.bytes[0])] = true }
        // ASCII entries also carry "a special token may start here", so the scan tests one loaded value.
        ascii = copy((0..<128).map { table.packedEntry(UInt32($0)) | (first[$0] ? ScanTables.specialStartFlag : 0) })
        characterTable = table
        entries = table.entries
        sequenceElements = copy(table.sequenceElements)
        sequenceBounds = copy(table.sequenceRanges.flatMap { [$0.lowerBound, $0.upperBound] })
        specialBytes = copy(specials.flatMap(\.bytes))
        var index: [Int32] = []
        var offset: Int32 = 0
        for s in specials {
            index += [offset, Int32(s.bytes.count), s.id]
            offset += Int32(s.bytes.count)
        }
        specialIndex = copy(index)
        specialFirstByte = copy(first)
        unknownID = vocabulary.unknownID
        maxCharsPerWord = vocabulary.maxInputCharsPerWord
        let prefix = Array(vocabulary.continuingSubwordPrefix.utf8)
        pieceLengths = copy(vocabulary.tokens.map { token -> Int32 in
            let bytes = Array(token.utf8)
            // The same rule as LinMaxMatchTrie's: a token longer than the prefix and starting with it is a continuation.
            let continuation = bytes.count > prefix.count && bytes.starts(with: prefix)
            return Int32(bytes.count - (continuation ? prefix.count : 0))
        })
    }

    var specialCount: Int { specialIndex.count / 3 }

    /// A special token starting at `i`, longest first: (byte length, id). `index` holds (offset, length, id)
    /// triples into `bytes`.
    @inline(__always)
    static func special(
        at i: Int, in p: UnsafeBufferPointer<UInt8>, bytes: UnsafeMutablePointer<UInt8>, index: UnsafeMutablePointer<Int32>,
        count: Int
    ) -> (Int, Int32)? {
        outer: for k in 0..<count {
            let offset = Int(index[3 * k]), length = Int(index[3 * k + 1])
            guard i + length <= p.count else { continue }
            for j in 0..<length where p[i + j] != bytes[offset + j] { continue outer }
            return (length, index[3 * k + 2])
        }
        return nil
    }

    /// Bit set in an ASCII entry when a special token starts with that byte (above `BertCharacterTable`'s bits).
    static let specialStartFlag: UInt32 = 1 << 25

    deinit {
        for p in [units, failLink, popStart, popCount, pops] { p.deallocate() }
        ascii.deallocate(); sequenceElements.deallocate(); sequenceBounds.deallocate()
        specialBytes.deallocate(); specialIndex.deallocate(); specialFirstByte.deallocate()
        pieceLengths.deallocate()
    }
}

/// Scalar <-> UTF-8 for the scans (input already validated: `len` comes from `UTF8Validation.sequenceLength`).
enum UTF8Scalar {
    @inline(__always)
    static func decode(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ len: Int) -> UInt32 {
        let b0 = UInt32(p[i])
        switch len {
        case 1: return b0
        case 2: return (b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F)
        case 3: return (b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F)
        default:
            return (b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
                | UInt32(p[i + 3] & 0x3F)
        }
    }

    /// Writes the UTF-8 bytes of `s` (1 to 4) and returns their count.
    @inline(__always)
    static func encode(_ s: UInt32, into out: UnsafeMutablePointer<UInt8>) -> Int {
        if s < 0x80 { out[0] = UInt8(s); return 1 }
        if s < 0x800 { out[0] = UInt8(0xC0 | s >> 6); out[1] = UInt8(0x80 | s & 0x3F); return 2 }
        if s < 0x10000 {
            out[0] = UInt8(0xE0 | s >> 12); out[1] = UInt8(0x80 | (s >> 6) & 0x3F); out[2] = UInt8(0x80 | s & 0x3F)
            return 3
        }
        out[0] = UInt8(0xF0 | s >> 18); out[1] = UInt8(0x80 | (s >> 12) & 0x3F)
        out[2] = UInt8(0x80 | (s >> 6) & 0x3F); out[3] = UInt8(0x80 | s & 0x3F)
        return 4
    }
}
