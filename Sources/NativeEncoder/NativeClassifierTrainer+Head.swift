import CEncoderKernels
import EncoderTraining
import Foundation

/// The classification head (linear layer on the pooler output) and the losses, with their gradients.
extension NativeClassifierTrainer {
    /// Checks what the head and losses need of a task.
    static func validate(_ task: ClassificationTask) throws {
        let minimum = task.multiLabel ? 1 : 2
        guard task.labelCount >= minimum else {
            throw NativeEncoderError.invalidTrainingInput(
                reason: "a \(task.multiLabel ? "multi-label" : "single-label") classifier needs at least \(minimum) labels, got \(task.labelCount)")
        }
        if let repeated = task.labels.indices.first(where: { task.labels[..<$0].contains(task.labels[$0]) }) {
            throw NativeEncoderError.invalidTrainingInput(reason: "label \(task.labels[repeated]) is listed twice")
        }
        if let w = task.classWeights {
            guard w.count == task.labelCount else {
                throw NativeEncoderError.invalidTrainingInput(reason: "\(w.count) class weights for \(task.labelCount) labels")
            }
            if let bad = w.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw NativeEncoderError.invalidTrainingInput(
                    reason: "class weight \(w[bad]) of label \(task.labels[bad]) must be finite and not negative")
            }
        }
    }

    /// Checks that `batch`'s targets fit the task (kind, count, label range, 0...1 multi-hot values).
    func checkTargets(_ batch: TrainingBatch) throws {
        let b = batch.batchSize, n = task.labelCount
        switch (batch.targets, task.multiLabel) {
        case let (.classes(ids), false):
            guard ids.count == b else { throw NativeEncoderError.invalidTrainingInput(reason: "\(ids.count) class ids for \(b) sequences") }
            if let bad = ids.firstIndex(where: { $0 < 0 || Int($0) >= n }) {
                throw NativeEncoderError.invalidTrainingInput(reason: "class id \(ids[bad]) of sequence \(bad) is outside 0..<\(n)")
            }
        case let (.multiHot(values), true):
            guard values.count == b * n else {
                throw NativeEncoderError.invalidTrainingInput(reason: "\(values.count) multi-hot values for \(b) sequences x \(n) labels")
            }
            if let bad = values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                throw NativeEncoderError.invalidTrainingInput(reason: "multi-hot value \(values[bad]) at \(bad) is outside [0, 1]")
            }
        case (.none, _):
            throw NativeEncoderError.invalidTrainingInput(reason: "a training batch needs targets")
        default:
            throw NativeEncoderError.invalidTrainingInput(
                reason: task.multiLabel ? "a multi-label task takes multi-hot targets" : "a single-label task takes one class id per sequence")
        }
    }

    /// `x` with inverted dropout at `rate` (kept values scaled by 1 / (1 - rate)), mask from `seed`; the same call
    /// on a gradient is the dropout's backward.
    static func dropout(_ x: [Float], rate: Float, seed: UInt64) -> [Float] {
        guard rate > 0, !x.isEmpty else { return x }
        var out = x
        x.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in bk_dropout_copy(src.baseAddress!, dst.baseAddress!, src.count, rate, seed, 0) }
        }
        return out
    }

    /// logits = x W^T + b, `[batchSize, labelCount]`, each dot product summed in Double.
    func headLogits(_ x: [Float], batchSize b: Int) -> [Float] {
        let n = task.labelCount, h = encoder.configuration.hiddenSize, w = head.base, bias = head.base + n * h
        var out = [Float](repeating: 0, count: b * n)
        for i in 0..<b {
            for j in 0..<n {
                var s = Double(bias[j])
                for k in 0..<h { s += Double(x[i * h + k]) * Double(w[j * h + k]) }
                out[i * n + j] = Float(s)
            }
        }
        return out
    }

    /// Adds the head's weight and bias gradients for `dLogits` and returns the gradient of its input, dLogits W.
    func headBackward(dLogits d: [Float], input x: [Float], batchSize b: Int) -> [Float] {
        let n = task.labelCount, h = encoder.configuration.hiddenSize, w = head.base
        let gw = headGradients.base, gb = headGradients.base + n * h
        for j in 0..<n {
            var sb = 0.0
            for i in 0..<b { sb += Double(d[i * n + j]) }
            gb[j] += Float(sb)
            for k in 0..<h {
                var s = 0.0
                for i in 0..<b { s += Double(d[i * n + j]) * Double(x[i * h + k]) }
                gw[j * h + k] += Float(s)
            }
        }
        var dx = [Float](repeating: 0, count: b * h)
        for i in 0..<b {
            for k in 0..<h {
                var s = 0.0
                for j in 0..<n { s += Double(d[i * n + j]) * Double(w[j * h + k]) }
                dx[i * h + k] = Float(s)
            }
        }
        return dx
    }

    /// The task's loss of `logits` and its gradient times `scale`.
    func loss(logits: [Float], targets: ClassificationTargets, scale: Float) throws -> (loss: Double, gradient: [Float]) {
        switch targets {
        case let .classes(ids):
            return try Self.crossEntropy(logits: logits, classes: ids, labelCount: task.labelCount, weights: task.classWeights, scale: scale)
        case let .multiHot(values):
            return Self.binaryCrossEntropy(logits: logits, targets: values, labelCount: task.labelCount,
                                           positiveWeights: task.classWeights, scale: scale)
        case .none:
            throw NativeEncoderError.invalidTrainingInput(reason: "a training batch needs targets")
        }
    }

    /// Cross-entropy of softmax(logits) against class ids, as PyTorch `CrossEntropyLoss(weight: w)` with mean
    /// reduction: sum_i w[y_i] nll_i / sum_i w[y_i] (plain mean without weights). nll = logsumexp(x) - x_y with the
    /// maximum subtracted first. Gradient: w[y_i] (softmax_i - onehot(y_i)) / sum w, times `scale`.
    /// - Throws: `.invalidTrainingInput` when every target's weight is 0 (PyTorch returns NaN).
    static func crossEntropy(logits: [Float], classes: [Int32], labelCount n: Int, weights: [Float]?, scale: Float) throws
        -> (loss: Double, gradient: [Float])
    {
        let b = classes.count
        let weightOf = { (y: Int) -> Double in weights.map { Double($0[y]) } ?? 1 }
        let total = classes.reduce(0.0) { $0 + weightOf(Int($1)) }
        guard total > 0 else {
            throw NativeEncoderError.invalidTrainingInput(reason: "every target of the batch has class weight 0, so its weighted mean loss is undefined")
        }
        var loss = 0.0
        var gradient = [Float](repeating: 0, count: b * n)
        for i in 0..<b {
            let row = logits[(i * n)..<(i * n + n)].map(Double.init), y = Int(classes[i]), w = weightOf(y)
            let top = row.max() ?? 0
            let sum = row.reduce(0.0) { $0 + Foundation.exp($1 - top) }
            let logSumExp = top + Foundation.log(sum)
            loss += w * (logSumExp - row[y])
            for j in 0..<n {
                let p = Foundation.exp(row[j] - logSumExp)
                gradient[i * n + j] = Float(w * (p - (j == y ? 1 : 0)) / total * Double(scale))
            }
        }
        return (loss / total, gradient)
    }

    /// Binary cross-entropy with logits, mean over every (sequence, label), as PyTorch
    /// `BCEWithLogitsLoss(pos_weight: p)`: l = (1 - y) x + (1 + (p - 1) y) softplus(-x), softplus(-x) =
    /// max(-x, 0) + log1p(exp(-|x|)) (no overflow); the class weights weigh each label's positive term
    /// (`ClassificationTask.classWeights`). Gradient: (1 - y) - (1 + (p - 1) y) sigmoid(-x), / count, times `scale`.
    static func binaryCrossEntropy(logits: [Float], targets: [Float], labelCount n: Int, positiveWeights: [Float]?, scale: Float)
        -> (loss: Double, gradient: [Float])
    {
        let count = Double(logits.count)
        var loss = 0.0
        var gradient = [Float](repeating: 0, count: logits.count)
        for e in logits.indices {
            let x = Double(logits[e]), y = Double(targets[e]), p = positiveWeights.map { Double($0[e % n]) } ?? 1
            let logWeight = 1 + (p - 1) * y
            let softplusNeg = max(-x, 0) + Foundation.log1p(Foundation.exp(-abs(x)))
            loss += (1 - y) * x + logWeight * softplusNeg
            let sigmoidNeg = x >= 0 ? Foundation.exp(-x) / (1 + Foundation.exp(-x)) : 1 / (1 + Foundation.exp(x))
            gradient[e] = Float(((1 - y) - logWeight * sigmoidNeg) / count * Double(scale))
        }
        return (loss / count, gradient)
    }
}
