import CEncoderKernels
import EncoderTraining

/// AdamW (decoupled weight decay) with PyTorch's `torch.optim.AdamW` formula (pytorch/pytorch
/// `torch/optim/adamw.py`, single-tensor path):
/// p *= 1 - lr wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
/// p -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps).
///
/// The betas and epsilon come from an `OptimizerConfiguration`; each parameter's weight decay from the
/// `ParameterGroup` that names it (`OptimizerConfiguration.parameterGroups(names:)` exempts biases and LayerNorm
/// weights, as BERT and Hugging Face's `Trainer` do; one group naming everything decays everything, as
/// `AdamW(model.parameters())` does). The learning rate is passed to each update, so a schedule drives it.
///
/// ```swift
/// let settings = OptimizerConfiguration(preset: .bert, learningRate: 5e-5)
/// let optimizer = try AdamW(for: encoder, configuration: settings,
///                           groups: settings.parameterGroups(names: encoder.layout.entries.map(\.name)))
/// optimizer.update(encoder, learningRate: schedule.learningRate(atStep: optimizer.step))
/// ```
public final class AdamW {
    /// One tensor the optimizer updates: where its values and gradients live, its slice of the moment arenas.
    struct Tensor {
        let name: String
        let parameters: UnsafeMutablePointer<Float>
        let gradients: UnsafeMutablePointer<Float>
        let count: Int
        let momentOffset: Int
        let weightDecay: Float
    }

    /// Betas and epsilon in use (its `learningRate` is not read: each update takes its own).
    public let configuration: OptimizerConfiguration
    /// Updates applied so far (the bias corrections use it).
    public internal(set) var step = 0
    let tensors: [Tensor]
    /// First and second moments, the tensors one after another in `tensors` order.
    let m: FloatArena, v: FloatArena

    /// Creates zeroed moments for every parameter of `encoder`; `groups` (names as in `encoder.layout`) give
    /// each its weight decay.
    /// - Throws: `NativeEncoderError.invalidParameterGroups` when a parameter is in no group or in two, or a group
    ///   names a parameter the encoder does not have.
    public convenience init(for encoder: BertEncoder, configuration: OptimizerConfiguration, groups: [ParameterGroup]) throws {
        let g = encoder.gradients
        try self.init(
            tensors: encoder.layout.entries.map { ($0.name, encoder.parameters[$0.offset], g[$0.offset], $0.count) },
            configuration: configuration, groups: groups)
    }

    /// Creates zeroed moments for `tensors` (name, values, gradients, element count), pointers that stay valid
    /// for the optimizer's life.
    init(tensors list: [(String, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int)],
         configuration: OptimizerConfiguration, groups: [ParameterGroup]) throws {
        var decay: [String: Float] = [:]
        for group in groups {
            for name in group.parameterNames {
                guard decay.updateValue(group.weightDecay, forKey: name) == nil else {
                    throw NativeEncoderError.invalidParameterGroups(reason: "\(name) is in two parameter groups")
                }
            }
        }
        var tensors: [Tensor] = [], offset = 0
        for (name, p, g, count) in list {
            guard let wd = decay.removeValue(forKey: name) else {
                throw NativeEncoderError.invalidParameterGroups(reason: "\(name) is in no parameter group")
            }
            tensors.append(Tensor(name: name, parameters: p, gradients: g, count: count, momentOffset: offset, weightDecay: wd))
            offset += count
        }
        if let unknown = decay.keys.sorted().first {
            throw NativeEncoderError.invalidParameterGroups(reason: "a group names \(unknown), which the model does not have")
        }
        self.configuration = configuration
        self.tensors = tensors
        m = FloatArena(count: offset)
        v = FloatArena(count: offset)
    }

    /// Number of optimized values (the moment arenas' size).
    var valueCount: Int { tensors.last.map { $0.momentOffset + $0.count } ?? 0 }

    /// Applies one update at `learningRate` from `encoder`'s current gradients (the optimizer must have been
    /// created for it), split over its worker threads.
    public func update(_ encoder: BertEncoder, learningRate: Float) {
        precondition(tensors.first?.parameters == encoder.parameters.base, "optimizer built for another encoder")
        update(learningRate: learningRate, workers: encoder)
    }

    /// Applies one update at `learningRate` to every tensor, with `workers`' threads. Elementwise, so the result
    /// does not depend on how the range is split.
    func update(learningRate lr: Float, workers: BertEncoder) {
        step += 1
        let c = configuration
        let bc1 = 1 - Float(Double(c.beta1).pow(step)), bc2 = 1 - Float(Double(c.beta2).pow(step))
        let m = m, v = v, tensors = tensors
        // Each worker's range of the moment arenas is cut at tensor boundaries.
        workers.parallelRanges(valueCount, align: 1024) { _, r in
            for t in tensors where t.momentOffset < r.upperBound && t.momentOffset + t.count > r.lowerBound {
                let o = max(t.momentOffset, r.lowerBound), n = min(t.momentOffset + t.count, r.upperBound) - o
                let local = o - t.momentOffset
                bk_adamw(t.parameters + local, t.gradients + local, m[o], v[o], n, lr, c.beta1, c.beta2, c.epsilon,
                         t.weightDecay, bc1, bc2)
            }
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
