import CEncoderKernels

/// AdamW over every parameter of a `BertEncoder` (decoupled weight decay), with PyTorch's
/// `torch.optim.AdamW` formula (pytorch/pytorch `torch/optim/adamw.py`, single-tensor path):
/// p *= 1 - lr wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
/// p -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps).
/// Weight decay applies to all parameters, as `AdamW(model.parameters())` does, unless `decayExemption` is
/// `.biasesAndLayerNorms`: then biases and LayerNorm weights are not decayed, as Hugging Face's `Trainer` sets up
/// its optimizer (transformers `Trainer.get_decay_parameter_names`).
public final class AdamW {
    /// Optimizer settings; defaults are PyTorch's except the learning rate.
    public struct Configuration: Sendable {
        /// Step size (default 2e-5, a BERT fine-tuning rate).
        public var learningRate: Float = 2e-5
        /// First-moment decay (0.9).
        public var beta1: Float = 0.9
        /// Second-moment decay (0.999).
        public var beta2: Float = 0.999
        /// Denominator epsilon (1e-8, PyTorch's default; the BERT paper used 1e-6).
        public var epsilon: Float = 1e-8
        /// Decoupled weight decay (0.01, PyTorch's default).
        public var weightDecay: Float = 0.01
        /// Parameters that get no weight decay (default: none).
        public var decayExemption: DecayExemption = .none
        /// Creates the default configuration.
        public init() {}
    }

    /// Which parameters weight decay skips.
    public enum DecayExemption: Sendable {
        /// Every parameter is decayed (PyTorch `AdamW(model.parameters())`).
        case none
        /// Biases and LayerNorm weights are not decayed (Hugging Face `Trainer`).
        case biasesAndLayerNorms
    }

    /// Settings in use.
    public var configuration: Configuration
    /// Updates applied so far.
    public private(set) var step = 0
    private let m: FloatArena, v: FloatArena

    /// Creates zeroed moments for `encoder`'s parameters.
    public init(for encoder: BertEncoder, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        m = FloatArena(count: encoder.parameterCount)
        v = FloatArena(count: encoder.parameterCount)
    }

    /// Applies one update from the encoder's current gradients, split over its worker threads.
    public func update(_ encoder: BertEncoder) {
        precondition(m.count == max(encoder.parameterCount, 1), "optimizer built for another encoder")
        step += 1
        let c = configuration
        let bc1 = 1 - Float(Double(c.beta1).pow(step)), bc2 = 1 - Float(Double(c.beta2).pow(step))
        let p = encoder.parameters, g = encoder.gradients, m = m, v = v
        // Tensors in arena order with their decay; each worker's range is cut at tensor boundaries.
        let spans = encoder.layout.entries.map { entry in
            (entry.offset, entry.offset + entry.count, Self.isExempt(entry.name, c.decayExemption) ? Float(0) : c.weightDecay)
        }
        encoder.parallelRanges(encoder.parameterCount, align: 1024) { _, r in
            for (start, end, decay) in spans where start < r.upperBound && end > r.lowerBound {
                let o = max(start, r.lowerBound), n = min(end, r.upperBound) - o
                bk_adamw(p[o], g[o], m[o], v[o], n, c.learningRate, c.beta1, c.beta2, c.epsilon, decay, bc1, bc2)
            }
        }
    }
}

extension AdamW {
    /// Whether parameter `name` (Hugging Face name) skips weight decay under `rule`.
    static func isExempt(_ name: String, _ rule: DecayExemption) -> Bool {
        switch rule {
        case .none: return false
        case .biasesAndLayerNorms: return name.hasSuffix(".bias") || name.contains("LayerNorm.")
        }
    }
}

extension Double {
    fileprivate func pow(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= self }
        return result
    }
}
