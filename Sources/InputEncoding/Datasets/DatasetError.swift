/// Errors of the dataset readers. Each names the file and, for content errors, the 1-based line and either
/// the 1-based byte column within that line or the field that is missing.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input could not be opened or read.
    case unreadableInput(path: String, reason: String)
    /// The format could not be told from the path's extension.
    case unknownFormat(path: String)
    /// A gzip input is damaged or truncated.
    case corruptGzip(path: String, reason: String)
    /// Bytes that are not UTF-8; `column` is the 1-based byte position of the first bad byte in its line.
    case invalidUTF8(path: String, line: Int, column: Int)
    /// A record (which starts on `line`) is longer than `limit` bytes.
    case recordTooLong(path: String, line: Int, limit: Int)
    /// A quoted field opened at `line`:`column` is still open at the end of the file.
    case unterminatedQuote(path: String, line: Int, column: Int)
    /// A row has `fieldCount` fields but the `role` column (text, pair or label) is field `field` (1-based).
    case missingColumn(path: String, line: Int, role: String, field: Int, fieldCount: Int)
    /// A JSON object has no `key` (the `role` field), or its value is null where text is required.
    case missingKey(path: String, line: Int, role: String, key: String, isNull: Bool)
    /// A line is not one well-formed JSON object; `column` is the 1-based byte position of the problem.
    case malformedJSON(path: String, line: Int, column: Int, reason: String)
    /// A column name that the header does not have.
    case unknownColumn(path: String, role: String, name: String, header: [String])
    /// A column index past the header's last column.
    case columnOutOfRange(path: String, role: String, index: Int, columnCount: Int)
    /// A column selected by name while the input is read without a header.
    case nameWithoutHeader(path: String, role: String, name: String)
    /// A JSONL field selected by position; JSON objects have keys, not positions.
    case indexInJSONLines(path: String, role: String, index: Int)
    /// A class-folder input with no class folder holding `.txt` files.
    case noClassFolders(path: String)

    public var description: String {
        switch self {
        case let .unreadableInput(path, reason):
            return "cannot read input '\(path)': \(reason)"
        case let .unknownFormat(path):
            return "cannot tell the format of '\(path)' from its extension (.csv, .tsv, .jsonl, .txt, optionally .gz, "
                + "or a directory of class folders); pass --input-format csv|tsv|jsonl|lines|folder"
        case let .corruptGzip(path, reason):
            return "\(path): gzip data is damaged (\(reason)); check the file with `gzip -t` or fetch it again"
        case let .invalidUTF8(path, line, column):
            return "\(path):\(line):\(column): invalid UTF-8 at byte \(column) of the line; "
                + "convert the file to UTF-8 (for example with iconv) or pass --skip-bad-rows"
        case let .recordTooLong(path, line, limit):
            return "\(path):\(line): the record starting on this line is longer than \(limit) bytes; "
                + "check for an unbalanced quote that joins lines, raise the limit, or pass --skip-bad-rows"
        case let .unterminatedQuote(path, line, column):
            return "\(path):\(line):\(column): the quoted field opened here is not closed before the end of the file; "
                + "close the quote or double the quotes inside the field (\"\")"
        case let .missingColumn(path, line, role, field, fieldCount):
            return "\(path):\(line): the row has \(fieldCount) field\(fieldCount == 1 ? "" : "s") but the \(role) "
                + "column is field \(field) (index \(field - 1)); fix the row or pass --skip-bad-rows"
        case let .missingKey(path, line, role, key, isNull):
            return "\(path):\(line): the \(role) key '\(key)' is \(isNull ? "null" : "missing") in this object; "
                + "fix the line or pass --skip-bad-rows"
        case let .malformedJSON(path, line, column, reason):
            return "\(path):\(line):\(column): \(reason); each line must be one JSON object (or pass --skip-bad-rows)"
        case let .unknownColumn(path, role, name, header):
            let names = header.map { "'\($0)'" }.joined(separator: ", ")
            return "\(path): the \(role) column '\(name)' is not in the header (\(names)); "
                + "pass one of those names or a 0-based index"
        case let .columnOutOfRange(path, role, index, columnCount):
            return "\(path): the \(role) column index \(index) is past the header's \(columnCount) column"
                + "\(columnCount == 1 ? "" : "s"); indices are 0-based"
        case let .nameWithoutHeader(path, role, name):
            return "\(path): the \(role) column is selected by name ('\(name)') but --no-header is set; "
                + "select it by 0-based index or drop --no-header"
        case let .indexInJSONLines(path, role, index):
            return "\(path): the \(role) field is selected by index (\(index)) but JSONL fields have keys; "
                + "select it by key name"
        case let .noClassFolders(path):
            return "\(path): no class folders with .txt files found; lay the data out as DIR/<class>/*.txt"
        }
    }
}
