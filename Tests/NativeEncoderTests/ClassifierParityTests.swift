import EncoderTraining
import Foundation
import Testing
@testable import NativeEncoder

/// The golden training runs of Scripts/golden/classifier.py (Fixtures/classifier/training.json): PyTorch
/// `BertForSequenceClassification` on the committed tiny BERT, dropout off, AdamW with BERT's groups, linear
/// warmup and decay, clipping at 1.0, replayed by `NativeClassifierTrainer` through the `EncoderTrainer` calls the
/// training loop makes. Every loss within 1e-4 (the issue asks 1e-3; observed <= 8e-7), every gradient norm within 1e-4
/// relative (observed <= 1.4e-6), the probe batch's final logits and the final head within 1e-4 (observed <= 1.6e-6).
/// With the fetched all-MiniLM-L6-v2 (minilm.json): losses within 2.9e-5, norms 1.1e-4 relative, logits 4.9e-6.
@Suite struct ClassifierParityTests {
    struct Golden: Decodable {
        struct Batch: Decodable {
            var input_ids: [[Int32]], token_type_ids: [[Int32]], attention_mask: [[Int32]]
            var labels: [Int32], multi_hot: [[Float]]
        }
        struct Variant: Decodable {
            var accumulation: Int, updates: Int, class_weights: [Float]?, multi_label: Bool
            var losses: [Double], grad_norms: [Double], learning_rates: [Double]
            var probe_logits: [[Float]], classifier_weight: [Float], classifier_bias: [Float]
        }
        struct Recipe: Decodable { var peak_learning_rate: Float, warmup_ratio: Double, max_grad_norm: Float }
        struct Head: Decodable { var classifier_weight_initial: [Float], classifier_bias_initial: [Float] }
        var recipe: Recipe, batches: [Batch], probe: Batch, variants: [String: Variant]
        /// The initial head of a run whose model is not committed (minilm.json).
        var head: Head?
    }

    static let fixtures = Paths.root + "/Fixtures/classifier"

    static func golden(_ file: String = "training.json") throws -> Golden {
        try JSONDecoder().decode(Golden.self, from: Data(contentsOf: URL(fileURLWithPath: fixtures + "/" + file)))
    }

    /// The fixture's batch as the loop would hand it over.
    static func batch(_ b: Golden.Batch, multiLabel: Bool) -> TrainingBatch {
        TrainingBatch(
            batchSize: b.input_ids.count, sequenceLength: b.input_ids[0].count, tokenIDs: b.input_ids.flatMap { $0 },
            tokenTypeIDs: b.token_type_ids.flatMap { $0 }, attentionMask: b.attention_mask.flatMap { $0 },
            targets: multiLabel ? .multiHot(b.multi_hot.flatMap { $0 }) : .classes(b.labels))
    }

    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    @Test(arguments: ["single", "accumulation2", "weighted", "multilabel"], [1, 2])
    func replaysPyTorchTraining(variant name: String, threads: Int) throws {
        let golden = try Self.golden(), v = try #require(golden.variants[name])
        let task = ClassificationTask(labels: ["a", "b", "c"], multiLabel: v.multi_label, classWeights: v.class_weights)
        let trainer = try NativeClassifierTrainer(
            modelDirectory: Self.fixtures + "/initial", task: task,
            optimizer: OptimizerConfiguration(preset: .bert, learningRate: golden.recipe.peak_learning_rate),
            threads: threads, dropout: false)
        #expect(trainer.headWasLoaded)
        try Self.replay(golden, v, trainer, label: "\(name) (\(threads) threads)")
    }

    /// The `single` recipe on all-MiniLM-L6-v2 (Fixtures/classifier/minilm.json), its head as PyTorch drew it.
    @Test(.requires(.minilmModel)) func replaysPyTorchTrainingOnMiniLM() throws {
        let golden = try Self.golden("minilm.json"), v = try #require(golden.variants["single"]), head = try #require(golden.head)
        let trainer = try NativeClassifierTrainer(
            modelDirectory: Paths.model, task: ClassificationTask(labels: ["a", "b", "c"]),
            optimizer: OptimizerConfiguration(preset: .bert, learningRate: golden.recipe.peak_learning_rate), threads: 2, dropout: false)
        trainer.setHead(weight: head.classifier_weight_initial, bias: head.classifier_bias_initial)
        // Gradient norms within 1e-3 relative here: MiniLM's gradients match autograd to ~1e-4 (BackwardParityTests).
        try Self.replay(golden, v, trainer, label: "MiniLM", normTolerance: 1e-3)
    }

    /// Runs the variant's updates through the `EncoderTrainer` calls and checks losses, norms, rates, logits, head.
    static func replay(_ golden: Golden, _ v: Golden.Variant, _ trainer: NativeClassifierTrainer, label: String,
                       normTolerance: Double = 1e-4) throws {
        let schedule = LinearWarmupDecay(peak: golden.recipe.peak_learning_rate, warmupRatio: golden.recipe.warmup_ratio,
                                         totalSteps: v.updates)
        var losses: [Double] = [], norms: [Double] = [], worstRate: Float = 0
        for update in 0..<v.updates {
            for k in 0..<v.accumulation {
                let batch = Self.batch(golden.batches[update * v.accumulation + k], multiLabel: v.multi_label)
                losses.append(try trainer.accumulateGradients(for: batch, lossScale: 1 / Float(v.accumulation), dropoutSeed: UInt64(update)))
            }
            norms.append(trainer.clipGradientNorm(maxNorm: golden.recipe.max_grad_norm))
            let rate = schedule.learningRate(atStep: update)
            worstRate = max(worstRate, abs(rate - Float(v.learning_rates[update])))
            try trainer.applyUpdate(learningRate: rate)
        }
        #expect(trainer.step == v.updates)
        #expect(worstRate <= 1e-9, "learning rates differ from transformers' scheduler by \(worstRate)")
        let lossError = zip(losses, v.losses).map { abs($0 - $1) }.max() ?? .infinity
        let normError = zip(norms, v.grad_norms).map { abs($0 - $1) / $1 }.max() ?? .infinity
        print("classifier parity \(label): max |loss - PyTorch| \(lossError), max relative norm error \(normError)")
        #expect(losses.count == v.losses.count)
        #expect(lossError <= 1e-4, "losses \(losses) vs PyTorch \(v.losses)")
        #expect(normError <= normTolerance, "gradient norms \(norms) vs PyTorch \(v.grad_norms)")
        let logits = try trainer.logits(for: Self.batch(golden.probe, multiLabel: v.multi_label))
        let logitError = Self.maxDifference(logits, v.probe_logits.flatMap { $0 })
        let headError = max(Self.maxDifference(try #require(trainer.parameter(named: "classifier.weight")), v.classifier_weight),
                            Self.maxDifference(try #require(trainer.parameter(named: "classifier.bias")), v.classifier_bias))
        print("classifier parity \(label): probe logits max diff \(logitError), head max diff \(headError)")
        #expect(logitError <= 1e-4)
        #expect(headError <= 1e-4)
    }
}
