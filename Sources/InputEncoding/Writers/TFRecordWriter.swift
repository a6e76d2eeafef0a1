import LineIO

/// Writes TFRecord files: each record framed as tensorflow's `core/lib/io/record_writer.cc` does, that is
///
/// ```
/// uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes | data | uint32 masked CRC-32C of data
/// ```
///
/// through a temporary file beside the destination that `finish()` renames into place (`-`: standard output).
/// Shared by the classifier writer (`bertkit encode`) and the masked-LM pretraining writer.
///
/// ```swift
/// let writer = try TFRecordWriter(path: "train.tfrecord")
/// try writer.write([TFFeature("input_ids", .int64([101, 102])), TFFeature("weights", .float([1, 0]))])
/// try writer.finish()
/// ```
package final class TFRecordWriter {
    /// The destination as given.
    package let path: String
    /// Records written so far.
    package private(set) var recordCount = 0
    private let output: AtomicOutput
    private let sink: ByteSink
    private var closed = false

    /// Opens a temporary file beside `path`, or standard output for `-`.
    package init(path: String) throws {
        self.path = path
        do {
            output = try AtomicOutput(path: path)
        } catch let LineIOError.unwritableOutput(path, reason) {
            throw WriterError.unwritableOutput(path: path, reason: reason)
        }
        sink = ByteSink(target: .atomic(output), displayPath: output.displayPath)
    }

    deinit { discard() }

    /// Appends one `tf.train.Example` holding `features` (map entries in the given order).
    /// Returns the bytes the record took (framing included).
    @discardableResult
    package func write(_ features: [TFFeature]) throws -> Int {
        let layout = TFExample.Layout(features)
        return try writeRecord(size: layout.size) { TFExample.serialize(features, layout: layout, into: $0) }
    }

    /// Appends one record of `size` data bytes that `fill` writes in place, straight into the output buffer
    /// (no copy): it gets the start and returns the end, which must be `size` bytes on. Returns the bytes the
    /// record took (framing included).
    @discardableResult
    package func writeRecord(size: Int, _ fill: (UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8>) throws -> Int {
        let p = try sink.reserve(size + 16)
        let framed = Self.frame(size: size, at: p, fill)
        sink.advance(framed)
        recordCount += 1
        return framed
    }

    /// Writes one framed record at `p`, which must have room for `size + 16` bytes: the length, its masked CRC,
    /// the `size` data bytes that `fill` writes (it gets the start and returns the end), their masked CRC.
    /// Returns `size + 16`. Needs no writer: records can be framed on any thread, then appended in order with
    /// `appendFramed`.
    @inline(__always)
    package static func frame(
        size: Int, at p: UnsafeMutableRawPointer, _ fill: (UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8>
    ) -> Int {
        p.storeBytes(of: UInt64(size).littleEndian, as: UInt64.self)
        let lengthCRC = CRC32C.masked(CRC32C.checksum(UnsafeRawBufferPointer(start: p, count: 8)))
        p.storeBytes(of: lengthCRC.littleEndian, toByteOffset: 8, as: UInt32.self)
        let data = (p + 12).assumingMemoryBound(to: UInt8.self)
        let end = fill(data)
        precondition(end - data == size, "a TFRecord's size and its serialization disagree")
        let dataCRC = CRC32C.masked(CRC32C.checksum(UnsafeRawBufferPointer(start: data, count: size)))
        p.storeBytes(of: dataCRC.littleEndian, toByteOffset: 12 + size, as: UInt32.self)
        return size + 16
    }

    /// Appends one record that `frame` framed, as it is: the bytes `writeRecord` appends for the same data.
    package func appendFramed(_ record: UnsafeRawBufferPointer) throws {
        try sink.append(record)
        recordCount += 1
    }

    /// Appends one record holding `data` as it is.
    package func writeRecord(_ data: UnsafeRawBufferPointer) throws {
        var header = (UInt64(data.count).littleEndian, UInt32(0))
        let lengthCRC = withUnsafeBytes(of: &header.0) { CRC32C.masked(CRC32C.checksum($0)) }
        header.1 = lengthCRC.littleEndian
        try withUnsafeBytes(of: &header.0) { try sink.append($0) }
        try withUnsafeBytes(of: &header.1) { try sink.append($0) }
        try sink.append(data)
        var dataCRC = CRC32C.masked(CRC32C.checksum(data)).littleEndian
        try withUnsafeBytes(of: &dataCRC) { try sink.append($0) }
        recordCount += 1
    }

    /// Flushes and renames the temporary file over the destination.
    package func finish() throws {
        guard !closed else { return }
        do { try sink.commit(to: output) } catch {
            discard()
            throw error
        }
        closed = true
    }

    /// Removes the temporary file; the destination keeps what it held.
    package func discard() {
        closed = true
        output.discard()
    }
}

/// Writes the features google-research/bert's `run_classifier.py` (`file_based_convert_examples_to_features`)
/// reads: `input_ids`, `input_mask` (the attention mask), `segment_ids` (token type ids), `label_ids` (one
/// value: the label when labels are written, else 0) and `is_real_example` (1), all int64 lists, in that order.
/// Selected optional fields follow under their HF names (`special_tokens_mask`, `offset_mapping` flattened to
/// `[start0, end0, start1, …]`, `overflow_to_sample_mapping` as one value); `run_classifier.py` ignores them.
final class TFRecordExampleWriter: ExampleWriter {
    private let fields: WriterFields
    private let records: TFRecordWriter

    /// Opens a temporary file beside `path` (`-`: standard output).
    init(path: String, fields: WriterFields) throws {
        self.fields = fields
        records = try TFRecordWriter(path: path)
    }

    func write(_ example: EncodedExample) throws {
        try RowCheck.validate(example, row: records.recordCount + 1, fields: fields, path: records.path)
        let encoding = example.encoding
        var features = [
            TFFeature("input_ids", .int64(encoding.ids.map(Int64.init))),
            TFFeature("input_mask", .int64(encoding.attentionMask.map(Int64.init))),
            TFFeature("segment_ids", .int64(encoding.typeIDs.map(Int64.init))),
            TFFeature("label_ids", .int64([fields.labels ? Int64(example.label ?? 0) : 0])),
            TFFeature("is_real_example", .int64([1])),
        ]
        if fields.specialTokensMask {
            features.append(TFFeature("special_tokens_mask", .int64(encoding.specialTokensMask.map(Int64.init))))
        }
        if fields.offsets {
            var flat: [Int64] = []
            flat.reserveCapacity(encoding.offsets.count * 2)
            for offset in encoding.offsets {
                flat.append(Int64(offset.start))
                flat.append(Int64(offset.end))
            }
            features.append(TFFeature("offset_mapping", .int64(flat)))
        }
        if fields.overflowMapping {
            features.append(TFFeature("overflow_to_sample_mapping", .int64([Int64(example.sampleIndex)])))
        }
        try records.write(features)
    }

    func finish() throws { try records.finish() }

    func discard() { records.discard() }
}
