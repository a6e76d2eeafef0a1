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
    }

    deinit { discard() }

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
