import EncoderTraining
import Foundation

/// A second, tiny `EncoderTrainer`: a bag-of-words softmax regression in plain Swift (mean of one-hot token
/// rows, a linear layer, cross-entropy, SGD with momentum). It stands in for a backend in loop tests that
/// must run in milliseconds without BLAS, and shows what an external backend implements.
final class BagOfWordsTrainer: EncoderTrainer {
    let task: ClassificationTask
    let maxSequenceLength = 512
    var parameterNames: [String] { ["classifier.weight", "classifier.bias"] }
    let vocabularySize: Int
    var weight: [Float], bias: [Float], gradWeight: [Float], gradBias: [Float], velocity: [Float]
    var updates = 0
    /// Throws from `accumulateGradients` once this many micro-batches were processed (a simulated crash).
    var failAfterMicroBatches: Int?
    var microBatches = 0
    /// Dropout seeds seen, in order.
    var seeds: [UInt64] = []

    struct Crash: Error {}

    init(task: ClassificationTask, vocabularySize: Int) {
        self.task = task
        self.vocabularySize = vocabularySize
        weight = (0..<(task.labelCount * vocabularySize)).map { Float(($0 * 7919) % 13) * 0.01 - 0.06 }
        bias = [Float](repeating: 0, count: task.labelCount)
        gradWeight = [Float](repeating: 0, count: weight.count)
        gradBias = bias
        velocity = [Float](repeating: 0, count: weight.count + bias.count)
    }

    /// Token frequencies of one row, in token order (a Dictionary's order varies between instances, which
    /// would change the rounding of the sums).
    func features(_ batch: TrainingBatch, row: Int) -> [(key: Int, value: Float)] {
        var counts: [Int: Float] = [:], n: Float = 0
        for t in 0..<batch.sequenceLength where batch.attentionMask[row * batch.sequenceLength + t] == 1 {
            counts[Int(batch.tokenIDs[row * batch.sequenceLength + t]) % vocabularySize, default: 0] += 1
            n += 1
        }
        return counts.mapValues { $0 / max(n, 1) }.sorted { $0.key < $1.key }
    }

    func rowLogits(_ x: [(key: Int, value: Float)]) -> [Float] {
        (0..<task.labelCount).map { c in bias[c] + x.reduce(0) { $0 + weight[c * vocabularySize + $1.key] * $1.value } }
    }

    func accumulateGradients(for batch: TrainingBatch, lossScale: Float, dropoutSeed: UInt64) throws -> Double {
        if let limit = failAfterMicroBatches, microBatches >= limit { throw Crash() }
        microBatches += 1
        seeds.append(dropoutSeed)
        guard case let .classes(classes) = batch.targets else { return 0 }
        var loss = 0.0
        for row in 0..<batch.batchSize {
            let x = features(batch, row: row), z = rowLogits(x)
            let top = z.max() ?? 0, e = z.map { exp($0 - top) }, sum = e.reduce(0, +)
            let y = Int(classes[row])
            loss += Double(log(sum) + top - z[y])
            for c in 0..<task.labelCount {
                let d = (e[c] / sum - (c == y ? 1 : 0)) * lossScale / Float(batch.batchSize)
                gradBias[c] += d
                for (k, v) in x { gradWeight[c * vocabularySize + k] += d * v }
            }
        }
        return loss / Double(batch.batchSize)
    }

    func clipGradientNorm(maxNorm: Float) -> Double {
        let norm = sqrt((gradWeight + gradBias).reduce(0) { $0 + Double($1) * Double($1) })
        if norm > Double(maxNorm) {
            let s = maxNorm / Float(norm + 1e-6)
            for i in gradWeight.indices { gradWeight[i] *= s }
            for i in gradBias.indices { gradBias[i] *= s }
        }
        return norm
    }

    func applyUpdate(learningRate: Float) throws {
        let grads = gradWeight + gradBias
        for i in velocity.indices { velocity[i] = 0.9 * velocity[i] + grads[i] }
        for i in weight.indices { weight[i] -= learningRate * 50 * velocity[i] }
        for c in bias.indices { bias[c] -= learningRate * 50 * velocity[weight.count + c] }
        gradWeight = [Float](repeating: 0, count: gradWeight.count)
        gradBias = [Float](repeating: 0, count: gradBias.count)
        updates += 1
    }

    func logits(for batch: TrainingBatch) throws -> [Float] {
        (0..<batch.batchSize).flatMap { rowLogits(features(batch, row: $0)) }
    }

    /// Parameters as bit patterns, so the round trip is exact.
    struct State: Codable {
        var weight: [UInt32], bias: [UInt32], velocity: [UInt32], updates: Int
        init(weight: [Float], bias: [Float], velocity: [Float], updates: Int) {
            (self.weight, self.bias, self.velocity, self.updates) = (weight.map(\.bitPattern), bias.map(\.bitPattern), velocity.map(\.bitPattern), updates)
        }
    }

    func saveState(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let data = try JSONEncoder().encode(State(weight: weight, bias: bias, velocity: velocity, updates: updates))
        try data.write(to: URL(fileURLWithPath: directory + "/state.json"))
    }

    func loadState(from directory: String) throws {
        let s = try JSONDecoder().decode(State.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/state.json")))
        (weight, bias, velocity, updates) = (s.weight.map(Float.init(bitPattern:)), s.bias.map(Float.init(bitPattern:)),
                                            s.velocity.map(Float.init(bitPattern:)), s.updates)
    }

    func exportModel(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try JSONEncoder().encode(State(weight: weight, bias: bias, velocity: [], updates: updates))
            .write(to: URL(fileURLWithPath: directory + "/model.json"))
    }
}
