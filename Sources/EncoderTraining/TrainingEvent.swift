/// One line of the metrics log (`MetricsLog`): an optimizer step, an evaluation or a checkpoint.
///
/// JSON, one object a line, `event` first:
/// ```
/// {"event":"train","epoch":1,"step":10,"loss":0.69,"learning_rate":5e-05,"grad_norm":1.2,"examples_per_second":41.5}
/// {"event":"eval","epoch":1,"step":120,"accuracy":0.81,"macro_f1":0.8,"per_class":{…},"confusion_matrix":[…],…}
/// {"event":"checkpoint","epoch":1,"step":120,"path":"checkpoint-120","best":true,"metric":"macro_f1","value":0.8}
/// ```
/// An eval line holds the `ClassificationMetrics` JSON inline. Non-finite numbers (a diverged loss) are written
/// as the strings "NaN", "Infinity", "-Infinity".
public enum TrainingEvent: Sendable, Equatable, Codable {
    /// One optimizer update.
    case train(Step)
    /// One evaluation on the eval set.
    case eval(Evaluation)
    /// A checkpoint written.
    case checkpoint(Checkpoint)

    /// What one optimizer update measured.
    public struct Step: Sendable, Equatable {
        /// Epoch the update belongs to (1-based).
        public var epoch: Int
        /// Optimizer updates done, this one included (1-based).
        public var step: Int
        /// Mean training loss of the update's batches.
        public var loss: Double
        /// Learning rate the update used.
        public var learningRate: Double
        /// Global gradient norm before clipping.
        public var gradNorm: Double
        /// Training throughput of the update.
        public var examplesPerSecond: Double

        /// Creates a record.
        public init(epoch: Int, step: Int, loss: Double, learningRate: Double, gradNorm: Double, examplesPerSecond: Double) {
            self.epoch = epoch
            self.step = step
            self.loss = loss
            self.learningRate = learningRate
            self.gradNorm = gradNorm
            self.examplesPerSecond = examplesPerSecond
        }
    }

    /// An evaluation after `step` updates.
    public struct Evaluation: Sendable, Equatable {
        /// Epoch of the evaluation (1-based).
        public var epoch: Int
        /// Optimizer updates done when it ran.
        public var step: Int
        /// Its metrics (`loss` is the mean eval loss).
        public var metrics: ClassificationMetrics

        /// Creates a record.
        public init(epoch: Int, step: Int, metrics: ClassificationMetrics) {
            self.epoch = epoch
            self.step = step
            self.metrics = metrics
        }
    }

    /// A checkpoint saved after `step` updates.
    public struct Checkpoint: Sendable, Equatable {
        /// Epoch of the checkpoint (1-based).
        public var epoch: Int
        /// Optimizer updates done when it was saved.
        public var step: Int
        /// Its folder, as the loop names it (relative to the output folder).
        public var path: String
        /// Whether it is the best so far by `metric`.
        public var isBest: Bool
        /// Name of the metric that ranks checkpoints (`macro_f1`, `accuracy`, `loss`), if any.
        public var metric: String?
        /// That metric's value at this checkpoint.
        public var value: Double?

        /// Creates a record.
        public init(epoch: Int, step: Int, path: String, isBest: Bool = false, metric: String? = nil, value: Double? = nil) {
            self.epoch = epoch
            self.step = step
            self.path = path
            self.isBest = isBest
            self.metric = metric
            self.value = value
        }
    }

    /// The optimizer step the event belongs to.
    public var step: Int {
        switch self {
        case .train(let record): record.step
        case .eval(let record): record.step
        case .checkpoint(let record): record.step
        }
    }

    enum CodingKeys: String, CodingKey {
        case event, epoch, step, loss, path, metric, value
        case learningRate = "learning_rate"
        case gradNorm = "grad_norm"
        case examplesPerSecond = "examples_per_second"
        case isBest = "best"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .train(let r):
            try container.encode("train", forKey: .event)
            try container.encode(r.epoch, forKey: .epoch)
            try container.encode(r.step, forKey: .step)
            try container.encode(r.loss, forKey: .loss)
            try container.encode(r.learningRate, forKey: .learningRate)
            try container.encode(r.gradNorm, forKey: .gradNorm)
            try container.encode(r.examplesPerSecond, forKey: .examplesPerSecond)
        case .eval(let r):
            try container.encode("eval", forKey: .event)
            try container.encode(r.epoch, forKey: .epoch)
            try container.encode(r.step, forKey: .step)
            try r.metrics.encode(to: encoder)  // the metrics' keys join this object
        case .checkpoint(let r):
            try container.encode("checkpoint", forKey: .event)
            try container.encode(r.epoch, forKey: .epoch)
            try container.encode(r.step, forKey: .step)
            try container.encode(r.path, forKey: .path)
            try container.encode(r.isBest, forKey: .isBest)
            try container.encodeIfPresent(r.metric, forKey: .metric)
            try container.encodeIfPresent(r.value, forKey: .value)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let epoch = try c.decode(Int.self, forKey: .epoch), step = try c.decode(Int.self, forKey: .step)
        switch try c.decode(String.self, forKey: .event) {
        case "train":
            self = .train(Step(
                epoch: epoch, step: step, loss: try c.decode(Double.self, forKey: .loss),
                learningRate: try c.decode(Double.self, forKey: .learningRate),
                gradNorm: try c.decode(Double.self, forKey: .gradNorm),
                examplesPerSecond: try c.decode(Double.self, forKey: .examplesPerSecond)))
        case "eval":
            self = .eval(Evaluation(epoch: epoch, step: step, metrics: try ClassificationMetrics(from: decoder)))
        case "checkpoint":
            self = .checkpoint(Checkpoint(
                epoch: epoch, step: step, path: try c.decode(String.self, forKey: .path),
                isBest: try c.decode(Bool.self, forKey: .isBest), metric: try c.decodeIfPresent(String.self, forKey: .metric),
                value: try c.decodeIfPresent(Double.self, forKey: .value)))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .event, in: c, debugDescription: "unknown event '\(other)' (expected train, eval or checkpoint)")
        }
    }
}

extension TrainingEvent {
    /// The event as one line of the metrics log (no newline), `event` first; see `TrainingEvent`.
    public var jsonText: String {
        var members: [(String, JSONText)]
        switch self {
        case .train(let r):
            members = [("event", .string("train")), ("epoch", .int(r.epoch)), ("step", .int(r.step)), ("loss", .double(r.loss)),
                       ("learning_rate", .double(r.learningRate)), ("grad_norm", .double(r.gradNorm)),
                       ("examples_per_second", .double(r.examplesPerSecond))]
        case .eval(let r):
            members = [("event", .string("eval")), ("epoch", .int(r.epoch)), ("step", .int(r.step))] + r.metrics.jsonMembers
        case .checkpoint(let r):
            members = [("event", .string("checkpoint")), ("epoch", .int(r.epoch)), ("step", .int(r.step)),
                       ("path", .string(r.path)), ("best", .bool(r.isBest))]
            if let metric = r.metric { members.append(("metric", .string(metric))) }
            if let value = r.value { members.append(("value", .double(value))) }
        }
        return JSONText.object(members).serialized
    }
}
