/// One output row: an encoding already truncated and padded (each overflow window is its own row), with its
/// label and the index of the input record it came from.
public struct EncodedExample: Sendable, Hashable {
    /// The row's model inputs; `overflowing` is ignored (windows arrive as rows of their own).
    public var encoding: Encoding
    /// The class id, when the input has labels.
    public var label: Int32?
    /// The 0-based index of the input record this row came from: HF's `overflow_to_sample_mapping`.
    public var sampleIndex: Int

    /// A row from its parts.
    public init(encoding: Encoding, label: Int32? = nil, sampleIndex: Int) {
        self.encoding = encoding
        self.label = label
        self.sampleIndex = sampleIndex
    }
}

/// Which optional fields a writer stores; `input_ids`, `token_type_ids` and `attention_mask` always are.
public struct WriterFields: Sendable, Hashable {
    /// `special_tokens_mask`: 1 for [CLS], [SEP] and padding.
    public var specialTokensMask: Bool
    /// `offset_mapping`: `[start, end)` character offsets per token (rows must carry offsets).
    public var offsets: Bool
    /// `overflow_to_sample_mapping`: the input record index of each row.
    public var overflowMapping: Bool
    /// `label`: the class id of each row (every row must carry one).
    public var labels: Bool

    /// A field selection; by default only the three fields that are always written.
    public init(specialTokensMask: Bool = false, offsets: Bool = false, overflowMapping: Bool = false,
                labels: Bool = false) {
        self.specialTokensMask = specialTokensMask
        self.offsets = offsets
        self.overflowMapping = overflowMapping
        self.labels = labels
    }

    /// Every optional field.
    public static let all = WriterFields(specialTokensMask: true, offsets: true, overflowMapping: true, labels: true)
}

/// The file formats `bertkit encode` writes.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// One compact JSON object per row with HF `transformers` field names; `-` writes to standard output.
    case jsonl
    /// One safetensors file, one I64 tensor per field (`[N, L]`, `offset_mapping` `[N, L, 2]`, `[N]` per row).
    case safetensors
    /// A folder with one `.npy` file (`<i8`, C order) per field.
    case npy
    /// `tf.train.Example` records with the features of google-research/bert's `run_classifier.py`.
    case tfrecord
}

/// A streaming, atomic sink for encoded rows.
///
/// Rows go to temporaries beside the destination; only `finish()` moves them into place, so an error or a
/// `discard()` leaves the destination as it was. A writer dropped without `finish()` discards itself.
///
/// ```swift
/// var writer = try makeExampleWriter(format: .safetensors, path: "train.safetensors", fields: WriterFields())
/// do {
///     for row in rows { try writer.write(row) }
///     try writer.finish()
/// } catch {
///     writer.discard()
///     throw error
/// }
/// ```
public protocol ExampleWriter {
    /// Appends one row.
    mutating func write(_ example: EncodedExample) throws
    /// Appends rows stored back to back (by default one `write(_:)` per row; formats with a faster path for
    /// flat rows implement it themselves).
    mutating func write(rows: EncodedRows) throws
    /// Completes the output and moves it over the destination in one rename.
    mutating func finish() throws
    /// Removes the temporaries; the destination keeps what it held before. Does nothing after `finish()`.
    func discard()
}

extension ExampleWriter {
    /// Appends each row through `write(_:)`.
    public mutating func write(rows: EncodedRows) throws {
        for row in 0..<rows.count { try write(rows.example(row)) }
    }
}

/// A writer for `format` at `path` storing `fields` (plus the three fields that are always written).
///
/// `path` is a file for JSONL, safetensors and TFRecord (`-` is standard output for JSONL and TFRecord) and a
/// folder for NPY.
public func makeExampleWriter(format: OutputFormat, path: String, fields: WriterFields) throws -> any ExampleWriter {
    switch format {
    case .jsonl: return try JSONLExampleWriter(path: path, fields: fields)
    case .safetensors: return try SafetensorsExampleWriter(path: path, fields: fields)
    case .npy: return try NPYExampleWriter(path: path, fields: fields)
    case .tfrecord: return try TFRecordExampleWriter(path: path, fields: fields)
    }
}
