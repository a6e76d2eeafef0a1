import InputEncoding

/// Writes instances as `tf.train.Example` records with the seven features `run_pretraining.py` reads, in
/// Google's order and types (`masked_lm_weights` float, the rest int64), dealing them round-robin over one or
/// more files as `write_instance_to_example_files` does. Each file goes through a temporary beside it and is
/// renamed into place by `finish()`.
public final class PretrainingTFRecordWriter {
    private let writers: [TFRecordWriter]
    private let maxSeqLength: Int
    private let maxPredictionsPerSeq: Int
    private var next = 0
    /// Instances written so far.
    public private(set) var count = 0

    /// Opens a temporary file beside each of `paths` (at least one).
    public init(paths: [String], maxSeqLength: Int, maxPredictionsPerSeq: Int) throws {
        precondition(!paths.isEmpty, "at least one output file")
        writers = try paths.map { try TFRecordWriter(path: $0) }
        self.maxSeqLength = maxSeqLength
        self.maxPredictionsPerSeq = maxPredictionsPerSeq
    }

    /// Appends one instance to the next file in turn.
    public func write(_ instance: PretrainingInstance) throws {
        let f = PretrainingFeatures(instance, maxSeqLength: maxSeqLength, maxPredictionsPerSeq: maxPredictionsPerSeq)
        try writers[next].write([
            TFFeature("input_ids", .int64(f.inputIDs)),
            TFFeature("input_mask", .int64(f.inputMask)),
            TFFeature("segment_ids", .int64(f.segmentIDs)),
            TFFeature("masked_lm_positions", .int64(f.maskedLMPositions)),
            TFFeature("masked_lm_ids", .int64(f.maskedLMIDs)),
            TFFeature("masked_lm_weights", .float(f.maskedLMWeights)),
            TFFeature("next_sentence_labels", .int64(f.nextSentenceLabels)),
        ])
        next = (next + 1) % writers.count
        count += 1
    }

    /// Renames every temporary file into place.
    public func finish() throws {
        for writer in writers { try writer.finish() }
    }

    /// Removes the temporary files; the destinations keep what they held.
    public func discard() {
        for writer in writers { writer.discard() }
    }
}
