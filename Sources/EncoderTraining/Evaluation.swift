import Foundation

/// Evaluation-mode predictions over a dataset: one row of logits per record (the mean of its windows' logits
/// when a record was split into windows), as `bertkit predict` and `evaluate` report them.
public struct RecordLogits: Sendable {
    /// Label count (row width).
    public let labelCount: Int
    /// `records x labelCount` logits, row-major, in record order.
    public let values: [Float]
    /// Number of records.
    public var records: Int { labelCount == 0 ? 0 : values.count / labelCount }

    /// Runs `trainer` over every example of `dataset` in batches of `batchSize` (by length) and averages the
    /// logits of each record's windows. `progress` receives the examples done so far after each batch.
    public init(
        trainer: any EncoderTrainer, dataset: ClassificationDataset, batchSize: Int, padID: Int32,
        progress: ((Int) -> Void)? = nil
    ) throws {
        let width = trainer.task.labelCount
        var sums = [Float](repeating: 0, count: dataset.records * width)
        var windows = [Int](repeating: 0, count: dataset.records)
        // Batches of similar length (examples sorted by token count, ties in file order) pad far less than
        // batches in file order; results go back to their records, so the order does not show. Longest first, so
        // that a backend sizes its buffers once, for the first batch, instead of growing them batch after batch.
        let order = dataset.examples.indices.sorted {
            (dataset.examples[$1].tokenIDs.count, $0) < (dataset.examples[$0].tokenIDs.count, $1)
        }
        var start = 0
        while start < order.count {
            let end = min(start + batchSize, order.count)
            let batch = dataset.batch(order[start..<end], padID: padID, task: nil)
            let logits = try trainer.logits(for: batch)
            for (row, i) in order[start..<end].enumerated() {
                let record = dataset.examples[i].record
                windows[record] += 1
                for c in 0..<width { sums[record * width + c] += logits[row * width + c] }
            }
            start = end
            progress?(end)
        }
        for r in 0..<dataset.records where windows[r] > 1 {
            for c in 0..<width { sums[r * width + c] /= Float(windows[r]) }
        }
        labelCount = width
        values = sums
    }

    /// Class probabilities of record `r`: softmax of its logits, or per-label sigmoids when `multiLabel`.
    public func probabilities(record r: Int, multiLabel: Bool) -> [Double] {
        let row = values[(r * labelCount)..<((r + 1) * labelCount)].map(Double.init)
        if multiLabel { return row.map { 1 / (1 + exp(-$0)) } }
        let top = row.max() ?? 0
        let e = row.map { exp($0 - top) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// Predicted class of record `r` (single-label): the first index of the largest logit.
    public func predictedClass(record r: Int) -> Int32 {
        var best = 0
        for c in 1..<max(labelCount, 1) where values[r * labelCount + c] > values[r * labelCount + best] { best = c }
        return Int32(best)
    }

    /// Mean loss against the records' classes: cross-entropy (single-label) or binary cross-entropy averaged
    /// over records and labels (multi-label), without class weights; `classes[r]` are record r's class ids.
    public func meanLoss(classes: [[Int32]], multiLabel: Bool) -> Double {
        var total = 0.0
        for r in 0..<records {
            let row = values[(r * labelCount)..<((r + 1) * labelCount)].map(Double.init)
            if multiLabel {
                for (c, x) in row.enumerated() {
                    let y = classes[r].contains(Int32(c)) ? 1.0 : 0.0
                    // log(1 + e^-|x|) + max(x, 0) - x y: stable binary cross-entropy with logits.
                    total += (max(x, 0) - x * y + log1p(exp(-abs(x)))) / Double(labelCount)
                }
            } else {
                let top = row.max() ?? 0
                let logSum = top + log(row.reduce(0) { $0 + exp($1 - top) })
                total += logSum - row[Int(classes[r].first ?? 0)]
            }
        }
        return records == 0 ? 0 : total / Double(records)
    }
}

extension ClassificationDataset {
    /// The class ids of each record (windows of one record share them), in record order.
    public var recordClasses: [[Int32]] {
        var result = [[Int32]](repeating: [], count: records)
        for e in examples { result[e.record] = e.classes }
        return result
    }
}

extension ClassificationMetrics {
    /// Metrics of record-level logits against `dataset`'s labels (argmax, or sigmoid above `task.threshold` for
    /// multi-label), with the mean evaluation loss (`RecordLogits.meanLoss`).
    public init(logits: RecordLogits, dataset: ClassificationDataset, task: ClassificationTask) {
        let classes = dataset.recordClasses
        let targets: ClassificationTargets
        if task.multiLabel {
            var hot = [Float](repeating: 0, count: classes.count * task.labelCount)
            for (r, ids) in classes.enumerated() { for c in ids { hot[r * task.labelCount + Int(c)] = 1 } }
            targets = .multiHot(hot)
        } else {
            targets = .classes(classes.map { $0.first ?? 0 })
        }
        self.init(logits: logits.values, targets: targets, task: task, loss: logits.meanLoss(classes: classes, multiLabel: task.multiLabel))
    }
}
