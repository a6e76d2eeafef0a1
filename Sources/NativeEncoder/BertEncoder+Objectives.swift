extension BertEncoder {
    /// Mean squared error between the last pooler output and `target` ([batch, hidden]), the loss
    /// `bertkit benchmark-train` uses (PyTorch: `F.mse_loss(pooled, target)`), with its gradient.
    public func pooledMSE(target: [Float]) throws -> (loss: Double, gradient: [Float]) {
        let pooled = pooledOutput()
        guard !pooled.isEmpty, pooled.count == target.count else {
            throw NativeEncoderError.invalidBatch(reason: "target has \(target.count) values, pooled output \(pooled.count)")
        }
        let n = Float(pooled.count)
        var loss = 0.0
        var gradient = [Float](repeating: 0, count: pooled.count)
        for i in 0..<pooled.count {
            let d = pooled[i] - target[i]
            loss += Double(d * d)
            gradient[i] = 2 * d / n
        }
        return (loss / Double(n), gradient)
    }

    /// Matrix-multiply FLOPs of one forward pass at this shape (QKV, attention, output, feed-forward and
    /// pooler GEMMs; elementwise work not counted). A training step is counted as 3x this.
    public func forwardMatmulFLOPs(batchSize: Int, sequenceLength: Int) -> Double {
        let c = configuration
        let t = Double(batchSize * sequenceLength), h = Double(c.hiddenSize), i = Double(c.intermediateSize)
        let s = Double(sequenceLength), heads = Double(c.headCount), dh = Double(c.headSize)
        let perLayer = 2 * t * h * 3 * h + 2 * 2 * Double(batchSize) * heads * s * s * dh + 2 * t * h * h + 2 * 2 * t * h * i
        return Double(c.layerCount) * perLayer + 2 * Double(batchSize) * h * h
    }

    /// Matrix-multiply FLOPs one training step executes (forward + backward, backward = 2x forward per GEMM).
    /// With `pooledOnly` the last layer runs on the [CLS] rows, its attention in input space without key and value
    /// projections, so fewer FLOPs are executed than the model's nominal 3 x forward.
    public func trainingStepFLOPs(batchSize: Int, sequenceLength: Int, pooledOnly: Bool) -> Double {
        let nominal = 3 * forwardMatmulFLOPs(batchSize: batchSize, sequenceLength: sequenceLength)
        guard pooledOnly, configuration.layerCount > 0 else { return nominal }
        let c = configuration
        let t = Double(batchSize * sequenceLength), b = Double(batchSize), h = Double(c.hiddenSize)
        let i = Double(c.intermediateSize), s = Double(sequenceLength), heads = Double(c.headCount), dh = Double(c.headSize)
        let fullLayer = 2 * t * h * 3 * h + 2 * 2 * b * heads * s * s * dh + 2 * t * h * h + 2 * 2 * t * h * i
        // Pooled-only last layer (BertEncoder+PooledAttention.swift, PooledForward/PooledBackward), per product:
        // forward: q, u, scores, y, context, output dense (b h h, b h h, b heads s h, b heads s h, b h h, b h h)
        // and the feed-forward (2 b h i); backward: the dense blocks twice, values (dW_v, dy), u and y again, dd,
        // du, two dx products, keys (dW_k, dq), queries (dW_q, dx).
        let forwardLast = 2 * (4 * b * h * h + 2 * b * heads * s * h + 2 * b * h * i)
        let backwardLast = 2 * (9 * b * h * h + 4 * b * h * i + 5 * b * heads * s * h)
        return nominal - 3 * fullLayer + forwardLast + backwardLast
    }

    /// Measures sgemm GFLOP/s at an [m x k] x [k x n] shape split over `threads` (as the encoder splits
    /// its GEMMs): the best of `repeats` runs. A reference for the encoder's achieved throughput.
    /// - Throws: `NativeEncoderError.blasUnavailable` when OpenBLAS cannot be loaded.
    public static func measureSGEMM(m: Int, n: Int, k: Int, threads: Int, repeats: Int = 5) throws -> Double {
        try BLAS.load()
        let probe = BertEncoder(configuration: BertConfiguration(vocabularySize: 1, hiddenSize: 1, layerCount: 0, headCount: 1,
                                                                 intermediateSize: 1, maxPositions: 1), threads: threads)
        let a = FloatArena(count: m * k), b = FloatArena(count: k * n), c = FloatArena(count: m * n)
        for i in 0..<(m * k) { a.base[i] = Float(i % 7) * 0.1 }
        for i in 0..<(k * n) { b.base[i] = Float(i % 5) * 0.1 }
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            probe.gemm(transB: true, m: m, n: n, k: k, a: a.base, lda: k, b: b.base, ldb: k, c: c.base, ldc: n)
            let d = ContinuousClock.now - start
            best = min(best, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
        }
        return 2 * Double(m) * Double(n) * Double(k) / best / 1e9
    }
}
