/// One example read from a dataset: its text, optional pair text and label, and where it came from.
///
/// ```swift
/// var reader = try DatasetReader(configuration: .init(path: "train.csv"))
/// while let record = try reader.next() {
///     print(record.path, record.line, record.label ?? "-", record.text)
/// }
/// ```
public struct DatasetRecord: Sendable, Equatable {
    /// The text to encode.
    public var text: String
    /// The second text of a pair (sentence-pair tasks), when a pair column is selected.
    public var pair: String?
    /// The raw label field, when a label column is selected (or found by default). Multi-label values are
    /// given as written (for JSONL, the JSON text of an array); splitting them is the caller's job.
    public var label: String?
    /// The 1-based line of the file on which the record starts (a quoted CSV field may span lines).
    public var line: Int
    /// The file the record came from (for a class folder, the `.txt` file inside it).
    public var path: String
    /// The 0-based position of the record among the records delivered so far; a header and skipped rows get no index.
    public var index: Int

    /// Creates a record.
    public init(text: String, pair: String? = nil, label: String? = nil, line: Int, path: String, index: Int) {
        self.text = text
        self.pair = pair
        self.label = label
        self.line = line
        self.path = path
        self.index = index
    }

    /// True when the text is empty and there is no non-empty pair text: nothing to encode. The reader
    /// delivers such records anyway and leaves the decision to the caller.
    public var isEmpty: Bool { text.isEmpty && (pair?.isEmpty ?? true) }
}
