/// What the training loop reports while it runs (progress lines, the metrics log, the report).
public enum TrainingEvent: Sendable {
    /// One optimizer update finished.
    case update(UpdateReport)
    /// An evaluation finished.
    case evaluation(EvaluationReport)
    /// A checkpoint was written (after `update` updates) to `path`.
    case checkpoint(update: Int, path: String)
    /// The run continues from a checkpoint.
    case resumed(update: Int, epoch: Int, path: String)
    /// Early stopping ended the run after `update` updates.
    case earlyStop(update: Int)
}

/// One update's figures.
public struct UpdateReport: Sendable, Equatable {
    /// 0-based epoch.
    public var epoch: Int
    /// Updates done, this one included (1-based).
    public var update: Int
    /// Updates of the whole run.
    public var totalUpdates: Int
    /// Mean training loss of the update's micro-batches.
    public var loss: Double
    /// Learning rate the update used.
    public var learningRate: Float
    /// Gradient norm before clipping.
    public var gradientNorm: Double
    /// Training examples per second since the run (or resume) started.
    public var examplesPerSecond: Double
    /// Seconds since the run (or resume) started.
    public var elapsed: Double
}

/// One evaluation's figures.
public struct EvaluationReport: Sendable {
    /// 0-based epoch during which it ran.
    public var epoch: Int
    /// Updates done when it ran.
    public var update: Int
    /// Mean evaluation loss (unweighted).
    public var loss: Double
    /// Predictions and metrics.
    public var metrics: ClassificationScores
    /// Whether this evaluation is the best so far by the chosen metric.
    public var isBest: Bool
}
