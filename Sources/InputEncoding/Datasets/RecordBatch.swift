/// Records read together, with their texts back to back in one byte buffer instead of a String each: what
/// dataset encoding reads on its driving thread and hands to its worker threads (`DatasetReader.next(into:)`).
///
/// A CSV/TSV reader copies each validated (and, for a quoted field, unescaped) text straight from its read
/// block into `bytes`: no allocation, reference count or second UTF-8 check per text, which a `String` costs.
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

    /// Record `k` as a `DatasetRecord` (Strings made from the bytes).
    func record(_ k: Int) -> DatasetRecord {
        let entry = records[k]
        return bytes.withUnsafeBufferPointer { base in
            func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: base[range]), as: UTF8.self) }
            return DatasetRecord(
                text: string(entry.text), pair: entry.pair.map(string), label: entry.label, line: entry.line,
                path: entry.path, index: entry.index)
        }
    }

    /// Empties the batch, keeping its memory for the next one.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        records.removeAll(keepingCapacity: true)
    }
}
