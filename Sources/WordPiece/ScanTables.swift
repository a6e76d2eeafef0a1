import TextNormalization

/// Everything the hot loop reads, copied once into memory this object owns and never mutates.
///
/// Reading Swift arrays from several threads makes each access retain and release the same buffers: an
/// atomic counter that two cores fight over. Raw pointers taken once per call avoid that entirely.
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
    }

    var specialCount: Int { specialIndex.count / 3 }

    /// Bit set in an ASCII entry when a special token starts with that byte (above `BertCharacterTable`'s bits).
    static let specialStartFlag: UInt32 = 1 << 25

    deinit {
        for p in [units, failLink, popStart, popCount, pops] { p.deallocate() }
        ascii.deallocate(); sequenceElements.deallocate(); sequenceBounds.deallocate()
        specialBytes.deallocate(); specialIndex.deallocate(); specialFirstByte.deallocate()
    }
}
