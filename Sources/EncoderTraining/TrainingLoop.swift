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
/// (the newest one's name), `best/` (the model exported at the best evaluation).
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
    public var onEvent: ((TrainingEvent) -> Void)?
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
        } else {
            state = LoopState()
        }
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
                onEvent?(.update(UpdateReport(
                    epoch: state.epoch, update: state.update, totalUpdates: totalUpdates, loss: loss / Double(group),
                    learningRate: rate, gradientNorm: norm, examplesPerSecond: Double(examplesSeen) / max(elapsed, 1e-9), elapsed: elapsed)))
                if let kill = killAfterUpdate, state.update == kill { kill_self() }
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
        let expected = eval.recordClasses
        let predicted = (0..<logits.records).map { logits.predictedClass(record: $0) }
        let scores = ClassificationScores(predicted: predicted, expected: expected.map { $0.first ?? 0 }, labelCount: trainer.task.labelCount)
        let loss = logits.meanLoss(classes: expected, multiLabel: trainer.task.multiLabel)
        let value: Double
        switch configuration.bestMetric {
        case .accuracy: value = scores.accuracy
        case .macroF1: value = scores.macroF1
        case .loss: value = -loss
        }
        let isBest = state.bestValue.map { value > $0 } ?? true
        if isBest {
            state.bestValue = value
            state.bestUpdate = state.update
            state.evaluationsWithoutImprovement = 0
            try trainer.exportModel(to: bestDirectory)
        } else {
            state.evaluationsWithoutImprovement += 1
            if let patience = configuration.earlyStoppingPatience, state.evaluationsWithoutImprovement >= patience { state.stopped = true }
        }
        onEvent?(.evaluation(EvaluationReport(epoch: epoch, update: state.update,
                                              loss: loss, metrics: scores, isBest: isBest)))
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

private func kill_self() {
    kill(getpid(), SIGKILL)
}
