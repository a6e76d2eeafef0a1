import InputEncoding
import LineIO

/// Writes instances with the seven features `run_pretraining.py` reads, in Google's order and types
/// (`masked_lm_weights` float, the rest int64), padded as `write_instance_to_example_files` pads them, and deals
/// them round-robin over one or more files as that function does. Each file goes through a temporary beside it,
/// renamed into place by `finish()`.
///
/// - `tfrecord`: `tf.train.Example` records with TFRecord framing (masked CRC-32C), InputEncoding's writer.
/// - `jsonl`: one JSON object per instance, keys in the same order, ints as decimals and weights as `1.0`/`0.0`:
///   the bytes Python's `json.dumps(row, separators=(",", ":"))` gives for the same record, as the goldens in
///   Fixtures/pretraining/golden are written.
public final class PretrainingWriter {
    /// The output formats.
    public enum Format: String, Sendable, CaseIterable {
        /// TFRecord of `tf.train.Example`.
        case tfrecord
        /// JSON Lines.
        case jsonl
    }

    private enum Sink {
        case tfrecord(TFRecordWriter)
        case jsonl(AtomicOutput, buffer: [UInt8])
    }

    private var sinks: [Sink]
    private let format: Format
    /// Pads and encodes a TFRecord record straight into the output buffer.
    private let record: PretrainingRecord
    private var next = 0
    /// Instances written so far.
    public private(set) var count = 0
    /// Bytes written so far (record framing included), for the summary.
    public private(set) var byteCount = 0

    /// Opens a temporary file beside each of `paths` (at least one; `-` is standard output).
    public init(paths: [String], format: Format, maxSeqLength: Int, maxPredictionsPerSeq: Int) throws {
        precondition(!paths.isEmpty, "at least one output file")
        sinks = try paths.map { path in
            switch format {
            case .tfrecord: return .tfrecord(try TFRecordWriter(path: path))
            case .jsonl:
                do { return .jsonl(try AtomicOutput(path: path), buffer: []) } catch let LineIOError.unwritableOutput(path, reason) {
                    throw MaskedLMError.unwritableOutput(path: path, reason: reason)
                }
            }
        }
        record = PretrainingRecord(maxSeqLength: maxSeqLength, maxPredictionsPerSeq: maxPredictionsPerSeq)
        self.format = format
    }

    deinit { discard() }

    /// What the records look like: the encoder `write(encoded:)` expects its bytes from.
    var encoder: Encoder { Encoder(format: format, record: record) }

    /// Appends one record that `encoder` encoded (a framed TFRecord record or a JSON line) to the next file in
    /// turn: the bytes `write(_:)` appends for the same instance.
    func write(encoded bytes: UnsafeRawBufferPointer) throws {
        switch sinks[next] {
        case let .tfrecord(writer):
            try writer.appendFramed(bytes)
        case .jsonl(let output, var buffer):
            sinks[next] = .jsonl(output, buffer: [])  // keep the buffer uniquely referenced while appending
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 20 {
                try Self.flush(output, &buffer)
            }
            sinks[next] = .jsonl(output, buffer: buffer)
        }
        byteCount += bytes.count
        next = (next + 1) % sinks.count
        count += 1
    }

    /// Appends one instance to the next file in turn.
    public func write(_ instance: PretrainingInstance) throws {
        switch sinks[next] {
        case let .tfrecord(writer):
            byteCount += try record.write(instance, to: writer)
        case .jsonl(let output, var buffer):
            sinks[next] = .jsonl(output, buffer: [])  // keep the buffer uniquely referenced while appending
            let start = buffer.count
            let f = PretrainingFeatures(instance, maxSeqLength: record.maxSeqLength, maxPredictionsPerSeq: record.maxPredictionsPerSeq)
            Self.appendJSON(f, to: &buffer)
            byteCount += buffer.count - start
            if buffer.count >= 1 << 20 {
                try Self.flush(output, &buffer)
            }
            sinks[next] = .jsonl(output, buffer: buffer)
        }
        next = (next + 1) % sinks.count
        count += 1
    }

    /// Flushes and renames every temporary file into place; on an error, removes them all.
    public func finish() throws {
        do {
            for (k, sink) in sinks.enumerated() {
                switch sink {
                case let .tfrecord(writer): try writer.finish()
                case .jsonl(let output, var buffer):
                    try Self.flush(output, &buffer)
                    sinks[k] = .jsonl(output, buffer: [])
                    do { try output.commit() } catch let LineIOError.unwritableOutput(path, reason) {
                        throw MaskedLMError.unwritableOutput(path: path, reason: reason)
                    }
                }
            }
        } catch {
            discard()
            throw error
        }
    }

    /// Removes the temporary files not yet renamed; the destinations keep what they held.
    public func discard() {
        for sink in sinks {
            switch sink {
            case let .tfrecord(writer): writer.discard()
            case let .jsonl(output, _): output.discard()
            }
        }
    }

    private static func flush(_ output: AtomicOutput, _ buffer: inout [UInt8]) throws {
        do { try output.write(buffer) } catch let LineIOError.unwritableOutput(path, reason) {
            throw MaskedLMError.unwritableOutput(path: path, reason: reason)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// `{"input_ids":[…],…,"next_sentence_labels":[…]}` and a newline.
    static func appendJSON(_ f: PretrainingFeatures, to out: inout [UInt8]) {
        func key(_ name: String, first: Bool = false) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: "\":[".utf8)
        }
        func ints(_ values: [Int64]) {
            for (i, v) in values.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: String(v).utf8)
            }
            out.append(UInt8(ascii: "]"))
        }
        key("input_ids", first: true); ints(f.inputIDs)
        key("input_mask"); ints(f.inputMask)
        key("segment_ids"); ints(f.segmentIDs)
        key("masked_lm_positions"); ints(f.maskedLMPositions)
        key("masked_lm_ids"); ints(f.maskedLMIDs)
        key("masked_lm_weights")
        for (i, w) in f.maskedLMWeights.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: (w == 1 ? "1.0" : "0.0").utf8)  // weights are only ever 1 or 0
        }
        out.append(UInt8(ascii: "]"))
        key("next_sentence_labels"); ints(f.nextSentenceLabels)
        out.append(contentsOf: "}\n".utf8)
    }
}

extension PretrainingWriter {
    /// Turns instances into the bytes a writer appends for them, on any thread (it holds no file): the streaming
    /// mode encodes on its worker threads, then shuffles and writes the bytes (`write(encoded:)`).
    struct Encoder: Sendable {
        let format: Format
        let record: PretrainingRecord

        /// The records of `instances`, in order, in one array.
        func encode(_ instances: [PretrainingInstance]) -> EncodedRecords {
            switch format {
            case .tfrecord:
                // Measured once, written straight into an array of the exact size.
                let sizes = instances.map { record.framedSize(of: $0) }
                var ends: [Int] = []
                ends.reserveCapacity(instances.count)
                var total = 0
                for size in sizes {
                    total += size.framed
                    ends.append(total)
                }
                let bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
                    guard let base = buffer.baseAddress else { return }
                    var offset = 0
                    for (instance, size) in zip(instances, sizes) {
                        offset += record.writeFramed(instance, size: size, at: base + offset)
                    }
                    initialized = offset
                }
                return EncodedRecords(bytes: bytes, ends: ends)
            case .jsonl:
                var bytes: [UInt8] = []
                var ends: [Int] = []
                ends.reserveCapacity(instances.count)
                for instance in instances {
                    let f = PretrainingFeatures(instance, maxSeqLength: record.maxSeqLength, maxPredictionsPerSeq: record.maxPredictionsPerSeq)
                    PretrainingWriter.appendJSON(f, to: &bytes)
                    ends.append(bytes.count)
                }
                return EncodedRecords(bytes: bytes, ends: ends)
            }
        }

        /// The most bytes a record takes when every id is at most `maxTokenID`: the size of an instance with all
        /// positions filled by the longest values (varints and decimals only grow with the value).
        func maxRecordBytes(maxTokenID: Int32) -> Int {
            let tokens = record.maxSeqLength, predictions = record.maxPredictionsPerSeq
            let longest = PretrainingInstance(
                tokenIDs: Array(repeating: max(0, maxTokenID), count: tokens), segmentIDs: Array(repeating: 1, count: tokens),
                isRandomNext: true, maskedLMPositions: Array(repeating: Int32(max(0, tokens - 1)), count: predictions),
                maskedLMLabels: Array(repeating: max(0, maxTokenID), count: predictions))
            return encode([longest]).bytes.count
        }
    }

    /// Encoded records one after the other: record k is `bytes[ends[k - 1] ..< ends[k]]`.
    struct EncodedRecords: Sendable {
        var bytes: [UInt8]
        var ends: [Int]
    }
}
