/// Writes one safetensors file holding an I64 tensor per field: `input_ids`, `token_type_ids`,
/// `attention_mask`, `special_tokens_mask` `[N, L]`, `offset_mapping` `[N, L, 2]`, `overflow_to_sample_mapping`
/// and `label` `[N]`, with `"__metadata__": {"format": "pt"}` (what `safetensors.torch.save_file` writes).
///
/// Layout (huggingface/safetensors README, "Format"): a little-endian u64 header size, the JSON header (padded
/// with spaces to a multiple of 8 so the data stay 8-byte aligned), then the tensors' bytes back to back,
/// `data_offsets` counted from the first byte after the header and contiguous in header order.
///
/// N is unknown until the end and the data may not fit in memory, so each tensor streams to its own file in a
/// hidden folder beside the destination; `finish()` writes the header and the parts into a temporary file
/// beside the destination and renames it over the destination.
final class SafetensorsExampleWriter: ExampleWriter {
    private let path: String
    private let fields: WriterFields
    private var parts: TemporaryParts?
    private var rows = 0
    private var length: Int?

    /// Creates the temporary column files beside `path`.
    init(path: String, fields: WriterFields) throws {
        if path == "-" { throw WriterError.standardOutputUnsupported(format: .safetensors) }
        self.path = path
        self.fields = fields
        parts = try TemporaryParts(beside: path, columns: TensorColumn.selected(by: fields), suffix: ".bin")
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
            try parts.closeFiles()
            let header = Self.header(columns: parts.parts.map(\.column), rows: rows, length: length ?? 0)
            try Self.assemble(header: header, parts: parts.parts.map(\.path), into: path)
            parts.remove()
            self.parts = nil
        } catch {
            discard()
            throw error
        }
    }

    func discard() {
        parts?.remove()
    }

    /// The JSON header, space-padded to a multiple of 8 bytes. Byte counts follow from the shapes, and the
    /// parts hold exactly that many bytes since every row adds the same count to each.
    static func header(columns: [TensorColumn], rows: Int, length: Int) -> [UInt8] {
        var json = "{\"__metadata__\":{\"format\":\"pt\"}"
        var offset = 0
        for column in columns {
            let shape = column.shape(rows: rows, length: length)
            let bytes = shape.reduce(8, *)
            json += ",\"\(column.name)\":{\"dtype\":\"I64\",\"shape\":["
                + shape.map(String.init).joined(separator: ",")
                + "],\"data_offsets\":[\(offset),\(offset + bytes)]}"
            offset += bytes
        }
        json += "}"
        var bytes = Array(json.utf8)
        while bytes.count % 8 != 0 { bytes.append(UInt8(ascii: " ")) }
        return bytes
    }

    /// Writes the size prefix, `header` and the part files into a temporary file beside `destination`, then
    /// renames it over `destination`. (Not `AtomicOutput`: the parts are copied by the kernel, which needs the
    /// output descriptor; that halves the time of this step on gigabyte outputs.)
    private static func assemble(header: [UInt8], parts: [String], into destination: String) throws {
        let temporary = FileOps.temporaryPath(beside: destination, suffix: ".tmp")
        var fd = try FileOps.create(temporary, display: destination)
        do {
            var prefix = UInt64(header.count).littleEndian
            try withUnsafeBytes(of: &prefix) { try FileOps.writeAll(fd, $0, path: destination) }
            try header.withUnsafeBytes { try FileOps.writeAll(fd, $0, path: destination) }
            for part in parts { try FileOps.appendFile(part, to: fd, path: destination) }
            let closing = fd
            fd = -1
            try FileOps.closeChecked(closing, path: destination)
            try FileOps.move(temporary, to: destination)
        } catch {
            if fd >= 0 { try? FileOps.closeChecked(fd, path: destination) }
            FileOps.remove(temporary)
            throw error
        }
    }
}
