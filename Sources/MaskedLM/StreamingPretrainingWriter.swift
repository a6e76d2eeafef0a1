import BertKitSupport

/// The streaming mode (`StreamingPretraining`) written to files by a `PretrainingWriter`, in stages that overlap:
/// while batch k+1 is read, tokenized and made into instances (`add(batch:)`, on the caller's thread and the
/// worker threads), the records of batch k go through the shuffle buffer and into the files on a thread of their
/// own. Instances are encoded into their records (framed TFRecord records with their CRCs, or JSON lines) on the
/// worker threads, as they are made, and the shuffle buffer holds records: the one thread that must go in order
/// only draws slots and copies bytes. At most one batch is in flight (`add` waits for the batch before).
///
/// The files are the bytes that `StreamingPretraining.add(batch:threads:emit:)` and `finish(emit:)` give through
/// `PretrainingWriter.write(_:)`, whatever the thread count: the same instances enter the buffer in the same
/// order, and the buffer's draws depend only on their number.
///
/// ```swift
/// let writer = StreamingPretrainingWriter(
///     generator: try StreamingPretraining(vocabulary: vocabulary, configuration: configuration),
///     writer: try PretrainingWriter(paths: ["train.tfrecord"], format: .tfrecord, maxSeqLength: 128, maxPredictionsPerSeq: 20),
///     threads: 2)
/// var index = 0  // documents are keyed by their index in the input
/// _ = try DocumentStream(reader: reader).forEachDocumentBatch(paths: files, threads: 2) { batch in
///     try writer.add(batch: batch.enumerated().map { (document: $0.element, index: index + $0.offset) })
///     index += batch.count
/// }
/// let written = try writer.finish()
/// ```
///
/// Memory: the generator's window, the buffer's records in slots of the longest record the settings allow (at
/// 128/20 with a 30,522-token vocabulary: about 1.0 KB as TFRecord, 1.7 KB as JSONL) and one batch in flight.
public final class StreamingPretrainingWriter {
    private var generator: StreamingPretraining
    private let output: ShuffledRecords
    private let encoder: PretrainingWriter.Encoder
    private let threads: Int
    /// The thread the buffer and the files are worked on; none at one thread (all on the caller's).
    private let inFlight: InFlight<Void>?
    private var finished = false

    /// Writes `generator`'s instances with `writer` (whose files it finishes or discards), making them on
    /// `threads` threads.
    public init(generator: StreamingPretraining, writer: PretrainingWriter, threads: Int) {
        self.generator = generator
        self.threads = max(1, threads)
        encoder = writer.encoder
        let configuration = generator.reference.configuration
        let stride = encoder.maxRecordBytes(maxTokenID: Int32(clamping: generator.reference.vocabularySize - 1))
        output = ShuffledRecords(
            buffer: ShuffleBuffer(
                slots: RecordSlots(stride: stride, capacity: generator.bounds.shuffleBuffer),
                rng: StreamingPretraining.shuffleGenerator(seed: configuration.seed, shard: generator.shard),
                capacity: generator.bounds.shuffleBuffer),
            writer: writer)
        inFlight = threads > 1 ? InFlight(label: "bertkit.pretraining.writer") : nil
    }

    deinit { discard() }

    /// Makes and encodes the instances of documents (with their indices in the input), then hands the records
    /// to the writing thread once the batch before is written; rethrows that batch's error.
    public func add(batch: [(document: GoogleReference.Document, index: Int)]) throws {
        let encoder = self.encoder
        let records = try generator.makeInstances(batch: batch, threads: threads) { encoder.encode($0) }
        guard !records.isEmpty else { return }
        if let inFlight {
            let output = UnsafeSendable(self.output)  // one work item at a time uses it (see ShuffledRecords)
            try inFlight.start { try output.value.push(records) }
        } else {
            try output.push(records)
        }
    }

    /// Writes the batch in flight, the last pack (`--no-nsp`) and what the buffer holds, in its random order;
    /// then renames the files into place. Returns the instances written.
    public func finish() throws -> Int {
        try inFlight?.wait()
        let encoder = self.encoder
        try output.push(generator.closeLastPack { encoder.encode($0) })
        try output.finish()
        finished = true
        return output.writer.count
    }

    /// Waits for the batch in flight, then removes the temporary files (nothing once `finish` succeeded).
    public func discard() {
        _ = try? inFlight?.wait()
        if !finished { output.writer.discard() }
    }
}

/// The shuffle buffer of encoded records and the writer they leave to. Used by one thread at a time: the work
/// items of `StreamingPretrainingWriter`'s `InFlight` run one after another, and its `finish` waits for the last.
private final class ShuffledRecords {
    var buffer: ShuffleBuffer<RecordSlots>
    let writer: PretrainingWriter

    init(buffer: ShuffleBuffer<RecordSlots>, writer: PretrainingWriter) {
        self.buffer = buffer
        self.writer = writer
    }

    /// Puts each record into the buffer, in order; writes those that leave.
    func push(_ batches: [PretrainingWriter.EncodedRecords]) throws {
        let writer = self.writer
        for records in batches {
            try records.bytes.withUnsafeBytes { all in
                var start = 0
                for end in records.ends {
                    try buffer.push(UnsafeRawBufferPointer(rebasing: all[start..<end])) { try writer.write(encoded: $0) }
                    start = end
                }
            }
        }
    }

    /// Writes what the buffer holds, in its random order, and completes the files.
    func finish() throws {
        let writer = self.writer
        try buffer.finish { try writer.write(encoded: $0) }
        try writer.finish()
    }
}
