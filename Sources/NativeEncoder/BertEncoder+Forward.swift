import CEncoderKernels

extension BertEncoder {
    /// Additive bias for padded keys. Hugging Face adds the dtype's minimum; any value that makes exp()
    /// underflow to 0 gives the same probabilities, and a finite one keeps fully padded rows finite.
    static let maskedKeyBias: Float = -1e9

    /// Runs the encoder on `batch`, keeping what the backward pass needs. With `training`, dropout uses the
    /// configuration's rates and a mask derived from `dropoutSeed` (same seed, same masks, any thread count).
    /// - Throws: `NativeEncoderError.invalidBatch` for ids, types or lengths the model cannot take,
    ///   `.blasUnavailable` when OpenBLAS cannot be loaded.
    ///
    /// With `pooledOnly`, the last layer is computed for the [CLS] rows only (plus every token's keys and
    /// values): the pooler output is exact, `lastHiddenState()` and `meanPooled` return nothing, and
    /// `backward` accepts only a pooled gradient. For losses on the pooled output (classification).
    ///
    /// With `options.inferenceOnly`, the pass keeps nothing for a backward pass (see `Options`).
    public func forward(_ batch: EncoderBatch, training: Bool = false, dropoutSeed: UInt64 = 0, pooledOnly: Bool = false) throws {
        try forward(batch, training: training, dropoutSeed: dropoutSeed, pooledOnly: pooledOnly, forBackward: !options.inferenceOnly)
    }

    /// Refuses a batch the model cannot take: longer than its positions, or with a token id or type outside its
    /// vocabularies (padding positions included).
    /// - Throws: `NativeEncoderError.invalidBatch`.
    func check(_ batch: EncoderBatch) throws {
        let c = configuration
        guard batch.sequenceLength <= c.maxPositions else {
            throw NativeEncoderError.invalidBatch(
                reason: "sequence length \(batch.sequenceLength) exceeds the model's \(c.maxPositions) positions")
        }
        if let bad = batch.tokenIDs.first(where: { $0 < 0 || Int($0) >= c.vocabularySize }) {
            throw NativeEncoderError.invalidBatch(reason: "token id \(bad) is outside the vocabulary of \(c.vocabularySize)")
        }
        if let bad = batch.tokenTypeIDs.first(where: { $0 < 0 || Int($0) >= c.typeVocabularySize }) {
            throw NativeEncoderError.invalidBatch(reason: "token type \(bad) is outside 0..<\(c.typeVocabularySize)")
        }
    }

    /// `forward` on the plan asked for: `forBackward` false lays out the inference-only plan whatever the options
    /// say (the classifier trainer's evaluation passes, between training steps of the same encoder).
    func forward(_ batch: EncoderBatch, training: Bool, dropoutSeed: UInt64, pooledOnly: Bool, forBackward: Bool) throws {
        // An encoder made with init(configuration:) has not loaded OpenBLAS yet: report a missing library here
        // (NativeEncoderError.blasUnavailable) instead of aborting in the first matrix product.
        try BLAS.load()
        let c = configuration
        try check(batch)
        if workspace?.batchSize != batch.batchSize || workspace?.sequenceLength != batch.sequenceLength
            || workspace?.forBackward != forBackward {
            // A plan for the new shape reuses the old arena when it is big enough (batches of varying length,
            // as in `bertkit embed`), else the old one is released before the new one is allocated.
            var old = workspace?.arena
            workspace = nil
            workspace = try Workspace(
                c, batchSize: batch.batchSize, sequenceLength: batch.sequenceLength, threads: threads,
                forBackward: forBackward, reusing: &old)
        }
        guard let ws = workspace else { return }
        stepSeed = dropoutSeed
        self.pooledOnly = pooledOnly
        currentTokenIDs = batch.tokenIDs
        currentTokenTypes = batch.tokenTypeIDs
        self.training = training
        batch.tokenIDs.withUnsafeBufferPointer { ids in
            batch.tokenTypeIDs.withUnsafeBufferPointer { types in
                batch.attentionMask.withUnsafeBufferPointer { mask in
                    runForward(ws, ids: ids, types: types, mask: mask)
                }
            }
        }
    }

    /// Runs `forward` with a dropout seed drawn from `generator`.
    public func forward(
        _ batch: EncoderBatch, training: Bool, pooledOnly: Bool = false, using generator: inout some RandomNumberGenerator
    ) throws {
        try forward(batch, training: training, dropoutSeed: generator.next(), pooledOnly: pooledOnly)
    }

    private func runForward(
        _ ws: Workspace, ids: UnsafeBufferPointer<Int32>, types: UnsafeBufferPointer<Int32>,
        mask: UnsafeBufferPointer<Int32>
    ) {
        let c = configuration, lay = layout, p = parameters, a = ws.arena
        let h = c.hiddenSize, inner = c.intermediateSize
        let b = ws.batchSize, s = ws.sequenceLength, t = b * s, eps = c.layerNormEpsilon
        let hiddenP = training ? c.hiddenDropout : 0, attentionP = training ? c.attentionDropout : 0
        for i in 0..<t { a[ws.keyBias][i] = mask[i] == 1 ? 0 : Self.maskedKeyBias }

        // Embeddings: word + position + type, LayerNorm, dropout (site 0).
        let x0 = a[ws.x[0]]
        parallelRanges(t, label: "embeddings") { _, rows in
            for r in rows {
                let dst = x0 + r * h
                let word = p[lay.wordEmbeddings + Int(ids[r]) * h], pos = p[lay.positionEmbeddings + (r % s) * h]
                let type = p[lay.typeEmbeddings + Int(types[r]) * h]
                dst.update(from: word, count: h)
                bk_add(dst, pos, h)
                bk_add(dst, type, h)
            }
            let lo = rows.lowerBound
            bk_bias_dropout_residual_layernorm(
                x0 + lo * h, nil, nil, p[lay.embeddingNormGamma], p[lay.embeddingNormBeta], eps, 0, 0, 0,
                a[ws.embeddingXhat + lo * h], a[ws.embeddingRstd + lo], x0 + lo * h, rows.count, h)
            if hiddenP > 0 { bk_dropout(x0 + lo * h, rows.count * h, hiddenP, seed(site: 0), lo * h) }
        }

        for l in 0..<c.layerCount {
            if pooledOnly && l == c.layerCount - 1 {
                lastLayerPooledOnly(ws)
                break
            }
            let pl = lay.layers[l], wl = ws.layers[l]
            let xin = a[ws.x[l]], qkv = a[wl.qkv], ctx = a[wl.context], h1 = a[wl.h1], out = a[ws.x[l + 1]]
            // Q, K, V with their biases in one GEMM against the adjacent [3H, H] weights.
            gemm(transB: true, m: t, n: 3 * h, k: h, a: xin, lda: h, b: p[pl.qkvWeight], ldb: h, bias: p[pl.qkvBias],
                 c: qkv, ldc: 3 * h)
            // Attention per (sequence, head): scores, masked softmax, dropout (site 1 + 3l), context.
            attentionForward(ws, layer: l, dropout: attentionP)
            // Attention output: dense, bias, dropout (site 2 + 3l), residual, LayerNorm -> h1.
            gemm(transB: true, m: t, n: h, k: h, a: ctx, lda: h, b: p[pl.attentionOutWeight], ldb: h, c: h1, ldc: h)
            let seed2 = seed(site: 2 + 3 * l)
            parallelRanges(t, label: "layernorm") { _, rows in
                let lo = rows.lowerBound
                bk_bias_dropout_residual_layernorm(
                    h1 + lo * h, p[pl.attentionOutBias], xin + lo * h, p[pl.attentionNormGamma],
                    p[pl.attentionNormBeta], eps, hiddenP, seed2, lo * h, a[wl.xhat1 + lo * h], a[wl.rstd1 + lo],
                    h1 + lo * h, rows.count, h)
            }
            // Feed-forward: dense + GELU, dense, bias, dropout (site 3 + 3l), residual, LayerNorm -> x[l+1].
            let pre = a[wl.preGELU], act = a[wl.gelu]
            gemm(transB: true, m: t, n: inner, k: h, a: h1, lda: h, b: p[pl.intermediateWeight], ldb: h,
                 bias: p[pl.intermediateBias], c: pre, ldc: inner)
            parallelRanges(t, label: "gelu") { _, rows in
                let lo = rows.lowerBound
                bk_bias_gelu_forward(pre + lo * inner, nil, act + lo * inner, rows.count, inner)
            }
            gemm(transB: true, m: t, n: h, k: inner, a: act, lda: inner, b: p[pl.outputWeight], ldb: inner, c: out, ldc: h)
            let seed3 = seed(site: 3 + 3 * l)
            parallelRanges(t, label: "layernorm") { _, rows in
                let lo = rows.lowerBound
                bk_bias_dropout_residual_layernorm(
                    out + lo * h, p[pl.outputBias], h1 + lo * h, p[pl.outputNormGamma], p[pl.outputNormBeta], eps,
                    hiddenP, seed3, lo * h, a[wl.xhat2 + lo * h], a[wl.rstd2 + lo], out + lo * h, rows.count, h)
            }
        }
        // Pooler: dense + tanh on each sequence's first token (rows s*h apart).
        BLAS.gemm(
            transA: false, transB: true, m: b, n: h, k: h, a: a[ws.x[c.layerCount]], lda: s * h, b: p[lay.poolerWeight],
            ldb: h, beta: 0, c: a[ws.pooled], ldc: h)
        bk_bias_tanh(a[ws.pooled], p[lay.poolerBias], b, h)
    }

    /// The last forward pass's final hidden states, [batch, sequence, hidden] row-major (empty before one).
    public func lastHiddenState() -> [Float] {
        guard let ws = workspace, !pooledOnly else { return [] }
        return Array(UnsafeBufferPointer(start: ws.arena[ws.x[configuration.layerCount]], count: ws.batchSize * ws.sequenceLength * configuration.hiddenSize))
    }

    /// The last forward pass's pooler output, [batch, hidden] (empty before one).
    public func pooledOutput() -> [Float] {
        guard let ws = workspace else { return [] }
        return Array(UnsafeBufferPointer(start: ws.arena[ws.pooled], count: ws.batchSize * configuration.hiddenSize))
    }

    /// Mean of the final hidden states over each sequence's real tokens (sentence-transformers' mean
    /// pooling), one vector per sequence of `batch` (the batch of the last forward pass).
    public func meanPooled(_ batch: EncoderBatch) -> [[Float]] {
        guard let ws = workspace, !pooledOnly, ws.batchSize == batch.batchSize, ws.sequenceLength == batch.sequenceLength
        else { return [] }
        let h = configuration.hiddenSize, s = batch.sequenceLength, top = ws.arena[ws.x[configuration.layerCount]]
        return (0..<batch.batchSize).map { seq in
            var sum = [Float](repeating: 0, count: h)
            var n: Float = 0
            for pos in 0..<s where batch.attentionMask[seq * s + pos] == 1 {
                let row = top + (seq * s + pos) * h
                for j in 0..<h { sum[j] += row[j] }
                n += 1
            }
            return sum.map { $0 / max(n, 1) }
        }
    }

    /// Attention for every (sequence, head) of layer `l` (one fused kernel call each, CEncoderKernels/attention.c):
    /// scores, masked softmax, dropout (site 1 + 3l) and context.
    func attentionForward(_ ws: Workspace, layer l: Int, dropout attentionP: Float) {
        let c = configuration, a = ws.arena, wl = ws.layers[l]
        let h = c.hiddenSize, heads = c.headCount, dh = c.headSize, s = ws.sequenceLength
        let qkv = a[wl.qkv], ctx = a[wl.context]
        let scale = 1 / Float(dh).squareRoot(), probsSeed = seed(site: 1 + 3 * l), wide: Int32 = wideVectors ? 1 : 0
        parallelRanges(ws.batchSize * heads, minimumChunk: 1, label: "attention") { w, items in
            let scratch = a[ws.threadScratch + w * ws.threadScratchStride]
            for item in items {
                let (seq, head) = item.quotientAndRemainder(dividingBy: heads)
                let q = qkv + seq * s * 3 * h + head * dh
                bk_attention_forward(
                    q, q + h, q + 2 * h, 3 * h, s, s, dh, a[ws.keyBias + seq * s], scale, attentionP, probsSeed,
                    item * s * s, a[wl.probs + item * s * s], ctx + seq * s * h + head * dh, h, scratch, wide)
            }
        }
    }
}
