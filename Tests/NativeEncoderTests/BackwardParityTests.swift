import Testing
@testable import NativeEncoder

/// Gradients against PyTorch autograd in float64 (grads.safetensors of all-MiniLM-L6-v2 in Fixtures/encoder,
/// needing the fetched model, and of the committed tiny random BERT in Fixtures/tiny-bert/golden), dropout off, for
/// loss = sum(hidden * R1) + sum(pooled * R2) on a 2 x 8 batch whose second row has 3 padding tokens.
///
/// Relative error of a value a against reference b: |a - b| / max(|b|, floor), floor = 1e-2 x the tensor's
/// RMS gradient (norm / sqrt(count)), so entries near zero are judged against the tensor's scale.
/// The key biases' gradient is exactly zero in theory (softmax ignores a per-row shift; autograd in float64
/// gives ~1e-16): there the check is absolute, norm <= 1e-5.
@Suite struct BackwardParityTests {
    static let tolerance = 1e-3

    @Test(.requires(.minilmModel), arguments: [1, 2])
    func gradientsMatchAutograd(threads: Int) throws {
        try Self.checkGradients(model: Paths.model, fixtures: Paths.fixtures, threads: threads)
    }

    @Test(arguments: [1, 2])
    func tinyModelGradientsMatchAutograd(threads: Int) throws {
        try Self.checkGradients(model: Paths.tinyModel, fixtures: Paths.tinyFixtures, threads: threads)
    }

    static func checkGradients(model: String, fixtures: String, threads: Int) throws {
        let golden = try SafetensorsFile(contentsOf: fixtures + "/grads.safetensors")
        let shape = try golden.info("input_ids").shape
        let batch = try EncoderBatch(
            batchSize: shape[0], sequenceLength: shape[1], tokenIDs: try golden.integers("input_ids").map { Int32($0) },
            attentionMask: try golden.integers("attention_mask").map { Int32($0) })
        let encoder = try BertEncoder(directory: model, threads: threads)
        try encoder.forward(batch, training: false)
        let h = encoder.configuration.hiddenSize
        let r1 = counterNoise(batch.batchSize * batch.sequenceLength * h, seed: 1)
        let r2 = counterNoise(batch.batchSize * h, seed: 2)
        let loss = zip(encoder.lastHiddenState(), r1).reduce(0.0) { $0 + Double($1.0 * $1.1) }
            + zip(encoder.pooledOutput(), r2).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        let refLoss = try golden.doubles("loss")[0]
        #expect(abs(loss - refLoss) <= 1e-3 * abs(refLoss), "loss \(loss) vs \(refLoss)")
        try encoder.backward(hiddenGradient: r1, pooledGradient: r2)

        var checked = 0, worst = (0.0, "")
        for entry in encoder.layout.entries {
            let grad = try #require(encoder.gradient(named: entry.name))
            let refNorm = try golden.doubles("norm.\(entry.name)")[0]
            let norm = grad.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            if refNorm < 1e-9 {
                #expect(norm <= 1e-5, "\(entry.name): norm \(norm) should be ~0")
                continue
            }
            let normError = abs(norm - refNorm) / max(refNorm, 1e-12)
            #expect(normError <= tolerance, "\(entry.name): norm \(norm) vs \(refNorm)")
            let floor = max(1e-2 * refNorm / Double(entry.count).squareRoot(), 1e-12)
            let indices = try golden.integers("idx.\(entry.name)"), values = try golden.doubles("val.\(entry.name)")
            for (i, ref) in zip(indices, values) {
                let error = abs(Double(grad[i]) - ref) / max(abs(ref), floor)
                #expect(error <= tolerance, "\(entry.name)[\(i)]: \(grad[i]) vs \(ref)")
                if error > worst.0 { worst = (error, "\(entry.name)[\(i)]") }
                checked += 1
            }
        }
        #expect(checked >= 8 * (encoder.layout.entries.count - encoder.configuration.layerCount))
        print("backward parity (\(threads) threads): worst relative error \(worst.0) at \(worst.1)")
    }
}
