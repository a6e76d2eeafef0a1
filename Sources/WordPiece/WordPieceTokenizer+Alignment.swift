import LineIO
import TextNormalization

/// A token with where it came from: its word and the input bytes it covers.
public struct AlignedToken: Hashable, Sendable {
    /// The token id.
    public var id: Int32
    /// The 0-based index of its word in the text: the pre-tokenizer's splits (runs between whitespace, each
    /// punctuation mark or CJK ideograph, each special token matched in the text), counted as HF does.
    public var word: Int32
    /// First input byte covered.
    public var start: Int32
    /// One past the last input byte covered.
    public var end: Int32

    /// A token and its source.
    public init(id: Int32, word: Int32, start: Int32, end: Int32) {
        self.id = id
        self.word = word
        self.start = start
        self.end = end
    }
}

extension WordPieceTokenizer {
    /// Token ids of UTF-8 text with the byte range of `bytes` each token covers and its word index.
    ///
    /// The ids are those of `tokenIDs(utf8:into:)`. Offsets point into `bytes` as given, before `normalizer`:
    /// the normalizer's alignment is composed with the tokenizer's, so a token of a Persian line maps back to
    /// the caller's own bytes. A piece of a word covers the input characters its normalized bytes came from
    /// (accents stripped from "é" still belong to it; a character BERT deletes belongs to no token).
    public func tokenizeAligned(utf8 bytes: UnsafeBufferPointer<UInt8>, into tokens: inout [AlignedToken]) {
        guard let normalizer else {
            var scan = AlignedScan(tables: tables)
            scan.run(bytes, into: &tokens, sourceMap: nil, sourceCount: bytes.count)
            return
        }
        var normalized: [UInt8] = []
        var map: [Int32]? = []
        normalizer.normalize(bytes, into: &normalized, alignment: &map)
        let alignment = map ?? []
        normalized.withUnsafeBufferPointer { text in
            var scan = AlignedScan(tables: tables)
            scan.run(text, into: &tokens, sourceMap: alignment, sourceCount: bytes.count)
        }
    }

    /// Token ids with offsets of a string (convenience over `tokenizeAligned(utf8:into:)`).
    public func tokenizeAligned(_ text: String) -> [AlignedToken] {
        var tokens: [AlignedToken] = []
        var text = text
        text.withUTF8 { tokenizeAligned(utf8: $0, into: &tokens) }
        return tokens
    }
}

/// The offsets path: the same classification as `Scan`, scalar by scalar, keeping for every byte of the
/// current (mapped) word the input range of the scalar it came from; each word is then matched by `Scan`'s
/// LinMaxMatch (so ids cannot differ from the fast path) and its pieces measured with `pieceLengths`.
struct AlignedScan {
    let tables: ScanTables
    /// Mapped bytes of the current word and, per byte, the input range of its source scalar.
    var word: [UInt8] = []
    var sourceStart: [Int32] = []
    var sourceEnd: [Int32] = []
    var scalars = 0
    var wordIndex: Int32 = 0
    var ids: [Int32] = []

    init(tables: ScanTables) { self.tables = tables }

    mutating func run(
        _ p: UnsafeBufferPointer<UInt8>, into tokens: inout [AlignedToken], sourceMap: [Int32]?, sourceCount: Int
    ) {
        let first = tokens.count
        withExtendedLifetime(tables) { scan(p, into: &tokens) }
        guard let sourceMap else { return }
        // Offsets so far point into the normalized text: carry them back to the caller's input.
        for k in first..<tokens.count {
            let range = Alignment.inputRange(
                ofOutput: Int(tokens[k].start)..<Int(tokens[k].end), alignment: sourceMap, inputCount: sourceCount)
            tokens[k].start = Int32(range.lowerBound)
            tokens[k].end = Int32(range.upperBound)
        }
    }

    private mutating func scan(_ p: UnsafeBufferPointer<UInt8>, into tokens: inout [AlignedToken]) {
        let t = tables
        let n = p.count
        var i = 0
        var scratch = (UInt8(0), UInt8(0), UInt8(0), UInt8(0))
        while i < n {
            let b = p[i]
            let startsSpecial = b < 0x80
                ? t.ascii[Int(b)] & ScanTables.specialStartFlag != 0 : t.specialCount > 0 && t.specialFirstByte[Int(b)]
            if startsSpecial, let (len, id) = special(at: i, in: p) {
                flush(into: &tokens)
                tokens.append(AlignedToken(id: id, word: wordIndex, start: Int32(i), end: Int32(i + len)))
                wordIndex += 1
                i += len
                continue
            }
            var len = 1
            var entry: UInt32
            if b < 0x80 {
                entry = t.ascii[Int(b)] & ~ScanTables.specialStartFlag
            } else {
                len = UTF8Validation.sequenceLength(p, at: i)
                guard len > 0 else { i += 1; continue }  // ill-formed: U+FFFD, which cleaning removes
                entry = t.entries[Int(UTF8Scalar.decode(p, i, len))]
            }
            let start = Int32(i), end = Int32(i + len)
            if entry & BertCharacterTable.sequenceFlag != 0 {
                let index = Int(entry & BertCharacterTable.valueMask)
                for k in Int(t.sequenceBounds[2 * index])..<Int(t.sequenceBounds[2 * index + 1]) {
                    let x = t.sequenceElements[k]
                    classify(kind: (x >> BertCharacterTable.kindShift) & 3, scalar: x & BertCharacterTable.valueMask,
                             start: start, end: end, into: &tokens, scratch: &scratch)
                }
            } else if entry & BertCharacterTable.identityFlag != 0 && (entry >> BertCharacterTable.kindShift) & 3 == 0 {
                appendBytes(UnsafeBufferPointer(rebasing: p[i..<i + len]), start: start, end: end)
            } else {
                classify(kind: (entry >> BertCharacterTable.kindShift) & 3, scalar: entry & BertCharacterTable.valueMask,
                         start: start, end: end, into: &tokens, scratch: &scratch)
            }
            i += len
        }
        flush(into: &tokens)
    }

    private mutating func classify(
        kind: UInt32, scalar: UInt32, start: Int32, end: Int32, into tokens: inout [AlignedToken],
        scratch: inout (UInt8, UInt8, UInt8, UInt8)
    ) {
        switch kind {
        case 0:
            appendScalar(scalar, start: start, end: end, scratch: &scratch)
        case 3:
            flush(into: &tokens)
            appendScalar(scalar, start: start, end: end, scratch: &scratch)
            flush(into: &tokens)
        case 1:
            flush(into: &tokens)
        default:
            break  // removed
        }
    }

    private mutating func appendScalar(_ s: UInt32, start: Int32, end: Int32, scratch: inout (UInt8, UInt8, UInt8, UInt8)) {
        withUnsafeMutableBytes(of: &scratch) { raw in
            let out = raw.bindMemory(to: UInt8.self)
            let count = UTF8Scalar.encode(s, into: out.baseAddress!)
            appendBytes(UnsafeBufferPointer(rebasing: out[0..<count]), start: start, end: end)
        }
    }

    private mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>, start: Int32, end: Int32) {
        scalars += 1
        word.append(contentsOf: bytes)
        sourceStart.append(contentsOf: repeatElement(start, count: bytes.count))
        sourceEnd.append(contentsOf: repeatElement(end, count: bytes.count))
    }

    /// Matches the current word with LinMaxMatch and appends its pieces with their input ranges.
    private mutating func flush(into tokens: inout [AlignedToken]) {
        guard scalars > 0 else { return }
        defer {
            word.removeAll(keepingCapacity: true)
            sourceStart.removeAll(keepingCapacity: true)
            sourceEnd.removeAll(keepingCapacity: true)
            scalars = 0
            wordIndex += 1
        }
        let t = tables
        // A word yields at most one piece per byte (plus one [UNK]).
        ids.removeAll(keepingCapacity: true)
        ids.append(contentsOf: repeatElement(0, count: word.count + 1))
        let written = ids.withUnsafeMutableBufferPointer { out -> Int in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4) { scratch in
                var matcher = WordPieceTokenizer.Scan(t, word: scratch.baseAddress!, output: out.baseAddress!)
                matcher.scalars = scalars
                matcher.wordStart = 0
                for byte in word { matcher.feed(byte) }
                matcher.flush()
                return matcher.written
            }
        }
        let lastByte = word.count - 1
        if written == 1 && ids[0] == t.unknownID {
            tokens.append(AlignedToken(id: ids[0], word: wordIndex, start: sourceStart[0], end: sourceEnd[lastByte]))
            return
        }
        var at = 0
        for k in 0..<written {
            let id = ids[k]
            let length = max(1, Int(t.pieceLengths[Int(id)]))
            let from = min(at, lastByte), to = min(at + length, word.count) - 1
            tokens.append(AlignedToken(id: id, word: wordIndex, start: sourceStart[from], end: sourceEnd[max(from, to)]))
            at += length
        }
    }

    private func special(at i: Int, in p: UnsafeBufferPointer<UInt8>) -> (Int, Int32)? {
        ScanTables.special(at: i, in: p, bytes: tables.specialBytes.baseAddress!, index: tables.specialIndex.baseAddress!,
                           count: tables.specialCount)
    }
}
