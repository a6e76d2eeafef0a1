/// Accuracy and macro-F1 of single-label predictions (placeholder until the full metrics type lands).
public struct ClassificationScores: Sendable, Equatable {
    /// Fraction of records predicted right.
    public var accuracy: Double
    /// Unweighted mean of per-class F1.
    public var macroF1: Double

    /// Scores of `predicted` against `expected` class ids over `labelCount` classes.
    public init(predicted: [Int32], expected: [Int32], labelCount: Int) {
        var tp = [Double](repeating: 0, count: labelCount), fp = tp, fn = tp
        var right = 0
        for (p, e) in zip(predicted, expected) {
            if p == e { right += 1; tp[Int(p)] += 1 } else { fp[Int(p)] += 1; fn[Int(e)] += 1 }
        }
        accuracy = predicted.isEmpty ? 0 : Double(right) / Double(predicted.count)
        let f1 = (0..<labelCount).map { c in tp[c] == 0 ? 0 : 2 * tp[c] / (2 * tp[c] + fp[c] + fn[c]) }
        macroF1 = f1.reduce(0, +) / Double(max(labelCount, 1))
    }
}
