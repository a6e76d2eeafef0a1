/// Classification quality of one evaluation, with scikit-learn's definitions (sklearn `metrics/_classification.py`,
/// `precision_recall_fscore_support` with `labels=range(n)`, `zero_division=0`):
/// - precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2 tp / (2 tp + fp + fn), each 0 when its
///   denominator is 0 (a class never predicted has precision 0; a class absent from the truth has recall 0);
/// - macro-F1 is the plain mean of the per-class F1 over ALL labels of the task, including labels that occur
///   neither in the truth nor in the predictions (they count as F1 = 0, as sklearn does when `labels` names them);
/// - single-label accuracy is the share of exact predictions; multi-label accuracy is subset accuracy (every
///   label of the example right), sklearn `accuracy_score` on indicator matrices;
/// - support is the number of true examples of the class (multi-label: of examples carrying the label).
///
/// The confusion matrix of a single-label task is `labels.count x labels.count`, rows = true class, columns =
/// predicted class (sklearn `confusion_matrix`). A multi-label task has one row per label holding
/// `[tn, fp, fn, tp]`, sklearn `multilabel_confusion_matrix` flattened (`[[tn, fp], [fn, tp]]` per label).
///
/// JSON (`Codable`): `accuracy`, `macro_f1`, `per_class` (an object keyed by label name, each with `precision`,
/// `recall`, `f1`, `support`), `confusion_matrix` (array of arrays), `labels` (the label order of the matrix
/// rows), `examples`, `loss` (only when set), `multi_label` (only when true).
public struct ClassificationMetrics: Sendable, Equatable {
    /// Precision, recall, F1 and support of one class (or one label of a multi-label task).
    public struct ClassScores: Sendable, Equatable, Codable {
        /// tp / (tp + fp), 0 when the class was never predicted.
        public var precision: Double
        /// tp / (tp + fn), 0 when the class never occurs in the truth.
        public var recall: Double
        /// 2 tp / (2 tp + fp + fn), 0 when the class occurs in neither.
        public var f1: Double
        /// Number of true examples of the class.
        public var support: Int

        /// Creates scores.
        public init(precision: Double, recall: Double, f1: Double, support: Int) {
            self.precision = precision
            self.recall = recall
            self.f1 = f1
            self.support = support
        }

        /// Scores from confusion counts, with sklearn's zero-division rule (0).
        public init(truePositives tp: Int, falsePositives fp: Int, falseNegatives fn: Int) {
            func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
            self.init(precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn),
                      support: tp + fn)
        }
    }

    /// Confusion counts of one label of a multi-label task.
    public struct LabelConfusion: Sendable, Equatable {
        /// Label absent and not predicted.
        public var trueNegatives: Int
        /// Label predicted but absent.
        public var falsePositives: Int
        /// Label present but not predicted.
        public var falseNegatives: Int
        /// Label present and predicted.
        public var truePositives: Int

        /// Creates counts.
        public init(trueNegatives: Int, falsePositives: Int, falseNegatives: Int, truePositives: Int) {
            self.trueNegatives = trueNegatives
            self.falsePositives = falsePositives
            self.falseNegatives = falseNegatives
            self.truePositives = truePositives
        }
    }

    /// Label names, in class-id order (the order of `perClass` and of the confusion matrix rows).
    public var labels: [String]
    /// Whether the task is multi-label (the confusion matrix then holds `[tn, fp, fn, tp]` rows).
    public var multiLabel: Bool
    /// Number of evaluated examples.
    public var examples: Int
    /// Share of exactly right examples (multi-label: subset accuracy); 0 when there are no examples.
    public var accuracy: Double
    /// Mean F1 over all labels.
    public var macroF1: Double
    /// Scores per class, in label order.
    public var perClass: [ClassScores]
    /// Single-label: `[true][predicted]` counts. Multi-label: `[label] = [tn, fp, fn, tp]`.
    public var confusionMatrix: [[Int]]
    /// Mean evaluation loss, when the caller measured it.
    public var loss: Double?

    /// Single-label metrics from predicted and true class ids (each in `0..<labels.count`).
    /// - Precondition: equal lengths and ids in range (the caller maps labels to ids).
    public init(predicted: [Int], truth: [Int], labels: [String], loss: Double? = nil) {
        precondition(predicted.count == truth.count, "predictions and truth differ in length")
        let n = labels.count
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: n), count: n)
        var right = 0
        for (p, t) in zip(predicted, truth) {
            precondition(p >= 0 && p < n && t >= 0 && t < n, "class id out of range")
            matrix[t][p] += 1
            if p == t { right += 1 }
        }
        var scores: [ClassScores] = []
        for c in 0..<n {
            let tp = matrix[c][c]
            let predictedAsC = matrix.reduce(0) { $0 + $1[c] }
            let trulyC = matrix[c].reduce(0, +)
            scores.append(ClassScores(truePositives: tp, falsePositives: predictedAsC - tp, falseNegatives: trulyC - tp))
        }
        self.labels = labels
        self.multiLabel = false
        self.examples = truth.count
        self.accuracy = truth.isEmpty ? 0 : Double(right) / Double(truth.count)
        self.perClass = scores
        self.macroF1 = Self.mean(scores.map(\.f1))
        self.confusionMatrix = matrix
        self.loss = loss
    }

    /// Multi-label metrics from 0/1 indicator matrices, `examples x labels.count`, row-major (nonzero = 1).
    /// - Precondition: both have `examples * labels.count` values.
    public init(predictedIndicators predicted: [UInt8], trueIndicators truth: [UInt8], labels: [String], loss: Double? = nil) {
        let n = labels.count
        precondition(predicted.count == truth.count && (n == 0 ? truth.isEmpty : truth.count % n == 0),
                     "indicator matrices differ in size or are not examples x labels")
        let rows = n == 0 ? 0 : truth.count / n
        var counts = [[Int]](repeating: [0, 0, 0, 0], count: n)  // tn, fp, fn, tp
        var exact = 0
        for row in 0..<rows {
            var allRight = true
            for label in 0..<n {
                let p = predicted[row * n + label] != 0, t = truth[row * n + label] != 0
                counts[label][(t ? 2 : 0) + (p ? 1 : 0)] += 1
                if p != t { allRight = false }
            }
            if allRight { exact += 1 }
        }
        let scores = counts.map { ClassScores(truePositives: $0[3], falsePositives: $0[1], falseNegatives: $0[2]) }
        self.labels = labels
        self.multiLabel = true
        self.examples = rows
        self.accuracy = rows == 0 ? 0 : Double(exact) / Double(rows)
        self.perClass = scores
        self.macroF1 = Self.mean(scores.map(\.f1))
        self.confusionMatrix = counts
        self.loss = loss
    }

    /// Memberwise initializer (decoding, tests).
    public init(labels: [String], multiLabel: Bool, examples: Int, accuracy: Double, macroF1: Double,
                perClass: [ClassScores], confusionMatrix: [[Int]], loss: Double? = nil) {
        self.labels = labels
        self.multiLabel = multiLabel
        self.examples = examples
        self.accuracy = accuracy
        self.macroF1 = macroF1
        self.perClass = perClass
        self.confusionMatrix = confusionMatrix
        self.loss = loss
    }

    /// The scores of the class named `label`, if the task has it.
    public func scores(for label: String) -> ClassScores? {
        labels.firstIndex(of: label).map { perClass[$0] }
    }

    /// Multi-label confusion counts per label (nil for a single-label task).
    public var labelConfusion: [LabelConfusion]? {
        guard multiLabel else { return nil }
        return confusionMatrix.map {
            LabelConfusion(trueNegatives: $0[0], falsePositives: $0[1], falseNegatives: $0[2], truePositives: $0[3])
        }
    }

    /// Left-to-right sum over the count (0 for none).
    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}
