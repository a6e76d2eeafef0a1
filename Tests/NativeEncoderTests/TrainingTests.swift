import Foundation
import EncoderTraining
import Testing
@testable import NativeEncoder

/// Dropout masks and AdamW on a tiny batch: deterministic by seed whatever the thread count, and a step
/// lowers the loss.
@Suite(.requires(.minilmModel)) struct TrainingTests {
    static func batch() throws -> EncoderBatch { try EncoderBatch(sequences: [[101, 7592, 2088, 102], [101, 2748, 102]]) }

    @Test func dropoutIsSeededAndThreadIndependent() throws {
        let one = try BertEncoder(directory: Paths.model, threads: 1), two = try BertEncoder(directory: Paths.model, threads: 2)
        try one.forward(Self.batch(), training: true, dropoutSeed: 9)
        try two.forward(Self.batch(), training: true, dropoutSeed: 9)
        #expect(one.lastHiddenState() == two.lastHiddenState())
        let dropped = one.lastHiddenState()
        try one.forward(Self.batch(), training: true, dropoutSeed: 10)
        #expect(one.lastHiddenState() != dropped)
        try one.forward(Self.batch(), training: false)
        #expect(one.lastHiddenState() != dropped)
        let target = [Float](repeating: 0.1, count: 2 * 384)
        for e in [one, two] {
            try e.forward(Self.batch(), training: true, dropoutSeed: 3)
            try e.backward(hiddenGradient: nil, pooledGradient: try e.pooledMSE(target: target).gradient)
        }
        for entry in one.layout.entries { #expect(one.gradient(named: entry.name) == two.gradient(named: entry.name)) }
    }

    /// With dropout on and a fixed seed, the loss is a deterministic function of the parameters, so the backward
    /// pass (which draws every mask again from its counter) must match central differences of the forward
    /// pass along the gradient of tensors behind each dropout site kind: hidden dropout after the attention
    /// output and the feed-forward output, attention-probability dropout, embedding dropout.
    /// The last layer's key, value and query weights cover the pooled-only attention (`pooledAttentionBackward`).
    @Test(arguments: ["encoder.layer.0.attention.output.dense.bias", "encoder.layer.1.output.dense.bias",
                      "encoder.layer.2.attention.self.value.bias", "embeddings.LayerNorm.weight",
                      "encoder.layer.5.attention.self.key.weight", "encoder.layer.5.attention.self.value.weight",
                      "encoder.layer.5.attention.self.query.weight"])
    func dropoutBackwardMatchesFiniteDifferences(tensor: String) throws {
        let encoder = try BertEncoder(directory: Paths.model, threads: 2)
        let batch = try EncoderBatch(sequences: [[101, 7592, 2088, 2003, 1037, 3231, 102], [101, 2748, 2017, 102]])
        let target = [Float](repeating: 0.05, count: 2 * 384)
        func loss() throws -> Double {
            try encoder.forward(batch, training: true, dropoutSeed: 21)
            return try encoder.pooledMSE(target: target).loss
        }
        _ = try loss()
        try encoder.backward(hiddenGradient: nil, pooledGradient: try encoder.pooledMSE(target: target).gradient)
        let entry = try #require(encoder.layout.entry(named: tensor))
        let gradient = try #require(encoder.gradient(named: tensor))
        let norm = gradient.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(norm > 0)
        let epsilon = 1e-2, weights = encoder.parameters[entry.offset], saved = Array(UnsafeBufferPointer(start: weights, count: entry.count))
        func shifted(_ sign: Double) throws -> Double {
            for i in 0..<entry.count { weights[i] = saved[i] + Float(sign * epsilon * Double(gradient[i]) / norm) }
            defer { for i in 0..<entry.count { weights[i] = saved[i] } }
            return try loss()
        }
        let numeric = (try shifted(1) - shifted(-1)) / (2 * epsilon)
        print("dropout backward \(tensor): directional derivative \(numeric), gradient norm \(norm)")
        #expect(abs(numeric - norm) <= 0.005 * norm, "\(tensor): directional derivative \(numeric) vs gradient norm \(norm)")
    }

    /// An inference-only forward pass (one shared set of layer buffers) gives the same outputs and refuses a backward.
    @Test func inferenceOnlyPlanMatchesAndRefusesBackward() throws {
        let training = try BertEncoder(directory: Paths.model, threads: 2)
        let encoder = try BertEncoder(directory: Paths.model, threads: 2, options: .init(inferenceOnly: true))
        try training.forward(Self.batch())
        let full = training.lastHiddenState(), fullBytes = training.activationBytes
        try encoder.forward(Self.batch())
        #expect(encoder.lastHiddenState() == full)
        #expect(encoder.activationBytes * 3 < fullBytes, "\(encoder.activationBytes) vs \(fullBytes)")
        #expect(throws: NativeEncoderError.self) { try encoder.backward(hiddenGradient: nil, pooledGradient: nil) }
    }

    /// `options.profiling` times the phases of forward and backward passes (and nothing else changes);
    /// `resetProfile` starts the record again; without the option nothing is recorded.
    @Test func profilingOptionRecordsPhases() throws {
        let plain = try BertEncoder(directory: Paths.model, threads: 2)
        let profiled = try BertEncoder(directory: Paths.model, threads: 2, options: .init(profiling: true))
        for encoder in [plain, profiled] {
            try encoder.forward(Self.batch(), training: true, dropoutSeed: 3)
            try encoder.backward(hiddenGradient: nil, pooledGradient: [Float](repeating: 0.5, count: 2 * 384))
        }
        #expect(plain.profile.isEmpty)
        #expect(profiled.lastHiddenState() == plain.lastHiddenState())
        #expect(profiled.gradient(named: "embeddings.word_embeddings.weight") == plain.gradient(named: "embeddings.word_embeddings.weight"))
        #expect(profiled.profile["embeddings", default: 0] > 0 && profiled.profile["gemm.weightgrad", default: 0] > 0, "\(profiled.profile)")
        profiled.resetProfile()
        #expect(profiled.profile.isEmpty)
    }

    /// First AdamW step: m^ = g and v^ = g^2, so each parameter moves by -lr g / (|g| + eps), after decay by
    /// (1 - lr wd) unless exempt; with the BERT groups, biases and LayerNorm weights are not decayed.
    @Test(arguments: [false, true])
    func adamWFirstStepAndDecayExemption(exempt: Bool) throws {
        let encoder = try BertEncoder(directory: Paths.model, threads: 2)
        var config = OptimizerConfiguration(preset: .hf, learningRate: 1)
        config.epsilon = 1e-8
        config.weightDecay = 0.1
        let names = encoder.layout.entries.map(\.name)
        let groups = exempt ? config.parameterGroups(names: names) : [ParameterGroup(name: "all", weightDecay: 0.1, parameterNames: names)]
        let optimizer = try AdamW(for: encoder, configuration: config, groups: groups)
        try encoder.forward(Self.batch())
        try encoder.backward(hiddenGradient: nil, pooledGradient: try encoder.pooledMSE(target: [Float](repeating: 0.1, count: 2 * 384)).gradient)
        let checked = ["encoder.layer.3.attention.output.dense.weight", "encoder.layer.3.attention.output.dense.bias",
                       "encoder.layer.3.output.LayerNorm.weight", "embeddings.word_embeddings.weight"]
        let before = checked.map { encoder.parameter(named: $0)! }, gradients = checked.map { encoder.gradient(named: $0)! }
        optimizer.update(encoder, learningRate: 1e-2)  // the per-call rate, not the configuration's
        for (k, name) in checked.enumerated() {
            let skip = exempt && (name.hasSuffix(".bias") || name.contains("LayerNorm"))
            let decay: Float = skip ? 1 : 1 - 1e-2 * 0.1
            let after = encoder.parameter(named: name)!
            let worst = (0..<after.count).map { i -> Float in
                let g = gradients[k][i], expected = before[k][i] * decay - 1e-2 * g / (abs(g) + 1e-8)
                return abs(after[i] - expected)
            }.max()!
            #expect(worst < 1e-6, "\(name): max deviation \(worst)")
        }
    }

    /// Three AdamW steps against the update computed here in Double from the same gradients (PyTorch's formula:
    /// moments with beta1/beta2, bias correction 1 - beta^t, eps outside the square root, decoupled decay), so
    /// a wrong beta, a missing bias correction or moment, or plain SGD fails; and the loss goes down.
    @Test func adamWStepsFollowTheMomentsAndLowerTheLoss() throws {
        let encoder = try BertEncoder(directory: Paths.model, threads: 2)
        var config = OptimizerConfiguration(preset: .hf, learningRate: 1e-4)
        config.weightDecay = 0.05
        let all = ParameterGroup(name: "all", weightDecay: 0.05, parameterNames: encoder.layout.entries.map(\.name))
        let optimizer = try AdamW(for: encoder, configuration: config, groups: [all])
        let target = [Float](repeating: 0.1, count: 2 * 384)
        let names = ["encoder.layer.5.attention.output.dense.weight", "encoder.layer.5.output.dense.bias",
                     "encoder.layer.2.output.LayerNorm.weight", "pooler.dense.weight"]
        var m = names.map { [Double](repeating: 0, count: encoder.parameter(named: $0)!.count) }, v = m
        let (lr, b1, b2, eps, wd) = (1e-4, 0.9, 0.999, 1e-8, 0.05)
        var losses: [Double] = []
        for step in 1...3 {
            try encoder.forward(Self.batch())
            let (loss, gradient) = try encoder.pooledMSE(target: target)
            losses.append(loss)
            try encoder.backward(hiddenGradient: nil, pooledGradient: gradient)
            let before = names.map { encoder.parameter(named: $0)! }, gradients = names.map { encoder.gradient(named: $0)! }
            optimizer.update(encoder, learningRate: 1e-4)
            let bc1 = 1 - pow(b1, Double(step)), bc2 = 1 - pow(b2, Double(step))
            for (k, name) in names.enumerated() {
                let after = encoder.parameter(named: name)!
                var worst = 0.0, largestMove = 0.0
                for i in after.indices {
                    let g = Double(gradients[k][i])
                    m[k][i] = b1 * m[k][i] + (1 - b1) * g
                    v[k][i] = b2 * v[k][i] + (1 - b2) * g * g
                    let p = Double(before[k][i]) * (1 - lr * wd)
                    let expected = p - lr / bc1 * m[k][i] / ((v[k][i] / bc2).squareRoot() + eps)
                    worst = max(worst, abs(Double(after[i]) - expected))
                    largestMove = max(largestMove, abs(expected - Double(before[k][i])))
                }
                #expect(worst < 2e-7, "step \(step), \(name): max deviation \(worst) from AdamW")
                #expect(largestMove > 5e-5, "step \(step), \(name): the update is too small to tell AdamW from SGD")
            }
        }
        #expect(optimizer.step == 3)
        #expect(losses[2] < losses[1] && losses[1] < losses[0], "\(losses)")
    }
}

/// The [CLS]-rows-only last layer (pooled-only losses: sparse backward, pooled-only forward) against the
/// dense computation.
@Suite(.requires(.minilmModel)) struct PooledBackwardTests {
    @Test(arguments: [false, true])
    func sparseMatchesDense(training: Bool) throws {
        let encoder = try BertEncoder(directory: Paths.model, threads: 2)
        let denseEncoder = try BertEncoder(directory: Paths.model, threads: 2, options: .init(sparsePooledBackward: false))
        let batch = try EncoderBatch(sequences: [[101, 7592, 2088, 2003, 102], [101, 2748, 102]])
        let target = [Float](repeating: 0.1, count: 2 * 384)
        var results: [[Float]] = []
        // Dense (a zero hidden-state gradient); sparse backward; pooled-only forward + sparse backward; dense by
        // the encoder's options (no hidden-state gradient).
        for mode in 0..<4 {
            let model = mode == 3 ? denseEncoder : encoder
            try model.forward(batch, training: training, dropoutSeed: 5, pooledOnly: mode == 2)
            if mode == 2 { #expect(model.lastHiddenState().isEmpty) }
            let gradient = try model.pooledMSE(target: target).gradient
            try model.backward(hiddenGradient: mode == 0 ? [Float](repeating: 0, count: 2 * 5 * 384) : nil, pooledGradient: gradient)
            results.append(model.layout.entries.flatMap { model.gradient(named: $0.name)! })
        }
        #expect(results[3] == results[0], "a dense backward by the options computes what a zero hidden gradient does")
        for entry in encoder.layout.entries { for other in 1..<3 {
            let dense = Array(results[0][entry.offset..<(entry.offset + entry.count)])
            let sparse = Array(results[other][entry.offset..<(entry.offset + entry.count)])
            let scale = dense.map { abs($0) }.max() ?? 0
            let error = zip(dense, sparse).map { abs($0 - $1) }.max() ?? 0
            #expect(error <= 1e-4 * scale + 1e-9, "\(entry.name) (mode \(other)): max diff \(error), scale \(scale)")
        } }
    }
}
