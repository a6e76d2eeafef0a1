import BertKitSupport
import EncoderTraining
import Foundation
import WordPiece

/// The native `EncoderTrainer`: a `BertEncoder` with Hugging Face's `BertForSequenceClassification` head (pooler
/// output -> dropout -> linear `[labelCount, hidden]`), cross-entropy or binary cross-entropy, gradient
/// accumulation, global-norm clipping and AdamW with parameter groups, on OpenBLAS.
///
/// ```swift
/// let task = ClassificationTask(labels: ["negative", "positive"])
/// let settings = OptimizerConfiguration(preset: .bert, learningRate: 5e-5)
/// let trainer = try NativeClassifierTrainer(modelDirectory: ".assets/minilm", task: task, optimizer: settings, threads: 2)
/// let schedule = LinearWarmupDecay(peak: 5e-5, warmupRatio: 0.1, totalSteps: 100)
/// for step in 0..<100 {
///     let loss = try trainer.accumulateGradients(for: batches[step], lossScale: 1, dropoutSeed: UInt64(step))
///     _ = trainer.clipGradientNorm(maxNorm: 1)
///     try trainer.applyUpdate(learningRate: schedule.learningRate(atStep: step))
/// }
/// try trainer.exportModel(to: "out/model")   // loads in transformers as BertForSequenceClassification
/// ```
///
/// The head follows transformers `models/bert/modeling_bert.py` (`BertForSequenceClassification`): dropout
/// `classifier_dropout` from config.json, or `hidden_dropout_prob` when that is null; a head found in
/// model.safetensors (`classifier.weight` / `classifier.bias` of the task's shape: a fine-tuned folder or our own
/// export) is reused, otherwise the weight is drawn from N(0, `initializer_range`) (default 0.02) and the bias is 0,
/// as `BertPreTrainedModel._init_weights` does, from `SplitMix64(seed: initSeed)`.
///
/// Dropout masks (encoder and head) are a pure function of the `dropoutSeed` passed to `accumulateGradients`, so
/// two trainers fed the same batches and seeds compute the same bytes, at any thread count.
public final class NativeClassifierTrainer: EncoderTrainer {
    /// The task the head was built for.
    public let task: ClassificationTask
    /// AdamW settings (betas, epsilon, weight decay of the decayed group).
    public let optimizerConfiguration: OptimizerConfiguration
    /// Whether dropout is applied while training (false: deterministic forward passes, for parity tests).
    public let dropout: Bool
    /// Whether `accumulateGradients` runs a batch as groups of sequences of similar length (default true).
    public let groupsByLength: Bool
    /// Whether the head came from model.safetensors (true) or was initialized (false).
    public let headWasLoaded: Bool
    /// Dropout rate in front of the head.
    public let headDropout: Float
    /// The folder the model was loaded from (its config.json and tokenizer files are exported with the model).
    public let modelDirectory: String

    let encoder: BertEncoder
    /// Head values and gradients: weight `[labelCount, hidden]` then bias `[labelCount]`.
    let head: FloatArena, headGradients: FloatArena
    let optimizer: AdamW
    /// Micro-batches whose gradients are in the buffers since the last update (0: the gradients are zero).
    var pendingBatches = 0
    /// Second gradient arena for accumulation, made at the first micro-batch that needs it.
    var scratch: GradientScratch?

    /// The dropout site of the head (far above the encoder's 3 x layers + 4 sites).
    static let headDropoutSite = 1 << 20

    /// Loads the encoder and its head from a Hugging Face folder (config.json, model.safetensors).
    /// - Throws: `NativeEncoderError.missingPooler` when the checkpoint has no pooler; `.invalidTrainingInput`
    ///   for a task the head cannot represent; the encoder's loading errors, naming the file and tensor.
    ///
    /// `encoderOptions` fix how the encoder runs (default: `BertEncoder.Options()`); with `inferenceOnly`, the trainer
    /// only predicts (`logits(for:)`) and `accumulateGradients` throws.
    public init(modelDirectory: String, task: ClassificationTask, optimizer: OptimizerConfiguration, threads: Int,
                dropout: Bool = true, initSeed: UInt64 = 42, encoderOptions: BertEncoder.Options = BertEncoder.Options(),
                groupsByLength: Bool = true) throws {
        try Self.validate(task)
        let weightsPath = modelDirectory + "/model.safetensors"
        let file = try SafetensorsFile(contentsOf: weightsPath)
        guard file.tensors["pooler.dense.weight"] != nil || file.tensors["bert.pooler.dense.weight"] != nil else {
            throw NativeEncoderError.missingPooler(path: weightsPath)
        }
        let encoder = try BertEncoder(directory: modelDirectory, threads: threads, options: encoderOptions)
        let config = try HeadSettings(contentsOf: modelDirectory + "/config.json", encoder: encoder.configuration)
        let labels = task.labelCount, h = encoder.configuration.hiddenSize
        let head = FloatArena(count: labels * h + labels)
        var loaded = false
        if let w = file.tensors["classifier.weight"], w.shape == [labels, h], w.dtype != .i32, w.dtype != .i64,
            let b = file.tensors["classifier.bias"], b.shape == [labels], b.dtype != .i32, b.dtype != .i64 {
            try file.copyFloats("classifier.weight", into: UnsafeMutableBufferPointer(start: head.base, count: labels * h))
            try file.copyFloats("classifier.bias", into: UnsafeMutableBufferPointer(start: head.base + labels * h, count: labels))
            loaded = true
        } else {
            var rng = SplitMix64(seed: initSeed)
            for i in 0..<(labels * h) { head.base[i] = Float(Self.normal(&rng) * Double(config.initializerRange)) }
        }
        self.task = task
        self.optimizerConfiguration = optimizer
        self.dropout = dropout
        self.groupsByLength = groupsByLength
        self.headWasLoaded = loaded
        self.headDropout = config.classifierDropout
        self.modelDirectory = modelDirectory
        self.encoder = encoder
        self.head = head
        self.headGradients = FloatArena(count: labels * h + labels)
        let names = encoder.layout.entries.map { "bert." + $0.name } + ["classifier.weight", "classifier.bias"]
        let g = encoder.gradients, hg = headGradients
        let tensors = zip(names, encoder.layout.entries).map { name, e in (name, encoder.parameters[e.offset], g[e.offset], e.count) }
            + [("classifier.weight", head.base, hg.base, labels * h), ("classifier.bias", head.base + labels * h, hg.base + labels * h, labels)]
        self.optimizer = try AdamW(tensors: tensors, configuration: optimizer, groups: optimizer.parameterGroups(names: names))
    }

    /// Longest sequence the model accepts (`max_position_embeddings`).
    public var maxSequenceLength: Int { encoder.configuration.maxPositions }

    /// Hugging Face names of every trained parameter: the encoder's with `bert.`, then `classifier.weight` and
    /// `classifier.bias` (the names of the exported model.safetensors).
    public var parameterNames: [String] { optimizer.tensors.map(\.name) }

    /// The encoder's hyper-parameters.
    public var configuration: BertConfiguration { encoder.configuration }

    /// How the encoder runs (`BertEncoder.Options`), as given to `init`.
    public var encoderOptions: BertEncoder.Options { encoder.options }

    /// Seconds spent per phase when `encoderOptions.profiling` is on (as `BertEncoder.profile`): the encoder's
    /// phases, and gradient accumulation's added pass `accumulation.add`, clipping's `gradients.norm` and
    /// `gradients.scale`.
    public var profile: [String: Double] { encoder.profile }

    /// Forgets the phase times gathered so far (`BertEncoder.resetProfile()`).
    public func resetProfile() { encoder.resetProfile() }

    /// Updates applied so far (restored by `loadState`).
    public var step: Int { optimizer.step }

    /// Adds the gradients of `batch`'s loss times `lossScale` to the gradient buffers and returns the batch's mean
    /// loss (unscaled): cross-entropy (single-label) or binary cross-entropy with logits (multi-label), with the
    /// task's class weights. Dropout (unless `dropout` is false) uses masks derived from `dropoutSeed`.
    /// - Throws: `NativeEncoderError.invalidBatch` or `.invalidTrainingInput` for a batch that does not fit.
    ///
    /// With `groupsByLength` (the default) a batch of sequences of mixed lengths runs as a few groups of similar
    /// length, each padded only to its own longest (`lengthGroups`), whose gradients add up to the whole batch's
    /// (each group's loss weighted by its share of the batch's loss normalizer); the result equals the ungrouped
    /// pass up to rounding, with dropout masks drawn per group from `dropoutSeed`.
    public func accumulateGradients(for batch: TrainingBatch, lossScale: Float, dropoutSeed: UInt64) throws -> Double {
        guard lossScale.isFinite else { throw NativeEncoderError.invalidTrainingInput(reason: "loss scale \(lossScale) is not finite") }
        guard !encoder.options.inferenceOnly else {
            throw NativeEncoderError.invalidTrainingInput(reason: "the trainer was made with encoderOptions.inferenceOnly; it predicts but cannot train")
        }
        // The whole batch is checked before any group runs: a bad id in a later group (or in padding a group
        // cuts off) must refuse the batch as the ungrouped pass does, not leave the earlier groups' gradients.
        try encoder.check(try encoderBatch(batch))
        try checkTargets(batch)
        guard groupsByLength, let plan = lossGroups(batch) else {
            return try accumulateGroup(batch, lossScale: lossScale, dropoutSeed: dropoutSeed)
        }
        var loss = 0.0
        for (g, group) in plan.enumerated() where group.share > 0 {
            var mixer = SplitMix64(seed: dropoutSeed &+ UInt64(g) &* 0x9E37_79B9_7F4A_7C15)
            let seed = g == 0 ? dropoutSeed : mixer.next()
            let part = Self.subset(batch, group.members, length: group.length)
            loss += group.share * (try accumulateGroup(part, lossScale: lossScale * Float(group.share), dropoutSeed: seed))
        }
        return loss
    }

    /// One forward and backward pass over `batch` as it is, its gradients added to the buffers.
    private func accumulateGroup(_ batch: TrainingBatch, lossScale: Float, dropoutSeed: UInt64) throws -> Double {
        let input = try encoderBatch(batch)
        try encoder.forward(input, training: dropout, dropoutSeed: dropoutSeed, pooledOnly: true)
        let pooled = encoder.pooledOutput()
        let rate = dropout ? headDropout : 0, siteSeed = encoder.seed(site: Self.headDropoutSite)
        let dropped = Self.dropout(pooled, rate: rate, seed: siteSeed)
        let logits = headLogits(dropped, batchSize: batch.batchSize)
        let (loss, dLogits) = try self.loss(logits: logits, targets: batch.targets, scale: lossScale)
        let dDropped = headBackward(dLogits: dLogits, input: dropped, batchSize: batch.batchSize)
        let dPooled = Self.dropout(dDropped, rate: rate, seed: siteSeed)  // the same mask and scale: its derivative
        if pendingBatches == 0 {
            try encoder.backward(hiddenGradient: nil, pooledGradient: dPooled)
        } else {
            let scratch = scratch ?? GradientScratch(count: encoder.parameterCount)
            self.scratch = scratch
            try encoder.backwardAdding(pooledGradient: dPooled, scratch: scratch)
        }
        pendingBatches += 1
        return loss
    }

    /// The global L2 norm of the accumulated gradients (encoder and head); when it exceeds `maxNorm`, every
    /// gradient is multiplied by `maxNorm / (norm + 1e-6)` (PyTorch `torch.nn.utils.clip_grad_norm_`, in float32 as
    /// PyTorch does: it scales whenever that factor is below 1). Returns the norm before clipping.
    public func clipGradientNorm(maxNorm: Float) -> Double {
        guard pendingBatches > 0 else { return 0 }
        let headCount = head.count
        let squared = encoder.gradientSquaredNorm() + BertEncoder.sumOfSquares(headGradients.base, headCount)
        let norm = squared.squareRoot()
        let factor = maxNorm / (Float(norm) + 1e-6)
        if factor < 1 {
            encoder.scaleGradients(by: factor)
            BertEncoder.scale(headGradients.base, headCount, factor)
        }
        return norm
    }

    /// One AdamW step at `learningRate` over the encoder and the head (weight decay by parameter group), then
    /// zeroed gradients. Without accumulated gradients, the step sees zero gradients (moments decay, weights decay).
    /// - Throws: `NativeEncoderError.invalidTrainingInput` for a negative or non-finite rate.
    public func applyUpdate(learningRate: Float) throws {
        guard learningRate.isFinite, learningRate >= 0 else {
            throw NativeEncoderError.invalidTrainingInput(reason: "learning rate \(learningRate) must be finite and not negative")
        }
        if pendingBatches == 0 { encoder.gradients.zero() }
        optimizer.update(learningRate: learningRate, workers: encoder)
        headGradients.zero()
        pendingBatches = 0
    }

    /// Evaluation-mode logits (no dropout), `batch.batchSize x task.labelCount`, row-major. Targets are ignored.
    /// Runs on the encoder's inference-only plan (about `layerCount` times less activation memory than training's;
    /// the next training batch lays its plan out again in the same arena when it fits). Accumulated gradients stay.
    /// - Throws: `NativeEncoderError.invalidBatch` for a batch the model cannot take.
    public func logits(for batch: TrainingBatch) throws -> [Float] {
        let input = try encoderBatch(batch)
        try encoder.forward(input, training: false, dropoutSeed: 0, pooledOnly: true, forBackward: false)
        return headLogits(encoder.pooledOutput(), batchSize: batch.batchSize)
    }

    /// A copy of parameter `name` (a name of `parameterNames`), or nil if there is none.
    public func parameter(named name: String) -> [Float]? {
        optimizer.tensors.first { $0.name == name }.map { Array(UnsafeBufferPointer(start: $0.parameters, count: $0.count)) }
    }

    /// A copy of the accumulated gradient of parameter `name` (zeros after `applyUpdate`), or nil if there is none.
    public func gradient(named name: String) -> [Float]? {
        guard let t = optimizer.tensors.first(where: { $0.name == name }) else { return nil }
        guard pendingBatches > 0 else { return [Float](repeating: 0, count: t.count) }
        return Array(UnsafeBufferPointer(start: t.gradients, count: t.count))
    }

    /// Replaces the head's values (tests start from a head recorded by a reference run).
    func setHead(weight: [Float], bias: [Float]) {
        let n = task.labelCount, h = encoder.configuration.hiddenSize
        precondition(weight.count == n * h && bias.count == n, "head sizes must match the task and model")
        head.base.update(from: weight, count: n * h)
        (head.base + n * h).update(from: bias, count: n)
    }

    /// The encoder's input from a training batch (sizes and mask checked there).
    private func encoderBatch(_ batch: TrainingBatch) throws -> EncoderBatch {
        try EncoderBatch(batchSize: batch.batchSize, sequenceLength: batch.sequenceLength, tokenIDs: batch.tokenIDs,
                         tokenTypeIDs: batch.tokenTypeIDs, attentionMask: batch.attentionMask)
    }

    /// A standard normal draw (Box-Muller over two 53-bit uniforms in (0, 1]).
    static func normal(_ rng: inout SplitMix64) -> Double {
        let u1 = (Double(rng.next() >> 11) + 1) * 0x1p-53, u2 = Double(rng.next() >> 11) * 0x1p-53
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}

/// What the head reads from config.json beyond `BertConfiguration`.
struct HeadSettings {
    /// `classifier_dropout`, or `hidden_dropout_prob` when it is null or absent.
    var classifierDropout: Float
    /// `initializer_range` (0.02 when absent): the standard deviation of a new head's weights.
    var initializerRange: Float
    /// The whole config.json object, exported with the model.
    var json: [String: Any]

    init(contentsOf path: String, encoder: BertConfiguration) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw NativeEncoderError.unreadableFile(path: path, reason: error.localizedDescription)
        }
        let json: [String: Any]
        do { json = try JSONValue.parseObject(data) } catch {
            throw NativeEncoderError.invalidConfiguration(path: path, reason: error.reason)
        }
        self.json = json
        classifierDropout = encoder.hiddenDropout
        if let raw = json["classifier_dropout"], !(raw is NSNull) {
            guard let n = raw as? NSNumber, n.doubleValue >= 0, n.doubleValue < 1 else {
                throw NativeEncoderError.invalidConfiguration(path: path, reason: "classifier_dropout must be null or a number in [0, 1)")
            }
            classifierDropout = n.floatValue
        }
        initializerRange = 0.02
        if let raw = json["initializer_range"] {
            guard let n = raw as? NSNumber, n.doubleValue > 0, n.doubleValue.isFinite else {
                throw NativeEncoderError.invalidConfiguration(path: path, reason: "initializer_range must be a positive number")
            }
            initializerRange = n.floatValue
        }
    }
}
