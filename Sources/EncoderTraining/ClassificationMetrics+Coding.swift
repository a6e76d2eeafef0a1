import Foundation

/// The JSON form documented on `ClassificationMetrics`. `JSONEncoder` on Linux writes keys in hash order, so
/// `labels` carries the label order; `jsonText` writes the same object with keys in the documented order.
extension ClassificationMetrics: Codable {
    enum CodingKeys: String, CodingKey {
        case accuracy, labels, examples, loss
        case macroF1 = "macro_f1"
        case perClass = "per_class"
        case confusionMatrix = "confusion_matrix"
        case multiLabel = "multi_label"
    }

    /// A key named by a label.
    struct LabelKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(accuracy, forKey: .accuracy)
        try container.encode(macroF1, forKey: .macroF1)
        var perClassContainer = container.nestedContainer(keyedBy: LabelKey.self, forKey: .perClass)
        guard Set(labels).count == labels.count, labels.count == perClass.count else {
            throw EncodingError.invalidValue(labels, EncodingError.Context(
                codingPath: encoder.codingPath + [CodingKeys.perClass],
                debugDescription: "label names must be unique and match the per-class scores to key per_class by name"))
        }
        for (label, scores) in zip(labels, perClass) {
            try perClassContainer.encode(scores, forKey: LabelKey(stringValue: label))
        }
        try container.encode(confusionMatrix, forKey: .confusionMatrix)
        try container.encode(labels, forKey: .labels)
        try container.encode(examples, forKey: .examples)
        try container.encodeIfPresent(loss, forKey: .loss)
        if multiLabel { try container.encode(true, forKey: .multiLabel) }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let labels = try container.decode([String].self, forKey: .labels)
        let perClassContainer = try container.nestedContainer(keyedBy: LabelKey.self, forKey: .perClass)
        var scores: [ClassScores] = []
        for label in labels {
            scores.append(try perClassContainer.decode(ClassScores.self, forKey: LabelKey(stringValue: label)))
        }
        self.init(
            labels: labels,
            multiLabel: try container.decodeIfPresent(Bool.self, forKey: .multiLabel) ?? false,
            examples: try container.decode(Int.self, forKey: .examples),
            accuracy: try container.decode(Double.self, forKey: .accuracy),
            macroF1: try container.decode(Double.self, forKey: .macroF1),
            perClass: scores,
            confusionMatrix: try container.decode([[Int]].self, forKey: .confusionMatrix),
            loss: try container.decodeIfPresent(Double.self, forKey: .loss))
    }
}

extension ClassificationMetrics {
    /// Metrics of logits against targets: single-label predicts the argmax (the first of equal maxima, as numpy
    /// `argmax`); multi-label predicts every label whose sigmoid exceeds `task.threshold` (strictly).
    /// `logits` is `examples x task.labelCount`, row-major.
    /// - Precondition: `targets` match the task (`.classes` for single-label, `.multiHot` for multi-label) and
    ///   the logits' size.
    public init(logits: [Float], targets: ClassificationTargets, task: ClassificationTask, loss: Double? = nil) {
        var accumulator = Accumulator(task: task)
        accumulator.add(logits: logits, targets: targets)
        self = accumulator.metrics(loss: loss)
    }

    /// Collects predictions batch by batch during an evaluation, then computes the metrics once.
    public struct Accumulator: Sendable {
        /// The task the logits belong to.
        public let task: ClassificationTask
        private var predicted: [Int] = [], truth: [Int] = []
        private var predictedBits: [UInt8] = [], trueBits: [UInt8] = []

        /// An empty accumulator.
        public init(task: ClassificationTask) { self.task = task }

        /// Number of examples added so far.
        public var examples: Int {
            task.multiLabel ? (task.labelCount == 0 ? 0 : trueBits.count / task.labelCount) : truth.count
        }

        /// Adds one batch: `logits` is `batchSize x task.labelCount`, row-major.
        public mutating func add(logits: [Float], targets: ClassificationTargets) {
            let n = task.labelCount
            precondition(n > 0 && logits.count % n == 0, "logits are not batchSize x labelCount")
            let rows = logits.count / n
            switch targets {
            case .classes(let classes) where !task.multiLabel:
                precondition(classes.count == rows, "one class id per row expected")
                for row in 0..<rows {
                    var best = 0
                    for c in 1..<n where logits[row * n + c] > logits[row * n + best] { best = c }
                    predicted.append(best)
                    truth.append(Int(classes[row]))
                }
            case .multiHot(let values) where task.multiLabel:
                precondition(values.count == logits.count, "multi-hot targets are not batchSize x labelCount")
                let threshold = Double(task.threshold)
                for (logit, target) in zip(logits, values) {
                    predictedBits.append(1 / (1 + exp(-Double(logit))) > threshold ? 1 : 0)
                    trueBits.append(target != 0 ? 1 : 0)
                }
            default:
                preconditionFailure("targets do not match the task (single-label needs .classes, multi-label .multiHot)")
            }
        }

        /// The metrics of everything added.
        public func metrics(loss: Double? = nil) -> ClassificationMetrics {
            task.multiLabel
                ? ClassificationMetrics(predictedIndicators: predictedBits, trueIndicators: trueBits, labels: task.labels, loss: loss)
                : ClassificationMetrics(predicted: predicted, truth: truth, labels: task.labels, loss: loss)
        }
    }
}
