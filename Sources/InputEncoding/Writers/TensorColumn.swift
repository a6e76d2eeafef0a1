/// The fields of the tensor formats (safetensors, NPY), in the order they are stored, with HF names.
enum TensorColumn: CaseIterable, Sendable {
    case inputIDs, tokenTypeIDs, attentionMask, specialTokensMask, offsetMapping, overflowToSampleMapping, label

    /// The tensor (or `.npy` file) name: HF `transformers`' key, `label` for the class id.
    var name: String {
        switch self {
        case .inputIDs: "input_ids"
        case .tokenTypeIDs: "token_type_ids"
        case .attentionMask: "attention_mask"
        case .specialTokensMask: "special_tokens_mask"
        case .offsetMapping: "offset_mapping"
        case .overflowToSampleMapping: "overflow_to_sample_mapping"
        case .label: "label"
        }
    }

    /// The columns `fields` selects, in storage order.
    static func selected(by fields: WriterFields) -> [TensorColumn] {
        allCases.filter { column in
            switch column {
            case .inputIDs, .tokenTypeIDs, .attentionMask: true
            case .specialTokensMask: fields.specialTokensMask
            case .offsetMapping: fields.offsets
            case .overflowToSampleMapping: fields.overflowMapping
            case .label: fields.labels
            }
        }
    }

    /// The tensor shape for `rows` rows of `length` tokens.
    func shape(rows: Int, length: Int) -> [Int] {
        switch self {
        case .inputIDs, .tokenTypeIDs, .attentionMask, .specialTokensMask: [rows, length]
        case .offsetMapping: [rows, length, 2]
        case .overflowToSampleMapping, .label: [rows]
        }
    }

    /// Appends this column's part of one row as little-endian Int64 values (the row is already validated).
    func append(_ example: EncodedExample, to sink: ByteSink) throws {
        let encoding = example.encoding
        switch self {
        case .inputIDs: try Self.appendInt64(encoding.ids, to: sink)
        case .tokenTypeIDs: try Self.appendInt64(encoding.typeIDs, to: sink)
        case .attentionMask: try Self.appendInt64(encoding.attentionMask, to: sink)
        case .specialTokensMask: try Self.appendInt64(encoding.specialTokensMask, to: sink)
        case .offsetMapping:
            let p = try sink.reserve(encoding.offsets.count * 16)
            encoding.offsets.withUnsafeBufferPointer { offsets in
                for i in 0..<offsets.count {
                    p.storeBytes(of: Int64(offsets[i].start).littleEndian, toByteOffset: i * 16, as: Int64.self)
                    p.storeBytes(of: Int64(offsets[i].end).littleEndian, toByteOffset: i * 16 + 8, as: Int64.self)
                }
            }
            sink.advance(encoding.offsets.count * 16)
        case .overflowToSampleMapping: try Self.appendInt64(Int64(example.sampleIndex), to: sink)
        case .label: try Self.appendInt64(Int64(example.label ?? 0), to: sink)
        }
    }

    /// Appends this column's part of every row of `rows` (already validated: equal lengths, labels present).
    func append(rows: EncodedRows, to sink: ByteSink) throws {
        switch self {
        case .inputIDs: try Self.appendInt64(rows.ids, to: sink)
        case .tokenTypeIDs: try Self.appendInt64(rows.typeIDs, to: sink)
        case .attentionMask: try Self.appendInt64(rows.attentionMask, to: sink)
        case .specialTokensMask: try Self.appendInt64(rows.specialTokensMask, to: sink)
        case .offsetMapping: throw WriterError.missingOffsets(path: sink.displayPath, row: 1)
        case .overflowToSampleMapping: for index in rows.sampleIndices { try Self.appendInt64(Int64(index), to: sink) }
        case .label: try Self.appendInt64(rows.labels, to: sink)
        }
    }

    private static func appendInt64(_ values: [Int32], to sink: ByteSink) throws {
        let p = try sink.reserve(values.count * 8)
        values.withUnsafeBufferPointer { values in
            for i in 0..<values.count {
                p.storeBytes(of: Int64(values[i]).littleEndian, toByteOffset: i * 8, as: Int64.self)
            }
        }
        sink.advance(values.count * 8)
    }

    private static func appendInt64(_ value: Int64, to sink: ByteSink) throws {
        try sink.reserve(8).storeBytes(of: value.littleEndian, as: Int64.self)
        sink.advance(8)
    }
}

extension RowCheck {
    /// Throws when `rows` (whose first row is output row `firstRow`) cannot be written with `fields` to a
    /// tensor format: every row must have `length` tokens (set from the first row when nil).
    static func validate(_ rows: EncodedRows, firstRow: Int, length: inout Int?, fields: WriterFields, path: String) throws {
        guard rows.count > 0 else { return }
        if fields.offsets { throw WriterError.missingOffsets(path: path, row: firstRow) }
        if fields.labels && rows.labels.count != rows.count { throw WriterError.missingLabel(path: path, row: firstRow) }
        let expected = length ?? rows.range(ofRow: 0).count
        for row in 0..<rows.count where rows.range(ofRow: row).count != expected {
            throw WriterError.rowLengthMismatch(path: path, row: firstRow + row, expected: expected, found: rows.range(ofRow: row).count)
        }
        length = expected
    }
}

/// Checks that apply to every format: arrays agree in length, and the selected optional fields are present.
enum RowCheck {
    /// Throws when `example` (output row `row`, 1-based) cannot be written with `fields`.
    static func validate(_ example: EncodedExample, row: Int, fields: WriterFields, path: String) throws {
        let encoding = example.encoding
        let count = encoding.ids.count
        if encoding.typeIDs.count != count || encoding.attentionMask.count != count
            || encoding.specialTokensMask.count != count {
            throw WriterError.inconsistentRow(
                path: path, row: row,
                reason: "\(count) ids, \(encoding.typeIDs.count) type ids, \(encoding.attentionMask.count) mask "
                    + "entries, \(encoding.specialTokensMask.count) special-token mask entries")
        }
        if fields.offsets {
            if encoding.offsets.isEmpty && count > 0 { throw WriterError.missingOffsets(path: path, row: row) }
            if encoding.offsets.count != count {
                throw WriterError.inconsistentRow(
                    path: path, row: row, reason: "\(count) ids but \(encoding.offsets.count) offsets")
            }
        }
        if fields.labels && example.label == nil { throw WriterError.missingLabel(path: path, row: row) }
    }
}
