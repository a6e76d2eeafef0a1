/// A learning rate as a function of the optimizer step (0 = the first update).
public protocol LearningRateSchedule: Sendable {
    /// Learning rate of update number `step` (0-based).
    func learningRate(atStep step: Int) -> Float
}

/// Linear warmup from 0 to `peak` over `warmupSteps`, then linear decay to 0 at `totalSteps`: Hugging Face
/// `get_linear_schedule_with_warmup` (transformers `optimization.py`), whose multiplier at step s is s / warmup
/// during warmup and (total - s) / (total - warmup) after, so the first update of a warmed-up run has rate 0.
public struct LinearWarmupDecay: LearningRateSchedule, Equatable, Codable {
    /// Highest rate, reached at the end of warmup.
    public var peak: Float
    /// Updates of warmup.
    public var warmupSteps: Int
    /// Updates of the whole run.
    public var totalSteps: Int

    /// Creates the schedule.
    public init(peak: Float, warmupSteps: Int, totalSteps: Int) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// Warmup as a fraction of the run, rounded up (transformers `TrainingArguments.get_warmup_steps`).
    public init(peak: Float, warmupRatio: Double, totalSteps: Int) {
        self.init(peak: peak, warmupSteps: Int((warmupRatio * Double(totalSteps)).rounded(.up)), totalSteps: totalSteps)
    }

    /// The rate of update `step`.
    public func learningRate(atStep step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step) / Float(max(1, warmupSteps)) }
        let remaining = Double(totalSteps - step) / Double(max(1, totalSteps - warmupSteps))
        return peak * Float(max(0, remaining))
    }
}
