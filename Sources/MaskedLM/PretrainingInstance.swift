/// One masked-LM training instance: a segment pair with its masked positions (Google's `TrainingInstance`,
/// with token ids instead of token strings).
public struct PretrainingInstance: Sendable, Hashable {
    /// `[CLS] A [SEP] B [SEP]` after masking (`[MASK]`, kept, or random tokens at the masked positions).
    public var tokenIDs: [Int32]
    /// 0 for `[CLS]`, A and the first `[SEP]`; 1 for B and the last `[SEP]`.
    public var segmentIDs: [Int32]
    /// Whether B was drawn from another place (`next_sentence_labels` = 1) rather than following A.
    public var isRandomNext: Bool
    /// Masked positions in increasing order.
    public var maskedLMPositions: [Int32]
    /// The original token id at each masked position.
    public var maskedLMLabels: [Int32]

    /// An instance from its parts.
    public init(tokenIDs: [Int32], segmentIDs: [Int32], isRandomNext: Bool, maskedLMPositions: [Int32], maskedLMLabels: [Int32]) {
        self.tokenIDs = tokenIDs
        self.segmentIDs = segmentIDs
        self.isRandomNext = isRandomNext
        self.maskedLMPositions = maskedLMPositions
        self.maskedLMLabels = maskedLMLabels
    }
}

/// The seven features of `run_pretraining.py`'s input, padded as `write_instance_to_example_files` pads them.
public struct PretrainingFeatures: Sendable, Hashable {
    /// Token ids, padded with 0 to `max_seq_length`.
    public var inputIDs: [Int64]
    /// 1 for real tokens, 0 for padding.
    public var inputMask: [Int64]
    /// Segment ids, padded with 0.
    public var segmentIDs: [Int64]
    /// Masked positions, padded with 0 to `max_predictions_per_seq`.
    public var maskedLMPositions: [Int64]
    /// Original ids at the masked positions, padded with 0.
    public var maskedLMIDs: [Int64]
    /// 1.0 per real prediction, 0.0 per padding slot.
    public var maskedLMWeights: [Float]
    /// One value: 1 when B is a random next segment.
    public var nextSentenceLabels: [Int64]

    /// Pads an instance to `maxSeqLength` tokens and `maxPredictionsPerSeq` predictions.
    public init(_ instance: PretrainingInstance, maxSeqLength: Int, maxPredictionsPerSeq: Int) {
        precondition(instance.tokenIDs.count <= maxSeqLength && instance.maskedLMPositions.count <= maxPredictionsPerSeq)
        // One allocation per feature (this runs once per written instance).
        func padded<T: Numeric>(_ values: [Int32], to count: Int, as value: (Int32) -> T) -> [T] {
            var out: [T] = []
            out.reserveCapacity(count)
            for v in values { out.append(value(v)) }
            out.append(contentsOf: repeatElement(0, count: count - values.count))
            return out
        }
        func ones<T: Numeric>(_ real: Int, to count: Int) -> [T] {
            var out = [T](repeating: 0, count: count)
            for i in 0..<real { out[i] = 1 }
            return out
        }
        inputIDs = padded(instance.tokenIDs, to: maxSeqLength, as: Int64.init)
        inputMask = ones(instance.tokenIDs.count, to: maxSeqLength)
        segmentIDs = padded(instance.segmentIDs, to: maxSeqLength, as: Int64.init)
        maskedLMPositions = padded(instance.maskedLMPositions, to: maxPredictionsPerSeq, as: Int64.init)
        maskedLMIDs = padded(instance.maskedLMLabels, to: maxPredictionsPerSeq, as: Int64.init)
        maskedLMWeights = ones(instance.maskedLMLabels.count, to: maxPredictionsPerSeq)
        nextSentenceLabels = [instance.isRandomNext ? 1 : 0]
    }

    /// The feature names in Google's order.
    public static let names = [
        "input_ids", "input_mask", "segment_ids", "masked_lm_positions", "masked_lm_ids", "masked_lm_weights",
        "next_sentence_labels",
    ]
}
