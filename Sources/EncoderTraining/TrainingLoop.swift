import BertKitSupport
import Foundation

/// Fine-tunes any `EncoderTrainer` on a classification dataset: seeded shuffling, gradient accumulation,
/// clipping, a linear warmup/decay schedule, evaluation, the best model, early stopping, and checkpoints from
/// which `run(resume: true)` continues bit for bit.
///
/// ```swift
/// let loop = TrainingLoop(trainer: backend, train: train, eval: test, configuration: recipe, padID: 0,
///                         outputDirectory: "out")
/// loop.onEvent = { print($0) }
/// let summary = try loop.run(resume: false)
/// ```
///
/// Determinism: epoch e visits the examples in a Fisher-Yates permutation drawn from SplitMix64 seeded by
/// (seed, e); micro-batch m of the run (counted from the start) gets dropout seed f(seed, m); update u uses the
/// schedule's rate for u. Nothing else is random, so a run resumed from a checkpoint (taken at an update
/// boundary) replays exactly what the uninterrupted run would have done.
///
/// Output folder: `checkpoints/step-NNNNNNNN/` (the backend's state plus `loop.json`), `checkpoints/latest`
/// (the newest one's name), `best/` (the model exported at the best evaluation), `metrics.jsonl` (every
/// update, evaluation and checkpoint as a `TrainingEvent` line; cut back to the checkpoint on resume).
public final class TrainingLoop {
    /// The backend being trained.
    public let trainer: any EncoderTrainer
    /// Training examples.
    public let train: ClassificationDataset
    /// Evaluation examples, if any.
    public let eval: ClassificationDataset?
    /// The recipe.
    public let configuration: TrainingConfiguration
    /// Padding token id.
    public let padID: Int32
    /// Where checkpoints and the best model go.
    public let outputDirectory: String
    /// Called on the loop's thread for every event.
    public var onEvent: ((Event) -> Void)?
    /// The metrics log of the run (`metrics.jsonl` in the output folder), open while `run` runs.
    var log: MetricsLog?
    /// Path of the metrics log.
    public var metricsLogPath: String { outputDirectory + "/metrics.jsonl" }
    /// Test hook: when set, the process kills itself with SIGKILL right after this many updates (the
    /// `BERTKIT_FAULT_KILL_AFTER_UPDATE` variable of `bertkit finetune`), to test resuming after a crash.
    public var killAfterUpdate: Int?

    /// Micro-batches per epoch.
    public var microBatchesPerEpoch: Int { (train.examples.count + configuration.batchSize - 1) / configuration.batchSize }
    /// Updates per epoch (a last, smaller accumulation group still makes an update).
    public var updatesPerEpoch: Int { (microBatchesPerEpoch + configuration.gradientAccumulation - 1) / configuration.gradientAccumulation }
    /// Updates of the whole run.
    public var totalUpdates: Int { updatesPerEpoch * configuration.epochs }

    var state = LoopState()

    /// Creates a loop; nothing runs until `run`.
    public init(
        trainer: any EncoderTrainer, train: ClassificationDataset, eval: ClassificationDataset?,
        configuration: TrainingConfiguration, padID: Int32, outputDirectory: String
    ) {
        self.trainer = trainer
        self.train = train
        self.eval = eval
        self.configuration = configuration
        self.padID = padID
        self.outputDirectory = outputDirectory
    }

    /// Trains to the end (or to early stopping), resuming from the newest checkpoint when `resume`.
    /// - Throws: `TrainingError` for bad settings or checkpoints, and the backend's errors.
    public func run(resume: Bool) throws -> TrainingSummary {
        try configuration.validate()
        guard configuration.batchSize <= train.examples.count else {
            throw TrainingError.batchLargerThanData(batchSize: configuration.batchSize, examples: train.examples.count, path: train.path)
        }
        try makeDirectory(checkpointsDirectory)
        if resume {
            try restoreNewestCheckpoint()
            log = try MetricsLog.resume(at: metricsLogPath, throughStep: state.update).log
        } else {
            state = LoopState()
            try? FileManager.default.removeItem(atPath: metricsLogPath)
            log = try MetricsLog(appendingTo: metricsLogPath)
        }
        defer { log?.close(); log = nil }
        let schedule = LinearWarmupDecay(peak: configuration.optimizer.learningRate, warmupRatio: configuration.warmupRatio, totalSteps: totalUpdates)
        let accumulation = configuration.gradientAccumulation
        let start = ContinuousClock.now
        var examplesSeen = 0
        epochs: while state.epoch < configuration.epochs && !state.stopped {
            let order = Self.permutation(count: train.examples.count, seed: configuration.seed, epoch: state.epoch)
            while state.microBatch < microBatchesPerEpoch {
                let group = min(accumulation, microBatchesPerEpoch - state.microBatch)
                var loss = 0.0
                for k in 0..<group {
                    let m = state.microBatch + k
                    let indices = order[(m * configuration.batchSize)..<min((m + 1) * configuration.batchSize, order.count)]
                    let batch = train.batch(indices, padID: padID, task: trainer.task)
                    let seed = Self.dropoutSeed(configuration.seed, microBatch: state.epoch * microBatchesPerEpoch + m)
                    loss += try trainer.accumulateGradients(for: batch, lossScale: 1 / Float(group), dropoutSeed: seed)
                    examplesSeen += indices.count
                }
                let norm = trainer.clipGradientNorm(maxNorm: configuration.maxGradNorm ?? .infinity)
                let rate = schedule.learningRate(atStep: state.update)
                try trainer.applyUpdate(learningRate: rate)
                state.microBatch += group
                state.update += 1
                let elapsed = Self.seconds(ContinuousClock.now - start)
                let step = TrainingEvent.Step(epoch: state.epoch + 1, step: state.update, loss: loss / Double(group),
                                              learningRate: Double(rate), gradNorm: norm,
                                              examplesPerSecond: Double(examplesSeen) / max(elapsed, 1e-9))
                try log?.append(.train(step))
                onEvent?(.update(step, totalUpdates: totalUpdates, elapsed: elapsed))
                if let kill = killAfterUpdate, state.update == kill { killSelf() }
                let epoch = state.epoch, endOfEpoch = state.microBatch >= microBatchesPerEpoch
                if endOfEpoch { state.epoch += 1; state.microBatch = 0 }
                if endOfEpoch || configuration.evalEvery.map({ state.update % $0 == 0 }) == true { try evaluate(epoch: epoch) }
                if endOfEpoch || configuration.saveEvery.map({ state.update % $0 == 0 }) == true { try saveCheckpoint() }
                if state.stopped { onEvent?(.earlyStop(update: state.update)); break epochs }
                if endOfEpoch { continue epochs }
            }
        }
        return TrainingSummary(updates: state.update, epochsCompleted: state.epoch, bestUpdate: state.bestUpdate,
                               bestValue: state.bestValue, stoppedEarly: state.stopped,
                               bestModelDirectory: state.bestUpdate == nil ? nil : bestDirectory)
    }

    /// Evaluates on `eval` (if any), records the best model and the early-stopping count.
    func evaluate(epoch: Int) throws {
        guard let eval else { return }
        let logits = try RecordLogits(trainer: trainer, dataset: eval, batchSize: configuration.evalBatchSize, padID: padID)
        let metrics = ClassificationMetrics(logits: logits, dataset: eval, task: trainer.task)
        let value: Double
        switch configuration.bestMetric {
        case .accuracy: value = metrics.accuracy
        case .macroF1: value = metrics.macroF1
        case .loss: value = -(metrics.loss ?? 0)
        }
        let record = TrainingEvent.Evaluation(epoch: epoch + 1, step: state.update, metrics: metrics)
        try log?.append(.eval(record))
        let isBest = state.bestValue.map { value > $0 } ?? true
        if isBest {
            state.bestValue = value
            state.bestUpdate = state.update
            state.evaluationsWithoutImprovement = 0
            try trainer.exportModel(to: bestDirectory)
            try log?.append(.checkpoint(TrainingEvent.Checkpoint(
                epoch: epoch + 1, step: state.update, path: "best", isBest: true, metric: configuration.bestMetric.rawValue,
                value: configuration.bestMetric == .loss ? -value : value)))
        } else {
            state.evaluationsWithoutImprovement += 1
            if let patience = configuration.earlyStoppingPatience, state.evaluationsWithoutImprovement >= patience { state.stopped = true }
        }
        onEvent?(.evaluation(record, isBest: isBest))
    }

    /// The order of epoch `epoch`: Fisher-Yates over 0..<count with SplitMix64 seeded by (seed, epoch).
    public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var generator = SplitMix64(seed: seed ^ (0x5EED_0000_0000_0000 &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15))
        var order = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(generator.next() % UInt64(i + 1)))
            }
        }
        return order
    }

    /// Dropout seed of the run's micro-batch number `microBatch`.
    public static func dropoutSeed(_ seed: UInt64, microBatch: Int) -> UInt64 {
        var generator = SplitMix64(seed: seed &+ UInt64(microBatch) &* 0xD1B5_4A32_D192_ED03)
        return generator.next()
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
}

extension TrainingLoop {
    /// What the loop reports while it runs (progress lines); the metrics log gets the `TrainingEvent`s.
    public enum Event: Sendable {
        /// An update finished: its record, the run's update count, seconds since the run (or resume) started.
        case update(TrainingEvent.Step, totalUpdates: Int, elapsed: Double)
        /// An evaluation finished; `isBest` when it is the best so far by the chosen metric.
        case evaluation(TrainingEvent.Evaluation, isBest: Bool)
        /// A checkpoint was written.
        case checkpoint(TrainingEvent.Checkpoint)
        /// The run continues from the checkpoint at `path` (after `update` updates, in 0-based `epoch`).
        case resumed(update: Int, epoch: Int, path: String)
        /// Early stopping ended the run after `update` updates.
        case earlyStop(update: Int)
    }
}

/// How a run ended.
public struct TrainingSummary: Sendable, Equatable {
    /// Updates done.
    public var updates: Int
    /// Whole epochs done.
    public var epochsCompleted: Int
    /// Update of the best evaluation (nil without evaluation data).
    public var bestUpdate: Int?
    /// Its metric value (the loss negated when the metric is the loss).
    public var bestValue: Double?
    /// Whether early stopping ended the run.
    public var stoppedEarly: Bool
    /// Folder of the best model (nil without evaluation data).
    public var bestModelDirectory: String?
}

private func killSelf() {
    kill(getpid(), SIGKILL)
}
