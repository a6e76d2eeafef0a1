import EncoderTraining
import Foundation
import Testing
@testable import NativeEncoder

/// `NativeClassifierTrainer`'s contract beyond the PyTorch replay (ClassifierParityTests): gradient accumulation
/// adds, clipping follows `clip_grad_norm_`, the losses and their gradients, head loading and initialization,
/// dropout determinism, and exact resume from a saved state. All on the committed tiny classifier.
@Suite struct ClassifierTrainerTests {
    static let initial = ClassifierParityTests.fixtures + "/initial"
    static let task = ClassificationTask(labels: ["a", "b", "c"])

    static func trainer(dropout: Bool = false, threads: Int = 2, task: ClassificationTask = task, model: String = initial) throws
        -> NativeClassifierTrainer
    {
        try NativeClassifierTrainer(modelDirectory: model, task: task, optimizer: OptimizerConfiguration(preset: .bert, learningRate: 1e-3),
                                    threads: threads, dropout: dropout)
    }

    static func batches() throws -> [TrainingBatch] {
        try ClassifierParityTests.golden().batches.map { ClassifierParityTests.batch($0, multiLabel: false) }
    }

    /// Rows `range` of a batch (same padded length).
    static func rows(_ b: TrainingBatch, _ range: Range<Int>) -> TrainingBatch {
        let s = b.sequenceLength, cells = (range.lowerBound * s)..<(range.upperBound * s)
        guard case let .classes(ids) = b.targets else { preconditionFailure("class targets expected") }
        return TrainingBatch(batchSize: range.count, sequenceLength: s, tokenIDs: Array(b.tokenIDs[cells]),
                             tokenTypeIDs: Array(b.tokenTypeIDs[cells]), attentionMask: Array(b.attentionMask[cells]),
                             targets: .classes(Array(ids[range])))
    }

    static func allGradients(_ t: NativeClassifierTrainer) -> [[Float]] { t.parameterNames.map { t.gradient(named: $0)! } }

    /// Two half batches with loss scale 1/2 each give the full batch's gradient (mean cross-entropy), every tensor
    /// within 1e-5 of its largest value: the second micro-batch adds, it does not overwrite.
    @Test func accumulatingTwoHalvesEqualsTheFullBatch() throws {
        let full = try Self.batches()[0]
        #expect(full.batchSize == 4)
        let one = try Self.trainer(), two = try Self.trainer()
        let loss = try one.accumulateGradients(for: full, lossScale: 1, dropoutSeed: 0)
        let first = try two.accumulateGradients(for: Self.rows(full, 0..<2), lossScale: 0.5, dropoutSeed: 0)
        let second = try two.accumulateGradients(for: Self.rows(full, 2..<4), lossScale: 0.5, dropoutSeed: 0)
        #expect(abs((first + second) / 2 - loss) < 1e-6, "\(first), \(second) vs \(loss)")
        for (name, (a, b)) in zip(one.parameterNames, zip(Self.allGradients(one), Self.allGradients(two))) {
            let scale = a.map { abs($0) }.max() ?? 0
            let error = ClassifierParityTests.maxDifference(a, b)
            // The floor covers the key biases, whose gradient is zero in exact arithmetic (~1e-8 here).
            #expect(error <= 1e-5 * scale + 1e-7, "\(name): max diff \(error), scale \(scale)")
        }
        let wordRows = try #require(two.gradient(named: "bert.embeddings.word_embeddings.weight"))
        #expect(wordRows.contains { $0 != 0 })
    }

    /// After an accumulated update the next batch's gradient is exactly a fresh trainer's: rows of the embedding
    /// gradient written by either micro-batch are cleared (a learning rate of 0 keeps the weights).
    @Test func gradientsStartFromZeroAfterAnAccumulatedUpdate() throws {
        let batches = try Self.batches()
        let used = try Self.trainer(), fresh = try Self.trainer()
        _ = try used.accumulateGradients(for: batches[1], lossScale: 0.5, dropoutSeed: 0)
        _ = try used.accumulateGradients(for: batches[2], lossScale: 0.5, dropoutSeed: 0)
        try used.applyUpdate(learningRate: 0)
        let zeroed = Self.allGradients(used).allSatisfy { $0.allSatisfy { $0 == 0 } }
        #expect(zeroed)
        let a = try used.accumulateGradients(for: batches[3], lossScale: 1, dropoutSeed: 0)
        let b = try fresh.accumulateGradients(for: batches[3], lossScale: 1, dropoutSeed: 0)
        #expect(a == b)
        let same = Self.allGradients(used) == Self.allGradients(fresh)
        #expect(same, "the gradient after an accumulated update differs from a fresh trainer's")
    }

    /// The returned norm is the L2 norm over every gradient (encoder and head) computed here in Double; above
    /// `maxNorm` each gradient is multiplied by maxNorm / (norm + 1e-6) in float32, below it nothing changes.
    @Test func clippingScalesByPyTorchsFactor() throws {
        let t = try Self.trainer()
        _ = try t.accumulateGradients(for: Self.batches()[4], lossScale: 1, dropoutSeed: 0)
        let before = Self.allGradients(t)
        let direct = before.reduce(0.0) { $0 + $1.reduce(0.0) { $0 + Double($1) * Double($1) } }.squareRoot()
        let head = (before[before.count - 2] + before[before.count - 1]).reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(head > 1e-3 * direct, "the head's gradient must weigh in the norm")
        let norm = t.clipGradientNorm(maxNorm: Float(direct) * 2)
        #expect(abs(norm - direct) <= 1e-9 * direct, "\(norm) vs \(direct)")
        let unchanged = Self.allGradients(t) == before
        #expect(unchanged, "clipping above the norm changed gradients")
        let maxNorm = Float(direct) / 4
        let again = t.clipGradientNorm(maxNorm: maxNorm)
        #expect(again == norm)
        let factor = maxNorm / (Float(norm) + 1e-6)
        let after = Self.allGradients(t)
        let scaled = zip(after, before).allSatisfy { a, b in a == b.map { $0 * factor } }
        #expect(scaled, "gradients are not the originals times maxNorm / (norm + 1e-6)")
        let clipped = after.reduce(0.0) { $0 + $1.reduce(0.0) { $0 + Double($1) * Double($1) } }.squareRoot()
        #expect(abs(clipped - Double(maxNorm)) <= 1e-5 * Double(maxNorm))
        try t.applyUpdate(learningRate: 1e-3)
        #expect(t.clipGradientNorm(maxNorm: 1) == 0)
    }

    /// Weighted cross-entropy on a hand example: sum w_y nll / sum w_y, and its gradient against central differences.
    @Test func weightedCrossEntropyFollowsPyTorchsFormula() throws {
        let logits: [Float] = [2, -1, 0.5, 0.1, 0.2, 3, -2, 4, 1]
        let classes: [Int32] = [0, 2, 1], weights: [Float] = [0.5, 2, 1]
        let (loss, gradient) = try NativeClassifierTrainer.crossEntropy(logits: logits, classes: classes, labelCount: 3, weights: weights, scale: 1)
        var expected = 0.0, total = 0.0
        for i in 0..<3 {
            let row = logits[(3 * i)..<(3 * i + 3)].map(Double.init), y = Int(classes[i]), w = Double(weights[y])
            expected += w * (log(row.map(exp).reduce(0, +)) - row[y])
            total += w
        }
        #expect(abs(loss - expected / total) < 1e-12)
        let unweighted = try NativeClassifierTrainer.crossEntropy(logits: logits, classes: classes, labelCount: 3, weights: nil, scale: 1).loss
        #expect(abs(unweighted - loss) > 0.01, "the weights must change the loss")
        try Self.checkGradient(gradient, of: logits) { x in
            try NativeClassifierTrainer.crossEntropy(logits: x, classes: classes, labelCount: 3, weights: weights, scale: 1).loss
        }
        #expect(throws: NativeEncoderError.self) {
            try NativeClassifierTrainer.crossEntropy(logits: logits, classes: [0, 2, 0], labelCount: 3, weights: [0, 1, 0], scale: 1)
        }
        let scaled = try NativeClassifierTrainer.crossEntropy(logits: logits, classes: classes, labelCount: 3, weights: weights, scale: 0.25)
        #expect(scaled.loss == loss && scaled.gradient == gradient.map { $0 * 0.25 })
    }

    /// Binary cross-entropy with logits and per-label positive weights: finite for huge logits, equal to the
    /// direct formula, gradient against central differences.
    @Test func binaryCrossEntropyIsStableAndWeighsPositives() throws {
        let logits: [Float] = [1.5, -0.5, 0.25, -2, 3, 0.75], targets: [Float] = [1, 0, 1, 0, 1, 1], weights: [Float] = [1, 3, 0.5]
        let (loss, gradient) = NativeClassifierTrainer.binaryCrossEntropy(logits: logits, targets: targets, labelCount: 3, positiveWeights: weights, scale: 1)
        var expected = 0.0
        for e in 0..<6 {
            let x = Double(logits[e]), y = Double(targets[e]), p = Double(weights[e % 3]), s = 1 / (1 + exp(-x))
            expected -= p * y * log(s) + (1 - y) * log(1 - s)
        }
        #expect(abs(loss - expected / 6) < 1e-12)
        try Self.checkGradient(gradient, of: logits) { x in
            NativeClassifierTrainer.binaryCrossEntropy(logits: x, targets: targets, labelCount: 3, positiveWeights: weights, scale: 1).loss
        }
        let extreme = NativeClassifierTrainer.binaryCrossEntropy(logits: [1000, -1000], targets: [0, 1], labelCount: 2, positiveWeights: nil, scale: 1)
        #expect(abs(extreme.loss - 1000) < 1e-9 && extreme.gradient == [0.5, -0.5])
    }

    static func checkGradient(_ gradient: [Float], of x: [Float], _ f: ([Float]) throws -> Double) throws {
        for i in x.indices {
            var plus = x, minus = x
            plus[i] += 1e-2
            minus[i] -= 1e-2
            let numeric = (try f(plus) - f(minus)) / 2e-2
            #expect(abs(numeric - Double(gradient[i])) < 1e-4, "element \(i): \(gradient[i]) vs central difference \(numeric)")
        }
    }

    /// A folder without a head gets one from N(0, initializer_range) (0.2 in the tiny config) and seed; the
    /// fixture's head is reused for 3 labels and replaced for 4.
    @Test func headIsLoadedOrInitializedBySeed() throws {
        let settings = OptimizerConfiguration(preset: .bert, learningRate: 1e-3)
        let a = try NativeClassifierTrainer(modelDirectory: Paths.tinyModel, task: Self.task, optimizer: settings, threads: 1, initSeed: 7)
        let b = try NativeClassifierTrainer(modelDirectory: Paths.tinyModel, task: Self.task, optimizer: settings, threads: 1, initSeed: 7)
        let c = try NativeClassifierTrainer(modelDirectory: Paths.tinyModel, task: Self.task, optimizer: settings, threads: 1, initSeed: 8)
        #expect(!a.headWasLoaded)
        let w = try #require(a.parameter(named: "classifier.weight"))
        #expect(w == b.parameter(named: "classifier.weight") && w != c.parameter(named: "classifier.weight"))
        #expect(a.parameter(named: "classifier.bias") == [0, 0, 0])
        let mean = w.reduce(0.0) { $0 + Double($1) } / Double(w.count)
        let std = (w.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(w.count)).squareRoot()
        #expect(abs(mean) < 0.05 && abs(std - 0.2) < 0.04, "mean \(mean), std \(std)")
        #expect(a.headDropout == 0.1)
        #expect(a.parameterNames.first == "bert.embeddings.word_embeddings.weight")
        #expect(a.parameterNames.suffix(2) == ["classifier.weight", "classifier.bias"])
        #expect(try Self.trainer().headWasLoaded)
        #expect(try !Self.trainer(task: ClassificationTask(labels: ["a", "b", "c", "d"])).headWasLoaded)
    }

    /// A checkpoint without pooler tensors is refused with an error saying so.
    @Test func modelWithoutPoolerIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-nopooler-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = try SafetensorsFile(contentsOf: Paths.tinyModel + "/model.safetensors")
        let kept = try source.tensors.keys.filter { !$0.hasPrefix("pooler.") }.map {
            SafetensorsWriter.Tensor(name: $0, shape: try source.info($0).shape, values: try source.floats($0))
        }
        try SafetensorsWriter.write(kept, to: folder + "/model.safetensors")
        try FileManager.default.copyItem(atPath: Paths.tinyModel + "/config.json", toPath: folder + "/config.json")
        let error = #expect(throws: NativeEncoderError.self) { try Self.trainer(model: folder) }
        #expect(error == .missingPooler(path: folder + "/model.safetensors"))
        #expect(error?.description.contains("no pooler") == true)
    }

    /// Dropout (encoder and head) depends on the seed only: two trainers agree bit for bit, another seed changes the
    /// loss, and `dropout: false` matches evaluation-mode logits. (Same thread count: at this model's tiny shapes
    /// OpenBLAS rounds a product differently when the encoder splits it into other row blocks, ~1e-7.)
    @Test func dropoutIsSeeded() throws {
        let batch = try Self.batches()[5]
        let one = try Self.trainer(dropout: true), two = try Self.trainer(dropout: true)
        let a = try one.accumulateGradients(for: batch, lossScale: 1, dropoutSeed: 11)
        #expect(a == (try two.accumulateGradients(for: batch, lossScale: 1, dropoutSeed: 11)))
        let same = Self.allGradients(one) == Self.allGradients(two)
        #expect(same, "gradients differ between two trainers with one seed")
        #expect(a != (try one.accumulateGradients(for: batch, lossScale: 1, dropoutSeed: 12)))
        let plain = try Self.trainer()
        let eval = try plain.logits(for: batch)
        #expect(eval.count == batch.batchSize * 3)
        guard case let .classes(ids) = batch.targets else { Issue.record("class targets expected"); return }
        let expected = try NativeClassifierTrainer.crossEntropy(logits: eval, classes: ids, labelCount: 3, weights: nil, scale: 1).loss
        #expect(try plain.accumulateGradients(for: batch, lossScale: 1, dropoutSeed: 11) == expected)
    }

    /// Groups must name every parameter exactly once.
    @Test func adamWRejectsGroupsThatMissOrRepeatAParameter() throws {
        let encoder = try BertEncoder(directory: Paths.tinyModel, threads: 1)
        let config = OptimizerConfiguration(preset: .bert, learningRate: 1e-3)
        let names = encoder.layout.entries.map(\.name)
        let bad: [[ParameterGroup]] = [
            [ParameterGroup(name: "a", weightDecay: 0, parameterNames: Array(names.dropLast()))],
            [ParameterGroup(name: "a", weightDecay: 0, parameterNames: names), ParameterGroup(name: "b", weightDecay: 0, parameterNames: [names[0]])],
            [ParameterGroup(name: "a", weightDecay: 0, parameterNames: names + ["classifier.weight"])],
        ]
        for groups in bad {
            #expect(throws: NativeEncoderError.self) { try AdamW(for: encoder, configuration: config, groups: groups) }
        }
    }

    /// Evaluation between micro-batches (its inference-only plan in the same arena) leaves accumulation unchanged.
    @Test func logitsBetweenMicroBatchesChangeNothing() throws {
        let batches = try Self.batches()
        let probing = try Self.trainer(dropout: true), plain = try Self.trainer(dropout: true)
        _ = try probing.accumulateGradients(for: batches[1], lossScale: 0.5, dropoutSeed: 3)
        let first = try probing.logits(for: batches[6])
        _ = try probing.accumulateGradients(for: batches[2], lossScale: 0.5, dropoutSeed: 4)
        _ = try plain.accumulateGradients(for: batches[1], lossScale: 0.5, dropoutSeed: 3)
        _ = try plain.accumulateGradients(for: batches[2], lossScale: 0.5, dropoutSeed: 4)
        let same = Self.allGradients(probing) == Self.allGradients(plain)
        #expect(same, "a logits call between micro-batches changed the accumulated gradients")
        #expect(try probing.logits(for: batches[6]) == first)
    }

    /// A trainer made with `encoderOptions.inferenceOnly` predicts the same logits and refuses to train, leaving
    /// its gradients at zero.
    @Test func inferenceOnlyTrainerPredictsAndRefusesTraining() throws {
        let batch = try Self.batches()[0]
        let predictor = try NativeClassifierTrainer(
            modelDirectory: Self.initial, task: Self.task, optimizer: OptimizerConfiguration(preset: .bert, learningRate: 1e-3),
            threads: 2, dropout: false, encoderOptions: .init(inferenceOnly: true))
        #expect(predictor.encoderOptions.inferenceOnly)
        #expect(try predictor.logits(for: batch) == (try Self.trainer().logits(for: batch)))
        #expect(throws: NativeEncoderError.self) { try predictor.accumulateGradients(for: batch, lossScale: 1, dropoutSeed: 0) }
        #expect(predictor.gradient(named: "classifier.bias") == [0, 0, 0])
    }

    /// Targets that do not fit the task are refused before any work.
    @Test func badTargetsAreRefused() throws {
        let t = try Self.trainer(), b = try Self.batches()[0]
        var wrong = b
        wrong.targets = .classes([0, 1, 3, 0])
        #expect(throws: NativeEncoderError.self) { try t.accumulateGradients(for: wrong, lossScale: 1, dropoutSeed: 0) }
        wrong.targets = .multiHot([Float](repeating: 0, count: 12))
        #expect(throws: NativeEncoderError.self) { try t.accumulateGradients(for: wrong, lossScale: 1, dropoutSeed: 0) }
        wrong.targets = .none
        #expect(throws: NativeEncoderError.self) { try t.accumulateGradients(for: wrong, lossScale: 1, dropoutSeed: 0) }
        #expect(throws: NativeEncoderError.self) { try Self.trainer(task: ClassificationTask(labels: ["a", "b", "c"], classWeights: [1, 2])) }
        #expect(throws: NativeEncoderError.self) { try Self.trainer(task: ClassificationTask(labels: ["a", "a"])) }
        #expect(throws: NativeEncoderError.self) { try t.applyUpdate(learningRate: .nan) }
        #expect(t.gradient(named: "classifier.bias") == [0, 0, 0])
    }
}
