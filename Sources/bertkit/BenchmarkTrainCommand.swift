import BertKitSupport
import ArgumentParser
import EncoderTraining
import Foundation
import InputEncoding
import NativeEncoder

/// `bertkit benchmark-train`: times full training steps of the native encoder (forward, loss, backward, AdamW).
///
/// Loss: mean squared error between the pooler output and a fixed random target (PyTorch: F.mse_loss),
/// dropout on (training mode), random full-length token ids of the model's vocabulary in its template
/// ([CLS] first and [SEP] last for BERT), special tokens excluded from the random ids.
struct BenchmarkTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark-train",
        abstract: "Time native training steps (forward + backward + AdamW) and report GFLOP/s and the OpenBLAS kernels.")

    @Option(help: "Model folder (config.json, model.safetensors, tokenizer.json or vocab.txt).") var model: String
    @Option(help: "Sequences per step.") var batchSize: Int = 32
    @Option(help: "Tokens per sequence.") var maxLength: Int = 128
    @Option(help: "Timed steps (after one warm-up step).") var steps: Int = 5
    @Option(help: "Seed for token ids, targets and dropout.") var seed: UInt64 = 42
    @Flag(help: "Run the last layer over all tokens, forward and backward, though the loss reads only [CLS] (as PyTorch does).")
    var denseBackward = false
    @Flag(help: "Also print seconds per step by phase (GEMMs, attention, elementwise kernels).") var profile = false
    @OptionGroup var blas: BLASOptions

    /// Most tokens per step (batch size x max length): training keeps every layer's activations (about 180 KB a
    /// token for all-MiniLM-L6-v2, so 6 GB at this limit), so larger shapes are refused before allocating.
    static let maximumTokensPerStep = 32_768

    func validate() throws {
        guard batchSize > 0, maxLength >= 2, steps > 0 else {
            throw ValidationError("--batch-size and --steps must be positive and --max-length at least 2")
        }
        guard batchSize <= Self.maximumTokensPerStep / maxLength else {
            throw ValidationError("--batch-size x --max-length must be at most \(Self.maximumTokensPerStep) tokens per step (got \(batchSize) x \(maxLength))")
        }
        guard steps <= 100_000 else { throw ValidationError("--steps must be at most 100000 (got \(steps))") }
    }

    func run() throws {
        try blas.applyKernelPolicy()
        let encoder = try BertEncoder(
            directory: model, threads: blas.workerCount, options: .init(sparsePooledBackward: !denseBackward, profiling: profile))
        blas.printKernelReport(command: "benchmark-train", quiet: false)
        let config = encoder.configuration
        guard maxLength <= config.maxPositions else { throw ValidationError("--max-length exceeds the model's \(config.maxPositions) positions") }
        let tokenizer = try Tokenizer(directory: model)
        let specials = tokenizer.template.addedTokens(pair: false)
        guard maxLength > specials else { throw ValidationError("--max-length must leave room for the template's \(specials) special tokens") }
        let ordinary = (0..<Int32(min(tokenizer.vocabulary.count, config.vocabularySize))).filter { !tokenizer.wordPiece.isSpecial($0) }
        guard !ordinary.isEmpty else { throw ValidationError("\(model): the vocabulary holds only special tokens") }
        var rng = SplitMix64(seed: seed)
        let encodings = try (0..<batchSize).map { _ in
            try tokenizer.postProcess((0..<(maxLength - specials)).map { _ in ordinary[Int(rng.next() % UInt64(ordinary.count))] })
        }
        let batch = try EncoderBatch(encodings: encodings)
        let target = (0..<(batchSize * config.hiddenSize)).map { _ in Float(rng.next() >> 40) / Float(1 << 24) - 0.5 }
        // Scripts/bench/train-step.py's peer: AdamW(model.parameters(), lr 2e-5, weight_decay 0.01, eps 1e-8),
        // one group decaying every parameter.
        var settings = OptimizerConfiguration(preset: .hf, learningRate: 2e-5)
        settings.weightDecay = 0.01
        let everything = ParameterGroup(name: "all", weightDecay: settings.weightDecay, parameterNames: encoder.layout.entries.map(\.name))
        let optimizer = try AdamW(for: encoder, configuration: settings, groups: [everything])
        var times: [Double] = [], phases: [[Double]] = [[], [], []], loss = 0.0
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        for step in 0...steps {
            let start = ContinuousClock.now
            try encoder.forward(batch, training: true, pooledOnly: !denseBackward, using: &rng)
            let (l, gradient) = try encoder.pooledMSE(target: target)
            let forwardDone = ContinuousClock.now
            try encoder.backward(hiddenGradient: nil, pooledGradient: gradient)
            let backwardDone = ContinuousClock.now
            optimizer.update(encoder, learningRate: settings.learningRate)
            let end = ContinuousClock.now
            if step == 0 { encoder.resetProfile() }  // profile the timed steps only
            if step > 0 {
                times.append(seconds(end - start))
                phases[0].append(seconds(forwardDone - start))
                phases[1].append(seconds(backwardDone - forwardDone))
                phases[2].append(seconds(end - backwardDone))
            }
            loss = l
        }
        func medianOf(_ xs: [Double]) -> Double {
            let s = xs.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        let median = medianOf(times)
        let nominal = 3 * encoder.forwardMatmulFLOPs(batchSize: batchSize, sequenceLength: maxLength)
        let flops = encoder.trainingStepFLOPs(batchSize: batchSize, sequenceLength: maxLength, pooledOnly: !denseBackward)
        let peak = try BertEncoder.measureSGEMM(m: batchSize * maxLength, n: config.intermediateSize, k: config.hiddenSize, threads: blas.workerCount)
        let achieved = flops / median / 1e9
        print("openblas_corename: \(blas.kernelDescription)")
        print("threads: \(blas.workerCount) encoder workers, OpenBLAS \(BLAS.threads)")
        print("shape: batch \(batchSize) x \(maxLength) tokens, loss mse(pooled, target), dropout on, AdamW, "
            + (denseBackward ? "dense last layer" : "last layer on [CLS] rows only (pooled-only loss)"))
        print("activation_plan_mb: \(String(format: "%.1f", Double(encoder.activationBytes) / 1e6))")
        print("final_loss: \(String(format: "%.6f", loss))")
        print("step_seconds: " + times.map { String(format: "%.4f", $0) }.joined(separator: " "))
        print("median_step_s: \(String(format: "%.4f", median))")
        print("median_phases_s: forward \(String(format: "%.4f", medianOf(phases[0]))) backward \(String(format: "%.4f", medianOf(phases[1]))) adamw \(String(format: "%.4f", medianOf(phases[2])))")
        if profile {
            let perStep = encoder.profile.map { ($0.key, $0.value / Double(steps)) }.sorted { $0.1 > $1.1 }
            print("profile_s_per_step: " + perStep.map { "\($0.0) \(String(format: "%.4f", $0.1))" }.joined(separator: ", "))
        }
        print("gflop_per_step: \(String(format: "%.1f", flops / 1e9)) executed; model (3 x forward matmul FLOPs, what PyTorch runs) \(String(format: "%.1f", nominal / 1e9))")
        print("achieved_gflops: \(String(format: "%.1f", achieved)) (executed FLOPs / median step)")
        print("sgemm_peak_gflops: \(String(format: "%.1f", peak)) (\(batchSize * maxLength)x\(config.intermediateSize)x\(config.hiddenSize), same split); achieved/peak \(String(format: "%.0f%%", 100 * achieved / peak))")
    }
}
