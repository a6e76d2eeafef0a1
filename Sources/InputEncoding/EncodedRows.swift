import WordPiece

/// Model-input rows stored back to back in flat arrays, with their labels and source records.
///
/// This is what dataset encoding hands its writers in the common case (no offsets, no overflowing windows):
/// rows are built straight into four arrays, without an `Encoding` (and its nine arrays) per row.
///
/// ```swift
/// var rows = EncodedRows()
/// try tokenizer.appendFirstWindow(of: "How are you?", pair: "Fine.", to: &rows, label: nil, sampleIndex: 0)
/// rows.ids[rows.range(ofRow: 0)]   // [101, 2129, 2024, 2017, 1029, 102, 2986, 1012, 102]
/// ```
public struct EncodedRows: Sendable, Hashable {
    /// Token ids of every row, one row after the other.
    public internal(set) var ids: [Int32] = []
    /// Segment ids, aligned with `ids`.
    public internal(set) var typeIDs: [Int32] = []
    /// 1 for real tokens, 0 for padding, aligned with `ids`.
    public internal(set) var attentionMask: [Int32] = []
    /// 1 for special and padding tokens, aligned with `ids`.
    public internal(set) var specialTokensMask: [Int32] = []
    /// Where each row ends in the flat arrays: row `r` spans `ends[r - 1] ..< ends[r]` (from 0 for row 0).
    public internal(set) var ends: [Int] = []
    /// Each row's class id; empty when the rows carry no labels.
    public internal(set) var labels: [Int32] = []
    /// Each row's input record index (HF's `overflow_to_sample_mapping`).
    public internal(set) var sampleIndices: [Int] = []

    /// No rows.
    public init() {}

    /// The number of rows.
    public var count: Int { ends.count }

    /// The positions of row `row` in the flat arrays.
    public func range(ofRow row: Int) -> Range<Int> { (row == 0 ? 0 : ends[row - 1])..<ends[row] }

    /// Reserves room for `rows` rows of about `tokens` tokens each.
    public mutating func reserveCapacity(rows: Int, tokens: Int) {
        let total = rows * tokens
        ids.reserveCapacity(total)
        typeIDs.reserveCapacity(total)
        attentionMask.reserveCapacity(total)
        specialTokensMask.reserveCapacity(total)
        ends.reserveCapacity(rows)
        sampleIndices.reserveCapacity(rows)
    }

    /// Row `row` as an `EncodedExample` (for writers that take one row at a time). Its sequence indices are
    /// not kept in flat rows: special and padding tokens get -1, text tokens 0.
    public func example(_ row: Int) -> EncodedExample {
        let span = range(ofRow: row)
        let special = Array(specialTokensMask[span])
        let encoding = Encoding(
            ids: Array(ids[span]), typeIDs: Array(typeIDs[span]), attentionMask: Array(attentionMask[span]),
            specialTokensMask: special, wordIndices: [], sequenceIndices: special.map { $0 == 0 ? 0 : -1 })
        return EncodedExample(encoding: encoding, label: labels.isEmpty ? nil : labels[row], sampleIndex: sampleIndices[row])
    }

    /// Closes the row whose tokens were just appended.
    mutating func endRow(label: Int32?, sampleIndex: Int) {
        ends.append(ids.count)
        if let label { labels.append(label) }
        sampleIndices.append(sampleIndex)
    }
}

extension Tokenizer {
    /// Appends the first window of `encode(text, pair:)` to `rows`: truncated, through the template, and
    /// padded when `padding` has a fixed length (with `.longest`, the row keeps its own length). Returns the
    /// number of text tokens (special and padding tokens excluded) in the row.
    ///
    /// The ids, segment ids and masks are those of `encode` for the same settings.
    @discardableResult
    public func appendFirstWindow(
        of text: String, pair: String?, to rows: inout EncodedRows, label: Int32?, sampleIndex: Int
    ) throws -> Int {
        try withTokenIDs(of: text, pair: pair, firstWindowOnly: true) { first, second in
            try appendRow(first, second, to: &rows, label: label, sampleIndex: sampleIndex)
        }
    }

    /// `appendFirstWindow` of texts given as UTF-8 bytes.
    func appendFirstWindow(
        utf8 text: UnsafeBufferPointer<UInt8>, pair: UnsafeBufferPointer<UInt8>?, to rows: inout EncodedRows,
        label: Int32?, sampleIndex: Int
    ) throws -> Int {
        try withTokenIDs(utf8: text, pair: pair, firstWindowOnly: true) { first, second in
            try appendRow(first, second, to: &rows, label: label, sampleIndex: sampleIndex)
        }
    }

    /// Truncation, template and fixed padding of already tokenized ids, appended to `rows`.
    private func appendRow(
        _ first: UnsafeBufferPointer<Int32>, _ second: UnsafeBufferPointer<Int32>?, to rows: inout EncodedRows,
        label: Int32?, sampleIndex: Int
    ) throws -> Int {
        let keep = try keptLengths(first: first.count, second: second?.count, addSpecialTokens: true)
        let pieces = second != nil ? template.pair : template.single
        let length = keep.first + (keep.second ?? 0) + template.addedTokens(pair: second != nil)
        var padCount = 0
        if let padding, case .fixed = padding.length { padCount = max(0, padding.targetLength(longest: length) - length) }
        let padLeft = padding?.side == .left
        func pad() {
            guard padCount > 0, let padding else { return }
            rows.ids.appendRepeated(padding.padID, count: padCount)
            rows.typeIDs.appendRepeated(padding.padTypeID, count: padCount)
            rows.attentionMask.appendRepeated(0, count: padCount)
            rows.specialTokensMask.appendRepeated(1, count: padCount)
        }
        if padLeft { pad() }
        let fromLeft = truncation?.side == .left
        for piece in pieces {
            switch piece {
            case let .sequence(index, typeID):
                guard index == 0 || second != nil else { continue }
                let ids = index == 0 ? first : second!
                let count = index == 0 ? keep.first : (keep.second ?? 0)
                let slice = UnsafeBufferPointer(rebasing: fromLeft ? ids[(ids.count - count)...] : ids[..<count])
                rows.ids.append(contentsOf: slice)
                rows.typeIDs.appendRepeated(typeID, count: count)
                rows.attentionMask.appendRepeated(1, count: count)
                rows.specialTokensMask.appendRepeated(0, count: count)
            case let .special(_, id, typeID):
                rows.ids.append(id)
                rows.typeIDs.append(typeID)
                rows.attentionMask.append(1)
                rows.specialTokensMask.append(1)
            }
        }
        if !padLeft { pad() }
        rows.endRow(label: label, sampleIndex: sampleIndex)
        return keep.first + (keep.second ?? 0)
    }

    /// The token counts the first window keeps of texts of `first` and `second` tokens under `truncation`,
    /// with HF's checks (the special tokens must fit; the stride must be shorter than a cut text's window).
    func keptLengths(first: Int, second: Int?, addSpecialTokens: Bool) throws -> (first: Int, second: Int?) {
        guard let truncation else { return (first, second) }
        let added = addSpecialTokens ? template.addedTokens(pair: second != nil) : 0
        let limit = truncation.maxLength - added
        guard limit >= 0 else { throw EncodingError.maxLengthTooSmall(maxLength: truncation.maxLength, specialTokens: added) }
        let keep = try truncation.keptLengths(first: first, second: second, limit: limit)
        // HF checks the stride wherever a text is cut, windows asked for or not.
        for (kept, total) in [(keep.first, first), (keep.second ?? 0, second ?? 0)] where kept > 0 && kept < total {
            guard truncation.stride < kept else { throw EncodingError.strideTooLarge(stride: truncation.stride, windowLength: kept) }
        }
        return keep
    }
}

extension Array where Element == Int32 {
    /// Appends `count` copies of `value`: for 0 and 1 (masks, segment ids, the usual `[PAD]`) one copy from a
    /// prepared run, which is several times faster than appending a `repeatElement` sequence.
    @inline(__always)
    mutating func appendRepeated(_ value: Int32, count: Int) {
        guard (0...1).contains(value), count <= RepeatedValues.length else {
            append(contentsOf: repeatElement(value, count: count))
            return
        }
        append(contentsOf: UnsafeBufferPointer(start: RepeatedValues.run(of: value), count: count))
    }
}

/// Runs of 0 and of 1 that `appendRepeated` copies from.
enum RepeatedValues {
    static let length = 1024
    // Written once by the lazy initializer and only read afterwards (never freed), so sharing it is safe.
    nonisolated(unsafe) private static let storage: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * length)
        p.initialize(repeating: 0, count: length)
        (p + length).initialize(repeating: 1, count: length)
        return p
    }()

    /// `length` copies of `value` (0 or 1).
    @inline(__always)
    static func run(of value: Int32) -> UnsafePointer<Int32> { UnsafePointer(storage + Int(value) * length) }
}
