/// What a classifier predicts: its labels, single- or multi-label, and how the loss weighs classes.
public struct ClassificationTask: Sendable, Equatable, Codable {
    /// Label names; a label's index is its class id (`id2label` in the exported config.json).
    public var labels: [String]
    /// Several labels per example (sigmoid + binary cross-entropy) instead of one (softmax + cross-entropy).
    public var multiLabel: Bool
    /// Probability above which a label is predicted in multi-label mode (0.5).
    public var threshold: Float
    /// Per-class loss weights (PyTorch `CrossEntropyLoss(weight:)`: the mean is weighted by the targets'
    /// weights); nil weighs every class 1. Multi-label: the positive term of each label is weighted.
    public var classWeights: [Float]?

    /// Creates a task.
    public init(labels: [String], multiLabel: Bool = false, threshold: Float = 0.5, classWeights: [Float]? = nil) {
        self.labels = labels
        self.multiLabel = multiLabel
        self.threshold = threshold
        self.classWeights = classWeights
    }

    /// Number of classes (the head's output width).
    public var labelCount: Int { labels.count }
}

/// The expected outputs of one batch.
public enum ClassificationTargets: Sendable, Equatable {
    /// One class id per sequence (single-label).
    case classes([Int32])
    /// `batchSize x labelCount` 0/1 values, row-major (multi-label).
    case multiHot([Float])
    /// No targets (prediction).
    case none
}
