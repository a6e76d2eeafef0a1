/// Writes a safetensors file (the layout of `SafetensorsExampleWriter`) when the number of rows is known
/// before the first row: the header goes first, and each batch's part of every tensor is written straight to
/// its final place in one temporary file beside the destination, renamed over it at the end.
///
/// Every byte is written once, where `SafetensorsExampleWriter` writes each tensor to a part file and then
/// copies the parts behind the header (twice the writing, on outputs ten times the input's size).
final class SafetensorsPlacedWriter: ExampleWriter {
    private let path: String
    private let fields: WriterFields
    private let columns: [TensorColumn]
    private let expectedRows: Int
    private var temporary: String?
    private var fd: Int32 = -1
    private var rows = 0
    private var length: Int?
    /// Where each column's data start in the file (set by the first row, which fixes the row length).
    private var columnStarts: [Int] = []
    private let buffer: ByteSink

    /// Creates the temporary file beside `path` for exactly `rows` rows.
    init(path: String, fields: WriterFields, rows: Int) throws {
        if path == "-" { throw WriterError.standardOutputUnsupported(format: .safetensors) }
        self.path = path
        self.fields = fields
        columns = TensorColumn.selected(by: fields)
        expectedRows = rows
        let temporary = FileOps.temporaryPath(beside: path, suffix: ".tmp")
        fd = try FileOps.create(temporary, display: path)
        self.temporary = temporary
        // Each column of a batch is converted here, then placed with one positioned write.
        buffer = ByteSink(target: .memory, displayPath: path, capacity: 1 << 20)
    }

    deinit { discard() }

    func write(_ example: EncodedExample) throws {
        try RowCheck.validate(example, row: rows + 1, fields: fields, path: path)
        var block = EncodedRows()
        let e = example.encoding
        guard !fields.offsets else { throw WriterError.missingOffsets(path: path, row: rows + 1) }
        block.ids = e.ids
        block.typeIDs = e.typeIDs
        block.attentionMask = e.attentionMask
        block.specialTokensMask = e.specialTokensMask
        block.endRow(label: example.label, sampleIndex: example.sampleIndex)
        try write(rows: block)
    }

    func write(rows block: EncodedRows) throws {
        guard fd >= 0 else { throw WriterError.unwritableOutput(path: path, reason: "the writer is closed") }
        guard block.count > 0 else { return }
        try RowCheck.validate(block, firstRow: rows + 1, length: &length, fields: fields, path: path)
        guard rows + block.count <= expectedRows else { throw WriterError.inputChanged(path: path, expectedRows: expectedRows) }
        let length = length ?? 0
        if columnStarts.isEmpty { try writeHeader(length: length) }
        for (column, start) in zip(columns, columnStarts) {
            let rowBytes = column.shape(rows: 1, length: length).reduce(8, *)
            try column.append(rows: block, to: buffer)
            try buffer.drain { bytes in try FileOps.writeAll(fd, bytes, at: start + rows * rowBytes, path: path) }
        }
        rows += block.count
    }

    /// Writes the size prefix and the header, and places the columns behind it.
    private func writeHeader(length: Int) throws {
        let header = SafetensorsExampleWriter.header(columns: columns, rows: expectedRows, length: length)
        var prefix = UInt64(header.count).littleEndian
        try withUnsafeBytes(of: &prefix) { try FileOps.writeAll(fd, $0, at: 0, path: path) }
        try header.withUnsafeBytes { try FileOps.writeAll(fd, $0, at: 8, path: path) }
        var offset = 8 + header.count
        for column in columns {
            columnStarts.append(offset)
            offset += column.shape(rows: expectedRows, length: length).reduce(8, *)
        }
    }

    func finish() throws {
        guard fd >= 0, let temporary else { return }
        do {
            guard rows == expectedRows else { throw WriterError.inputChanged(path: path, expectedRows: expectedRows) }
            if columnStarts.isEmpty { try writeHeader(length: 0) }
            let closing = fd
            fd = -1
            try FileOps.closeChecked(closing, path: path)
            try FileOps.move(temporary, to: path)
            self.temporary = nil
        } catch {
            discard()
            throw error
        }
    }

    func discard() {
        if fd >= 0 { try? FileOps.closeChecked(fd, path: path) }
        fd = -1
        if let temporary { FileOps.remove(temporary) }
        temporary = nil
    }
}
