/// Records read together, with their texts back to back in one byte buffer instead of a String each: what
/// dataset encoding reads on its driving thread and hands to its worker threads (`DatasetReader.next(into:)`).
///
/// A CSV/TSV reader copies each validated (and, for a quoted field, unescaped) text straight from its read
/// block into `bytes`: no allocation and no second UTF-8 check per text, which a `String` costs. (Each record
/// still holds its label, a `String` allocated only past 15 bytes, and a reference to its file's path.)
struct RecordBatch: Sendable {
    /// One record: where its texts lie in `bytes`, its label and where it came from.
    struct Entry: Sendable {
        /// The text's bytes in `bytes`.
        var text: Range<Int>
        /// The pair text's bytes in `bytes`, when a pair column is selected.
        var pair: Range<Int>?
        /// The raw label field (see `DatasetRecord.label`).
        var label: String?
        /// The 1-based line on which the record starts.
        var line: Int
        /// The file the record came from.
        var path: String
        /// The 0-based position among the records delivered (set by `DatasetReader`).
        var index: Int
    }

    /// The UTF-8 (validated) of every text and pair text, one after the other.
    var bytes: [UInt8] = []
    /// The records in input order.
    var records: [Entry] = []

    /// The number of records.
    var count: Int { records.count }
    /// Whether the batch holds no record.
    var isEmpty: Bool { records.isEmpty }

    /// Appends a record whose texts are the bytes appended since `textStart` (text) and since `pairStart`
    /// (pair text, nil without one).
    mutating func appendRecord(textStart: Int, pairStart: Int?, label: String?, line: Int, path: String) {
        let end = bytes.count
        let text = textStart..<(pairStart ?? end)
        records.append(Entry(text: text, pair: pairStart.map { $0..<end }, label: label, line: line, path: path, index: 0))
    }

    /// Appends `record`, copying its texts.
    mutating func append(_ record: DatasetRecord) {
        let textStart = bytes.count
        bytes.append(contentsOf: record.text.utf8)
        var pairStart: Int?
        if let pair = record.pair {
            pairStart = bytes.count
            bytes.append(contentsOf: pair.utf8)
        }
        appendRecord(textStart: textStart, pairStart: pairStart, label: record.label, line: record.line, path: record.path)
        records[records.count - 1].index = record.index
    }

    /// `entry` (one of `records`) as a `DatasetRecord`, with Strings made from the bytes.
    func datasetRecord(_ entry: Entry) -> DatasetRecord {
        bytes.withUnsafeBufferPointer { base in
            let (text, pair) = Self.texts(of: entry, in: base)
            return DatasetRecord(
                text: String(decoding: text, as: UTF8.self), pair: pair.map { String(decoding: $0, as: UTF8.self) },
                label: entry.label, line: entry.line, path: entry.path, index: entry.index)
        }
    }

    /// The bytes of `entry`'s text and pair text in `base`, the batch's `bytes`.
    @inline(__always)
    static func texts(of entry: Entry, in base: UnsafeBufferPointer<UInt8>) -> (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?) {
        (UnsafeBufferPointer(rebasing: base[entry.text]), entry.pair.map { UnsafeBufferPointer(rebasing: base[$0]) })
    }

    /// Empties the batch, keeping its memory for the next one.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        records.removeAll(keepingCapacity: true)
    }
}
