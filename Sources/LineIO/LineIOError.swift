/// Errors of the streaming line readers and writers; each names the file and, for content errors, the line and byte.
public enum LineIOError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input could not be opened or read.
    case unreadableInput(path: String, reason: String)
    /// The output (or its temporary file) could not be created or written.
    case unwritableOutput(path: String, reason: String)
    /// A line is not valid UTF-8. `line` is 1-based; `byteOffset` is the 0-based offset of the first bad
    /// byte from the start of the input; `column` is its 1-based byte position within the line.
    case invalidUTF8(path: String, line: Int, column: Int, byteOffset: Int)
    /// A line is longer than the configured limit (`LinePipeline.Configuration.maxLineBytes`).
    case lineTooLong(path: String, line: Int, byteOffset: Int, limit: Int)
    /// The per-line transform rejected a line.
    case transformFailed(path: String, line: Int, byteOffset: Int, reason: String)
    /// The output path names the input file itself.
    case outputIsInput(path: String)
    /// The input has carriage returns but no line feed: CR-only line endings, which are not line breaks here.
    case carriageReturnLineEndings(path: String, byteOffset: Int)

    public var description: String {
        switch self {
        case let .unreadableInput(path, reason):
            return "cannot read input '\(path)': \(reason)"
        case let .unwritableOutput(path, reason):
            // A file output is renamed into place only on success; standard output may have received a part.
            return "cannot write output '\(path)': \(reason)" + (path == "<stdout>" ? "" : "; nothing was written")
        case let .invalidUTF8(path, line, column, byteOffset):
            return "\(path):\(line): invalid UTF-8 at byte \(column) of the line (byte offset \(byteOffset) in the input); "
                + "fix the encoding or pass --lossy to replace bad bytes with U+FFFD"
        case let .lineTooLong(path, line, byteOffset, limit):
            return "\(path):\(line): line starting at byte offset \(byteOffset) is longer than \(limit) bytes; "
                + "split the input into lines (one example per line)"
        case let .transformFailed(path, line, byteOffset, reason):
            return "\(path):\(line) (byte offset \(byteOffset)): \(reason)"
        case let .outputIsInput(path):
            return "output '\(path)' is the input file; write to another path (the input would be replaced while it is read)"
        case let .carriageReturnLineEndings(path, byteOffset):
            return "\(path): carriage return at byte offset \(byteOffset) but no line feed in the input: its lines end in CR "
                + "only (classic Mac), which would all be read as one line; convert them first, e.g. tr '\\r' '\\n' < in > out"
        }
    }
}
