/// Errors of the example writers (JSONL, safetensors, NPY, TFRecord). Each names the output path; row numbers
/// are 1-based positions in the output. Whatever the error, the destination keeps what it held before.
public enum WriterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The output, its temporary file or its temporary folder could not be created, written or renamed.
    case unwritableOutput(path: String, reason: String)
    /// A tensor format (safetensors, NPY) got a row whose token count differs from the earlier rows'.
    case rowLengthMismatch(path: String, row: Int, expected: Int, found: Int)
    /// Labels are being written but a row has none.
    case missingLabel(path: String, row: Int)
    /// Offsets are being written but a row was encoded without them.
    case missingOffsets(path: String, row: Int)
    /// A row's arrays do not all have one entry per token.
    case inconsistentRow(path: String, row: Int, reason: String)
    /// Something at the destination is not an earlier output of this writer, so it is left alone.
    case destinationNotReplaceable(path: String, reason: String)
    /// The input gave a different number of rows than the count taken before writing (it changed while read).
    case inputChanged(path: String, expectedRows: Int)
    /// The format needs a real file or folder (it rewrites headers or concatenates parts), not standard output.
    case standardOutputUnsupported(format: OutputFormat)

    public var description: String {
        switch self {
        case let .unwritableOutput(path, reason):
            return "cannot write output '\(path)': \(reason); check that the folder exists and is writable "
                + "(nothing was written)"
        case let .rowLengthMismatch(path, row, expected, found):
            return "'\(path)': row \(row) has \(found) tokens but earlier rows have \(expected); tensor formats need "
                + "rows of one length: pass --padding max_length (with --max-length) or --padding longest, "
                + "or write jsonl"
        case let .missingLabel(path, row):
            return "'\(path)': row \(row) has no label; give every input record a label, or leave labels out"
        case let .missingOffsets(path, row):
            return "'\(path)': row \(row) was encoded without offsets; encode with offsets, or leave offset_mapping out"
        case let .inconsistentRow(path, row, reason):
            return "'\(path)': row \(row) is inconsistent (\(reason)); this is a bug in the caller, please report it"
        case let .destinationNotReplaceable(path, reason):
            return "cannot replace '\(path)': \(reason); choose a new or empty output folder"
        case let .inputChanged(path, expectedRows):
            return "'\(path)': the input changed while it was read (a first read counted \(expectedRows) rows, the "
                + "second gave another number); encode an input that nothing else is writing"
        case let .standardOutputUnsupported(format):
            return "\(format.rawValue) output cannot go to standard output; pass --output PATH"
        }
    }
}
