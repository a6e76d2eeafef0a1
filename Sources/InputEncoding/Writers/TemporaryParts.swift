#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A hidden folder beside an output holding one buffered file per tensor column while rows stream in.
///
/// The safetensors writer concatenates the files behind a header at the end; the NPY writer renames the
/// folder itself into place. `remove()` (also run on deinit) deletes whatever is left.
final class TemporaryParts {
    /// One column's file.
    struct Part {
        let column: TensorColumn
        let path: String
        var fd: Int32
        let sink: ByteSink
    }

    /// The hidden folder.
    let folder: String
    /// The destination, for messages.
    let displayPath: String
    /// The column files, in storage order.
    private(set) var parts: [Part] = []
    private var removed = false

    /// Creates the folder beside `destination` and one file per column, named `<column name><suffix>`; each
    /// file starts with `headerBytes` zero bytes that the caller may overwrite at the end.
    init(beside destination: String, columns: [TensorColumn], suffix: String, headerBytes: Int = 0) throws {
        displayPath = destination
        folder = FileOps.temporaryPath(beside: destination, suffix: ".tmp")
        guard mkdir(folder, 0o755) == 0 else {
            throw WriterError.unwritableOutput(path: destination, reason: FileOps.reason())
        }
        do {
            for column in columns {
                let path = "\(folder)/\(column.name)\(suffix)"
                let fd = try FileOps.create(path, display: destination)
                let sink = ByteSink(target: .descriptor(fd), displayPath: destination)
                parts.append(Part(column: column, path: path, fd: fd, sink: sink))
                if headerBytes > 0 {
                    try sink.reserve(headerBytes).initializeMemory(as: UInt8.self, repeating: 0, count: headerBytes)
                    sink.advance(headerBytes)
                }
            }
        } catch {
            remove()
            throw error
        }
    }

    deinit { remove() }

    /// Appends one validated row to every column file.
    /// Checks a row of a tensor format (its fields, and the length every row before it had) and appends it.
    func appendRow(_ example: EncodedExample, number: Int, length: inout Int?, fields: WriterFields, path: String) throws {
        try RowCheck.validate(example, row: number, fields: fields, path: path)
        let tokens = example.encoding.ids.count
        if let length, length != tokens {
            throw WriterError.rowLengthMismatch(path: path, row: number, expected: length, found: tokens)
        }
        length = tokens
        try append(example)
    }

    /// Checks rows stored back to back (see `RowCheck`) and appends them to every column file.
    func appendRows(_ rows: EncodedRows, firstNumber: Int, length: inout Int?, fields: WriterFields, path: String) throws {
        try RowCheck.validate(rows, firstRow: firstNumber, length: &length, fields: fields, path: path)
        for part in parts { try part.column.append(rows: rows, to: part.sink) }
    }

    func append(_ example: EncodedExample) throws {
        for part in parts { try part.column.append(example, to: part.sink) }
    }

    /// Flushes every column file; with `headers`, writes `headers[i]` at the start of file `i`; then closes them.
    func closeFiles(headers: [[UInt8]]? = nil) throws {
        for i in parts.indices where parts[i].fd >= 0 {
            try parts[i].sink.flush()
            if let headers {
                try headers[i].withUnsafeBytes { try FileOps.writeAll(parts[i].fd, $0, at: 0, path: displayPath) }
            }
            let fd = parts[i].fd
            parts[i].fd = -1
            try FileOps.closeChecked(fd, path: displayPath)
        }
    }

    /// Forgets the folder without deleting it (it was renamed into place).
    func release() {
        removed = true
    }

    /// Closes and deletes the column files and the folder.
    func remove() {
        guard !removed else { return }
        removed = true
        for part in parts {
            if part.fd >= 0 { _ = close(part.fd) }
            _ = unlink(part.path)
        }
        _ = rmdir(folder)
    }
}
