import EncoderTraining
import Testing

@Suite struct LearningRateScheduleTests {
    /// Values of transformers' get_linear_schedule_with_warmup(warmup 3, total 10) times the peak 1.0.
    @Test func linearWarmupDecayMatchesTransformers() {
        let schedule = LinearWarmupDecay(peak: 1, warmupSteps: 3, totalSteps: 10)
        let expected: [Float] = [0, 1.0 / 3, 2.0 / 3, 1, 6.0 / 7, 5.0 / 7, 4.0 / 7, 3.0 / 7, 2.0 / 7, 1.0 / 7, 0, 0]
        for (step, rate) in expected.enumerated() {
            #expect(abs(schedule.learningRate(atStep: step) - rate) < 1e-6, "step \(step)")
        }
    }

    @Test func warmupRatioRoundsUp() {
        #expect(LinearWarmupDecay(peak: 5e-5, warmupRatio: 0.1, totalSteps: 401).warmupSteps == 41)
        #expect(LinearWarmupDecay(peak: 5e-5, warmupRatio: 0, totalSteps: 10).learningRate(atStep: 0) == 5e-5)
    }

    @Test func presetsAndGroups() {
        let bert = OptimizerConfiguration(preset: .bert, learningRate: 2e-5)
        #expect(bert.epsilon == 1e-6 && bert.weightDecay == 0.01)
        let hf = OptimizerConfiguration(preset: .hf, learningRate: 2e-5)
        #expect(hf.epsilon == 1e-8 && hf.weightDecay == 0)
        let groups = bert.parameterGroups(names: [
            "embeddings.LayerNorm.weight", "encoder.layer.0.attention.self.query.weight",
            "encoder.layer.0.attention.self.query.bias", "classifier.weight", "classifier.bias",
        ])
        #expect(groups[0].parameterNames == ["encoder.layer.0.attention.self.query.weight", "classifier.weight"])
        #expect(groups[0].weightDecay == 0.01)
        #expect(groups[1].parameterNames == ["embeddings.LayerNorm.weight", "encoder.layer.0.attention.self.query.bias", "classifier.bias"])
        #expect(groups[1].weightDecay == 0)
    }
}
