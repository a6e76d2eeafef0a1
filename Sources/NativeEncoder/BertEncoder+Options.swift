extension BertEncoder {
    /// How an encoder runs, fixed when it is made: the plan its forward passes lay out, the path of its
    /// pooled-only backward and whether it times its phases. None of them changes a result beyond rounding
    /// (`sparsePooledBackward`) or at all (the others).
    ///
    /// ```swift
    /// let embedder = try BertEncoder(directory: ".assets/minilm", threads: 2, options: .init(inferenceOnly: true))
    /// ```
    public struct Options: Sendable, Equatable {
        /// When true (default), a backward without a hidden-state gradient runs the last layer on the [CLS] rows
        /// only (`backLastLayerPooledOnly`); false forces the dense path (same results up to rounding).
        public var sparsePooledBackward: Bool
        /// When true, forward passes keep nothing for a backward pass (inference: `bertkit embed`): one set of
        /// layer buffers serves every layer, a plan about `layerCount` times smaller; `backward` then throws.
        /// Default false.
        public var inferenceOnly: Bool
        /// When true, forward and backward passes add the wall time of each phase to `profile` (seconds by phase
        /// name). Default false.
        public var profiling: Bool

        /// Options with the defaults named on each property: training plan, sparse pooled backward, no profile.
        public init(sparsePooledBackward: Bool = true, inferenceOnly: Bool = false, profiling: Bool = false) {
            self.sparsePooledBackward = sparsePooledBackward
            self.inferenceOnly = inferenceOnly
            self.profiling = profiling
        }
    }

    /// Forgets the phase times gathered so far (`profile` starts again from empty), e.g. after a warm-up step.
    public func resetProfile() {
        profile = [:]
    }
}
