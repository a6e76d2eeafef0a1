/// AdamW settings and the parameter groups they apply to, independent of any backend.
///
/// Two presets: `.bert` is Google's BERT fine-tuning recipe (google-research/bert `optimization.py`: Adam
/// epsilon 1e-6, weight decay 0.01 except LayerNorm weights and biases); `.hf` is Hugging Face `Trainer`'s
/// (transformers `TrainingArguments`: epsilon 1e-8, weight decay 0 unless set, same exemptions, from
/// `Trainer.get_decay_parameter_names`). Both use beta 0.9 / 0.999 and PyTorch's AdamW update with bias
/// correction (Google's `AdamWeightDecayOptimizer` has none; we follow PyTorch, which the references run).
public struct OptimizerConfiguration: Sendable, Equatable, Codable {
    /// Named presets.
    public enum Preset: String, Sendable, Codable, CaseIterable {
        /// Google BERT: epsilon 1e-6, weight decay 0.01.
        case bert
        /// Hugging Face Trainer: epsilon 1e-8, weight decay 0.
        case hf
    }

    /// Peak learning rate (the schedule scales it).
    public var learningRate: Float
    /// First-moment decay.
    public var beta1: Float = 0.9
    /// Second-moment decay.
    public var beta2: Float = 0.999
    /// Denominator epsilon.
    public var epsilon: Float
    /// Decoupled weight decay of the decayed group.
    public var weightDecay: Float

    /// Creates the settings of `preset` at `learningRate`.
    public init(preset: Preset, learningRate: Float) {
        self.learningRate = learningRate
        switch preset {
        case .bert: epsilon = 1e-6; weightDecay = 0.01
        case .hf: epsilon = 1e-8; weightDecay = 0
        }
    }

    /// Splits `names` into the decayed group and the group without decay (biases, LayerNorm weights).
    public func parameterGroups(names: [String]) -> [ParameterGroup] {
        var decay: [String] = [], noDecay: [String] = []
        for name in names {
            if ParameterGroup.isExemptFromDecay(name) { noDecay.append(name) } else { decay.append(name) }
        }
        return [ParameterGroup(name: "decay", weightDecay: weightDecay, parameterNames: decay),
                ParameterGroup(name: "no_decay", weightDecay: 0, parameterNames: noDecay)]
    }
}

/// Parameters that share optimizer settings (today: their weight decay).
public struct ParameterGroup: Sendable, Equatable, Codable {
    /// Group name (`decay`, `no_decay`).
    public var name: String
    /// Decoupled weight decay applied to the group.
    public var weightDecay: Float
    /// Hugging Face parameter names in the group.
    public var parameterNames: [String]

    /// Creates a group.
    public init(name: String, weightDecay: Float, parameterNames: [String]) {
        self.name = name
        self.weightDecay = weightDecay
        self.parameterNames = parameterNames
    }

    /// Biases and LayerNorm weights get no weight decay (BERT and HF Trainer alike).
    public static func isExemptFromDecay(_ name: String) -> Bool {
        name.hasSuffix(".bias") || name.contains("LayerNorm.")
    }
}
