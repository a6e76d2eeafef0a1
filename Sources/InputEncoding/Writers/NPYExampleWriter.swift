#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a folder with one `.npy` file per field (`input_ids.npy`, …, `label.npy`): format version 1.0,
/// dtype `<i8`, C order, shapes as in the safetensors writer.
///
/// Layout (numpy's `numpy/lib/format.py` docstring): the magic `\x93NUMPY`, version bytes 1 and 0, a
/// little-endian u16 header length, then an ASCII Python dict literal padded with spaces and ended by `\n` so
/// the data start on a 64-byte boundary. The row count is unknown until the end, so each file starts with a
/// 128-byte header (room for any shape) written over the zero-filled start in `finish()`.
///
/// The files grow in a hidden folder beside the destination. `finish()` renames that folder to the
/// destination. If the destination is a folder from an earlier run (it holds only `.npy` files), it is
/// renamed aside first, the new folder renamed in, and the old one then deleted: readers see the old set or
/// the new set, except for the instant between the two renames, when the path is missing. A destination that
/// is a file, or a folder holding anything but `.npy` files, is never touched (`destinationNotReplaceable`).
final class NPYExampleWriter: ExampleWriter {
    /// Bytes before the data in every file this writer makes.
    static let headerSize = 128

    private let path: String
    private let fields: WriterFields
    private var parts: TemporaryParts?
    private var rows = 0
    private var length: Int?

    /// Checks the destination and creates the hidden folder beside it.
    init(path: String, fields: WriterFields) throws {
        if path == "-" { throw WriterError.standardOutputUnsupported(format: .npy) }
        self.path = path
        self.fields = fields
        try Self.checkReplaceable(path)
        parts = try TemporaryParts(
            beside: path, columns: TensorColumn.selected(by: fields), suffix: ".npy", headerBytes: Self.headerSize)
    }

    deinit { discard() }

    func write(_ example: EncodedExample) throws {
        guard let parts else { throw WriterError.unwritableOutput(path: path, reason: "the writer is closed") }
        try parts.appendRow(example, number: rows + 1, length: &length, fields: fields, path: path)
        rows += 1
    }

    func write(rows block: EncodedRows) throws {
        guard let parts else { throw WriterError.unwritableOutput(path: path, reason: "the writer is closed") }
        try parts.appendRows(block, firstNumber: rows + 1, length: &length, fields: fields, path: path)
        rows += block.count
    }

    func finish() throws {
        guard let parts else { return }
        do {
            let headers = parts.parts.map { Self.header(shape: $0.column.shape(rows: rows, length: length ?? 0)) }
            try parts.closeFiles(headers: headers)
            try Self.moveIntoPlace(parts.folder, path)
            parts.release()
            self.parts = nil
        } catch {
            discard()
            throw error
        }
    }

    func discard() {
        parts?.remove()
    }

    /// A version 1.0 header of exactly `headerSize` bytes for an `<i8` C-order array of `shape`.
    static func header(shape: [Int]) -> [UInt8] {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        let dict = "{'descr': '<i8', 'fortran_order': False, 'shape': \(dims), }"
        // 10 bytes of magic, version and length, then the dict padded to end on byte 128 with a newline. The
        // longest possible dict (three 19-digit dimensions) is 105 bytes, under the 117 available.
        let textLength = headerSize - 10
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(textLength & 0xFF), UInt8(textLength >> 8)]
        bytes += dict.utf8
        while bytes.count < headerSize - 1 { bytes.append(UInt8(ascii: " ")) }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Throws unless `path` is missing or a folder holding only `.npy` files.
    private static func checkReplaceable(_ path: String) throws {
        switch FileOps.kind(path) {
        case .missing:
            return
        case .other:
            throw WriterError.destinationNotReplaceable(path: path, reason: "it is a file, and npy output is a folder")
        case .folder:
            guard let names = FileOps.list(path) else {
                throw WriterError.destinationNotReplaceable(path: path, reason: FileOps.reason())
            }
            if let stranger = names.first(where: { !$0.hasSuffix(".npy") || FileOps.kind("\(path)/\($0)") != .other }) {
                throw WriterError.destinationNotReplaceable(
                    path: path, reason: "it holds '\(stranger)', which is not an earlier .npy output")
            }
        }
    }

    /// Renames `folder` to `destination`, replacing an earlier output folder there (see the type's summary).
    private static func moveIntoPlace(_ folder: String, _ destination: String) throws {
        try checkReplaceable(destination)
        guard FileOps.kind(destination) == .folder else {
            if rename(folder, destination) != 0 {
                throw WriterError.unwritableOutput(path: destination, reason: FileOps.reason())
            }
            return
        }
        let old = FileOps.temporaryPath(beside: destination, suffix: ".old")
        if rename(destination, old) != 0 {
            throw WriterError.unwritableOutput(path: destination, reason: FileOps.reason())
        }
        if rename(folder, destination) != 0 {
            let reason = FileOps.reason()
            _ = rename(old, destination)
            throw WriterError.unwritableOutput(path: destination, reason: reason)
        }
        for name in FileOps.list(old) ?? [] { _ = unlink("\(old)/\(name)") }
        _ = rmdir(old)
    }
}
