/// The recipe of a fine-tuning run; defaults are BERT's fine-tuning recipe (google-research/bert
/// `run_classifier.py` and the paper's appendix: batch 32, warmup 10%, clip 1.0) at 3 epochs.
public struct TrainingConfiguration: Sendable, Equatable, Codable {
    /// Metric that picks the best checkpoint and drives early stopping.
    public enum BestMetric: String, Sendable, Codable, CaseIterable {
        /// Accuracy (higher is better).
        case accuracy
        /// Macro-averaged F1 (higher is better).
        case macroF1 = "macro_f1"
        /// Evaluation loss (lower is better).
        case loss
    }

    /// Passes over the training data.
    public var epochs = 3
    /// Examples per micro-batch.
    public var batchSize = 32
    /// Micro-batches whose gradients are summed (each scaled by 1 / their count) before one update.
    public var gradientAccumulation = 1
    /// Global gradient-norm limit; nil turns clipping off.
    public var maxGradNorm: Float? = 1.0
    /// Warmup as a fraction of all updates (rounded up).
    public var warmupRatio = 0.1
    /// Seed of the data order and dropout masks (the head's initialization is the backend's).
    public var seed: UInt64 = 42
    /// Also evaluate every this many updates (nil: at the end of each epoch only).
    public var evalEvery: Int?
    /// Also checkpoint every this many updates (nil: at the end of each epoch only).
    public var saveEvery: Int?
    /// Stop after this many evaluations without improvement of `bestMetric` (nil: never).
    public var earlyStoppingPatience: Int?
    /// Metric for the best checkpoint.
    public var bestMetric: BestMetric = .macroF1
    /// Examples per evaluation batch.
    public var evalBatchSize = 64
    /// Checkpoints kept on disk (the newest ones; at least 1).
    public var keepCheckpoints = 2
    /// AdamW settings.
    public var optimizer: OptimizerConfiguration

    /// Creates a recipe with `optimizer` and the defaults above.
    public init(optimizer: OptimizerConfiguration) {
        self.optimizer = optimizer
    }

    /// Checks every setting, naming the CLI option of a bad one.
    /// - Throws: `TrainingError.invalidSetting`.
    public func validate() throws {
        func check(_ ok: Bool, _ option: String, _ reason: String) throws {
            if !ok { throw TrainingError.invalidSetting(option: option, reason: reason) }
        }
        try check(epochs >= 1 && epochs <= 10_000, "--epochs", "must be between 1 and 10000 (got \(epochs))")
        try check(batchSize >= 1 && batchSize <= 4096, "--batch-size", "must be between 1 and 4096 (got \(batchSize))")
        try check(gradientAccumulation >= 1 && gradientAccumulation <= 4096, "--grad-accum", "must be between 1 and 4096 (got \(gradientAccumulation))")
        try check(maxGradNorm.map { $0 > 0 && $0.isFinite } ?? true, "--max-grad-norm", "must be positive (0 turns clipping off)")
        try check(warmupRatio >= 0 && warmupRatio <= 1, "--warmup", "must be a fraction between 0 and 1 (got \(warmupRatio))")
        try check(evalEvery.map { $0 >= 1 } ?? true, "--eval-every", "must be at least 1 update")
        try check(saveEvery.map { $0 >= 1 } ?? true, "--save-every", "must be at least 1 update")
        try check(earlyStoppingPatience.map { $0 >= 1 } ?? true, "--early-stopping", "must be at least 1 evaluation")
        try check(optimizer.learningRate > 0 && optimizer.learningRate.isFinite && optimizer.learningRate < 1, "--lr", "must be between 0 and 1 (got \(optimizer.learningRate))")
        try check(optimizer.weightDecay >= 0 && optimizer.weightDecay < 1, "--weight-decay", "must be between 0 and 1 (got \(optimizer.weightDecay))")
        try check(keepCheckpoints >= 1, "keepCheckpoints", "must be at least 1")
    }
}
