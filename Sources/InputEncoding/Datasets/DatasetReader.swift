/// Streams records (text, optional pair text and label) from a CSV, TSV, JSONL, plain-text or class-folder
/// dataset, one at a time, in memory bounded by one read block plus the longest record.
///
/// ```swift
/// var reader = try DatasetReader(configuration: .init(path: "train.csv.gz", skipBadRows: true))
/// while let record = try reader.next() {
///     // record.text, record.label, record.path, record.line
/// }
/// print("skipped \(reader.skippedRows) rows")
/// ```
///
/// Formats and defaults:
/// - CSV (RFC 4180) and TSV: see `Configuration` for the column defaults. Quoting follows Python's `csv`
///   module with its defaults, for both delimiters: a field that starts with `"` is quoted, `""` inside it is
///   one quote, delimiters and line breaks inside it are data; text after the closing quote is kept as is
///   up to the next delimiter; a quote inside an unquoted field is an ordinary character. Records end at
///   LF or CRLF (a lone CR is data). Blank lines are skipped. A UTF-8 byte order mark at the start is ignored.
/// - JSONL: one object per line; string values are taken as decoded, numbers, booleans, arrays and objects
///   as their JSON text (a label `3` gives `"3"`); a null or missing text is a bad row; blank lines are skipped.
/// - Lines: every line is a record's text (empty lines give empty texts); no header, no label.
/// - Folder: `DIR/<class>/*.txt`, classes and files in byte order of their names; each file is one record
///   whose text is the whole file and whose label is the class folder's name.
/// - A path ending in `.gz` is inflated while it is read.
///
/// A reader shares its open file among its copies: advance one copy only.
public struct DatasetReader {
    /// What to read and how.
    public struct Configuration: Sendable {
        /// The input file or class-folder directory ("-": standard input, which needs `format`).
        public var path: String
        /// The format, or nil to detect it from `path` (`DatasetFormat.detect(path:)`).
        public var format: DatasetFormat?
        /// The text column or key. Default: CSV/TSV the header column named `text`, else column 1 when rows
        /// have two or more columns (column 0 when it is the label), else column 0; JSONL the key `text`.
        public var textColumn: ColumnSelector?
        /// The pair-text column or key (sentence pairs). Default: none.
        public var pairColumn: ColumnSelector?
        /// The label column or key. Default: CSV/TSV the header column named `label`; else, when the text
        /// column was not given and the header has no `text` column, column 0 of rows with two or more
        /// columns (the `label,text` shape); JSONL the key `label` when the first object has it.
        public var labelColumn: ColumnSelector?
        /// Whether the first CSV/TSV record is a header of column names (default true).
        public var hasHeader: Bool
        /// Skip and count malformed rows instead of stopping (default false). An unterminated quote at the
        /// end of the file and an unreadable or damaged file are errors either way.
        public var skipBadRows: Bool
        /// Longest accepted record in bytes (default 64 MiB); a longer one is a bad row.
        public var maxRecordBytes: Int
        /// Bytes read from the file per block (default 1 MiB).
        public var blockSize: Int
        /// When false, a delimited (CSV/TSV) source leaves `text` empty and `pair` nil: for a pass that only
        /// needs the labels and the row count. Rows are checked (and skipped, or reported) exactly as when the
        /// texts are kept. Other sources ignore it.
        var keepsText = true

        /// Creates a configuration; see each property for its default.
        public init(
            path: String, format: DatasetFormat? = nil,
            textColumn: ColumnSelector? = nil, pairColumn: ColumnSelector? = nil, labelColumn: ColumnSelector? = nil,
            hasHeader: Bool = true, skipBadRows: Bool = false,
            maxRecordBytes: Int = 64 << 20, blockSize: Int = 1 << 20
        ) {
            self.path = path
            self.format = format
            self.textColumn = textColumn
            self.pairColumn = pairColumn
            self.labelColumn = labelColumn
            self.hasHeader = hasHeader
            self.skipBadRows = skipBadRows
            self.maxRecordBytes = max(1, maxRecordBytes)
            self.blockSize = max(1, blockSize)
        }
    }

    /// The settings this reader was made with.
    public let configuration: Configuration
    /// The format being read (given or detected).
    public let format: DatasetFormat
    private let source: any DatasetRecordSource
    private var delivered = 0

    /// Opens the input. Column names are checked against the header when the first record is read.
    ///
    /// - Throws: `DatasetError` when the format cannot be told, the input cannot be opened, or a selector
    ///   cannot apply to the format (an index for JSONL).
    public init(configuration: Configuration) throws {
        self.configuration = configuration
        let path = configuration.path
        if let format = configuration.format {
            self.format = format
        } else if path == "-" {
            throw DatasetError.unknownFormat(path: path)
        } else {
            self.format = try DatasetFormat.detect(path: path)
        }
        let gzip = DatasetFormat.isGzip(path: path)
        switch format {
        case .csv:
            source = try DelimitedSource(configuration: configuration, delimiter: UInt8(ascii: ","), gzip: gzip)
        case .tsv:
            source = try DelimitedSource(configuration: configuration, delimiter: UInt8(ascii: "\t"), gzip: gzip)
        case .jsonl:
            source = try JSONLinesSource(configuration: configuration, gzip: gzip)
        case .lines:
            source = try PlainLinesSource(configuration: configuration, gzip: gzip)
        case .folder:
            source = try FolderSource(configuration: configuration)
        }
    }

    /// The next record, or nil at the end of the input.
    ///
    /// - Throws: `DatasetError` for a malformed row (unless `skipBadRows`), an unterminated quote, or a read error.
    public mutating func next() throws -> DatasetRecord? {
        guard var record = try source.nextRecord() else { return nil }
        record.index = delivered
        delivered += 1
        return record
    }

    /// Appends the next record to `batch` (its texts as bytes, see `RecordBatch`); false at the end of the input.
    /// The same records, errors and skips as `next()`.
    mutating func next(into batch: inout RecordBatch) throws -> Bool {
        guard try source.nextRecord(into: &batch) else { return false }
        batch.records[batch.records.count - 1].index = delivered
        delivered += 1
        return true
    }

    /// The CSV/TSV source, for the first pass's split reading (`DatasetSurvey`).
    var delimitedSource: DelimitedSource? { source as? DelimitedSource }

    /// Records delivered so far.
    public var recordsRead: Int { delivered }
    /// Malformed rows skipped so far (with `skipBadRows`).
    public var skippedRows: Int { source.skips.count }
    /// The error of the first skipped row, for a warning that shows an example.
    public var firstSkippedError: DatasetError? { source.skips.first }
    /// Bytes read from disk so far (compressed bytes for gzip input), for progress against the file size.
    public var bytesRead: Int { source.bytesRead }
}

/// One format's record reader.
protocol DatasetRecordSource: AnyObject {
    /// The next record (its `index` is set by `DatasetReader`), or nil at the end.
    func nextRecord() throws -> DatasetRecord?
    /// Appends the next record to `batch` instead; false at the end.
    func nextRecord(into batch: inout RecordBatch) throws -> Bool
    /// Rows skipped so far.
    var skips: SkipLog { get }
    /// Bytes read from disk so far.
    var bytesRead: Int { get }
}

extension DatasetRecordSource {
    /// Through `nextRecord()`: for the sources that make their Strings anyway.
    func nextRecord(into batch: inout RecordBatch) throws -> Bool {
        guard let record = try nextRecord() else { return false }
        batch.append(record)
        return true
    }
}

/// Counts skipped rows, or throws their errors when skipping is off.
struct SkipLog {
    let enabled: Bool
    private(set) var count = 0
    private(set) var first: DatasetError?

    init(enabled: Bool) { self.enabled = enabled }

    /// Throws `error` unless skipping is on; then counts it.
    mutating func skip(_ error: DatasetError) throws {
        guard enabled else { throw error }
        count += 1
        if first == nil { first = error }
    }
}
