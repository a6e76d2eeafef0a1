/// Settings of masked-LM example generation; the defaults are those of google-research/bert's
/// `create_pretraining_data.py` (its flags in parentheses).
public struct PretrainingConfiguration: Sendable, Hashable {
    /// Tokens per instance, `[CLS]` and both `[SEP]`s included (`max_seq_length`, 128). At least 5.
    public var maxSeqLength: Int
    /// Most masked positions per instance (`max_predictions_per_seq`, 20). At least 1.
    public var maxPredictionsPerSeq: Int
    /// Fraction of the tokens to predict, before the `max_predictions_per_seq` cap (`masked_lm_prob`, 0.15).
    public var maskedLMProb: Double
    /// Passes over the corpus, each with fresh segments and masks (`dupe_factor`, 10). At least 1.
    public var dupeFactor: Int
    /// Probability that a document's target length is drawn in `2...max_seq_length - 3` (`short_seq_prob`, 0.1).
    public var shortSeqProb: Double
    /// Mask whole words: a `##` piece joins the candidate before it (`do_whole_word_mask`, false; only in
    /// google-research/bert's repository, not in PyPI `bert-tensorflow` 1.0.4).
    public var wholeWordMask: Bool
    /// The seed of Python's `random.Random` (`random_seed`, 12345).
    public var seed: Int

    /// Google's defaults unless given.
    public init(
        maxSeqLength: Int = 128, maxPredictionsPerSeq: Int = 20, maskedLMProb: Double = 0.15, dupeFactor: Int = 10,
        shortSeqProb: Double = 0.1, wholeWordMask: Bool = false, seed: Int = 12345
    ) {
        self.maxSeqLength = maxSeqLength
        self.maxPredictionsPerSeq = maxPredictionsPerSeq
        self.maskedLMProb = maskedLMProb
        self.dupeFactor = dupeFactor
        self.shortSeqProb = shortSeqProb
        self.wholeWordMask = wholeWordMask
        self.seed = seed
    }

    /// Throws `MaskedLMError.invalidOption` for a setting Google's script would crash on or misuse.
    public func validate() throws {
        func fail(_ option: String, _ reason: String) -> MaskedLMError { .invalidOption(option: option, reason: reason) }
        // max_num_tokens = max_seq_length - 3 must allow randint(2, max_num_tokens) and one token per segment.
        guard maxSeqLength >= 5 else { throw fail("--max-seq-length", "must be at least 5 ([CLS], [SEP], [SEP] and one token per segment), got \(maxSeqLength)") }
        guard maxPredictionsPerSeq >= 1 else { throw fail("--max-predictions-per-seq", "must be at least 1, got \(maxPredictionsPerSeq)") }
        guard maskedLMProb >= 0, maskedLMProb <= 1 else { throw fail("--masked-lm-prob", "must be in 0...1, got \(maskedLMProb)") }
        guard dupeFactor >= 1 else { throw fail("--dupe-factor", "must be at least 1, got \(dupeFactor)") }
        guard shortSeqProb >= 0, shortSeqProb <= 1 else { throw fail("--short-seq-prob", "must be in 0...1, got \(shortSeqProb)") }
    }
}
