import CEncoderKernels

extension BertEncoder {
    /// Back-propagates through the last forward pass and overwrites every parameter gradient.
    ///
    /// - Parameters:
    ///   - hiddenGradient: dLoss/d(last hidden state), [batch, sequence, hidden], or nil for zero.
    ///   - pooledGradient: dLoss/d(pooler output), [batch, hidden], or nil for zero.
    /// - Throws: `NativeEncoderError.invalidBatch` before any forward pass or when sizes disagree.
    public func backward(hiddenGradient: [Float]?, pooledGradient: [Float]?) throws {
        guard let ws = workspace else { throw NativeEncoderError.invalidBatch(reason: "run forward before backward") }
        guard ws.forBackward else {
            throw NativeEncoderError.invalidBatch(reason: "the last forward pass was inference-only (BertEncoder.Options.inferenceOnly); it kept nothing to back-propagate")
        }
        let h = configuration.hiddenSize, t = ws.batchSize * ws.sequenceLength
        if let g = hiddenGradient, g.count != t * h {
            throw NativeEncoderError.invalidBatch(reason: "hidden gradient has \(g.count) values, expected \(t * h)")
        }
        if let g = pooledGradient, g.count != ws.batchSize * h {
            throw NativeEncoderError.invalidBatch(reason: "pooled gradient has \(g.count) values, expected \(ws.batchSize * h)")
        }
        if pooledOnly && hiddenGradient != nil {
            throw NativeEncoderError.invalidBatch(reason: "a pooled-only forward pass takes no hidden-state gradient")
        }
        let dX = ws.arena[ws.dX]
        if let g = hiddenGradient {
            g.withUnsafeBufferPointer { dX.update(from: $0.baseAddress!, count: t * h) }
        } else {
            dX.update(repeating: 0, count: t * h)
        }
        backPooler(ws, pooledGradient)
        let sparse = pooledOnly || (hiddenGradient == nil && options.sparsePooledBackward)
        for l in (0..<configuration.layerCount).reversed() {
            if sparse && l == configuration.layerCount - 1 { backLastLayerPooledOnly(ws) } else { backLayer(ws, l) }
        }
        backEmbeddings(ws)
    }

    /// Pooler: dZ = dPooled (1 - pooled^2); weight, bias, and the [CLS] rows of dX.
    private func backPooler(_ ws: Workspace, _ pooledGradient: [Float]?) {
        let lay = layout, a = ws.arena, g = gradients, h = configuration.hiddenSize, s = ws.sequenceLength
        let b = ws.batchSize, dz = a[ws.dPooled], pooled = a[ws.pooled]
        guard let pg = pooledGradient else {
            g[lay.poolerWeight].update(repeating: 0, count: h * h)
            g[lay.poolerBias].update(repeating: 0, count: h)
            return
        }
        for i in 0..<(b * h) { dz[i] = pg[i] * (1 - pooled[i] * pooled[i]) }
        columnSums(ws, dz, rows: b, cols: h, into: g[lay.poolerBias])
        BLAS.gemm(
            transA: true, transB: false, m: h, n: h, k: b, a: dz, lda: h, b: a[ws.x[configuration.layerCount]],
            ldb: s * h, beta: 0, c: g[lay.poolerWeight], ldc: h)
        BLAS.gemm(
            transA: false, transB: false, m: b, n: h, k: h, a: dz, lda: h, b: parameters[lay.poolerWeight], ldb: h,
            beta: 1, c: a[ws.dX], ldc: s * h)
    }

    /// One transformer layer: on entry dX = dLoss/dx[l+1]; on exit dX = dLoss/dx[l].
    private func backLayer(_ ws: Workspace, _ l: Int) {
        let c = configuration, p = parameters, g = gradients, a = ws.arena
        let pl = layout.layers[l], wl = ws.layers[l]
        let h = c.hiddenSize, inner = c.intermediateSize
        let s = ws.sequenceLength, t = ws.batchSize * s
        let hiddenP = training ? c.hiddenDropout : 0, attentionP = training ? c.attentionDropout : 0
        let dX = a[ws.dX], dSum = a[ws.dSum], dH1 = a[ws.dH1], dInter = a[ws.dInter], dQKV = a[ws.dQKV]

        // Output LayerNorm: its input gradient goes to dH1 (the residual path into the attention block) and, in
        // the same pass, the dense branch's dropout (site 3 + 3l) to dSum with the output bias gradient.
        layerNormBackward(ws, dy: dX, xhat: a[wl.xhat2], rstd: a[wl.rstd2], gamma: p[pl.outputNormGamma],
                          dx: dH1, dGamma: g[pl.outputNormGamma], dBeta: g[pl.outputNormBeta],
                          branch: (dSum, hiddenP, seed(site: 3 + 3 * l), g[pl.outputBias]))
        gemm(transA: true, m: h, n: inner, k: t, a: dSum, lda: h, b: a[wl.gelu], ldb: inner, c: g[pl.outputWeight], ldc: inner)
        gemm(m: t, n: inner, k: h, a: dSum, lda: h, b: p[pl.outputWeight], ldb: inner, c: dInter, ldc: inner)
        let pre = a[wl.preGELU]
        blockReduce(ws, rows: t, label: "gelu.backward", into: [(g[pl.intermediateBias], inner)]) { lo, n, partial in
            bk_gelu_backward(pre + lo * inner, dInter + lo * inner, partial, n, inner)
        }
        gemm(transA: true, m: inner, n: h, k: t, a: dInter, lda: inner, b: a[wl.h1], ldb: h, c: g[pl.intermediateWeight], ldc: h)
        gemm(m: t, n: h, k: inner, a: dInter, lda: inner, b: p[pl.intermediateWeight], ldb: h, beta: 1, c: dH1, ldc: h)

        // Attention LayerNorm: input gradient to dX (the residual path into layer l - 1), the dense branch's
        // dropout (site 2 + 3l) to dSum with the attention output bias gradient; then the output dense.
        layerNormBackward(ws, dy: dH1, xhat: a[wl.xhat1], rstd: a[wl.rstd1], gamma: p[pl.attentionNormGamma],
                          dx: dX, dGamma: g[pl.attentionNormGamma], dBeta: g[pl.attentionNormBeta],
                          branch: (dSum, hiddenP, seed(site: 2 + 3 * l), g[pl.attentionOutBias]))
        let dContext = a[ws.dContext]
        gemm(transA: true, m: h, n: h, k: t, a: dSum, lda: h, b: a[wl.context], ldb: h, c: g[pl.attentionOutWeight], ldc: h)
        gemm(m: t, n: h, k: h, a: dSum, lda: h, b: p[pl.attentionOutWeight], ldb: h, c: dContext, ldc: h)

        // Attention per (sequence, head), writing dQ, dK, dV into dQKV.
        attentionBackward(ws, layer: l, dQKV: dQKV, dContext: dContext, dropout: attentionP)
        columnSums(ws, dQKV, rows: t, cols: 3 * h, into: g[pl.qkvBias])
        gemm(transA: true, m: 3 * h, n: h, k: t, a: dQKV, lda: 3 * h, b: a[ws.x[l]], ldb: h, c: g[pl.qkvWeight], ldc: h)
        gemm(m: t, n: h, k: 3 * h, a: dQKV, lda: 3 * h, b: p[pl.qkvWeight], ldb: h, beta: 1, c: dX, ldc: h)
    }

    /// Attention backward for every (sequence, head) of layer `l` (one fused kernel call each), writing dQ, dK,
    /// dV into dQKV.
    func attentionBackward(_ ws: Workspace, layer l: Int, dQKV: UnsafeMutablePointer<Float>,
                           dContext: UnsafeMutablePointer<Float>, dropout attentionP: Float) {
        let c = configuration, a = ws.arena, wl = ws.layers[l], h = c.hiddenSize, heads = c.headCount, dh = c.headSize
        let s = ws.sequenceLength
        let scale = 1 / Float(dh).squareRoot(), qkv = a[wl.qkv], probsSeed = seed(site: 1 + 3 * l)
        let wide: Int32 = wideVectors ? 1 : 0
        parallelRanges(ws.batchSize * heads, minimumChunk: 1, label: "attention.backward") { w, items in
            let scratch = a[ws.threadScratch + w * ws.threadScratchStride]
            for item in items {
                let (seq, head) = item.quotientAndRemainder(dividingBy: heads)
                let offset = seq * s * 3 * h + head * dh
                let q = qkv + offset, dq = dQKV + offset
                bk_attention_backward(
                    q, q + h, q + 2 * h, 3 * h, s, s, dh, a[wl.probs + item * s * s], scale, attentionP, probsSeed,
                    item * s * s, dContext + seq * s * h + head * dh, h,
                    dq, dq + h, dq + 2 * h, scratch, wide)
            }
        }
    }

    /// Embeddings: dropout (site 0), LayerNorm, then scatter-add into word, position and type rows.
    private func backEmbeddings(_ ws: Workspace) {
        let c = configuration, lay = layout, p = parameters, g = gradients, a = ws.arena, h = c.hiddenSize
        let s = ws.sequenceLength, t = ws.batchSize * s
        let dX = a[ws.dX], dSum = a[ws.dSum]
        dropoutCopy(dX, into: dX, count: t * h, p: training ? c.hiddenDropout : 0, seed: seed(site: 0))
        layerNormBackward(ws, dy: dX, xhat: a[ws.embeddingXhat], rstd: a[ws.embeddingRstd], gamma: p[lay.embeddingNormGamma],
                          dx: dSum, dGamma: g[lay.embeddingNormGamma], dBeta: g[lay.embeddingNormBeta])
        let word = g[lay.wordEmbeddings], position = g[lay.positionEmbeddings], type = g[lay.typeEmbeddings]
        for row in touchedWordRows { (word + Int(row) * h).update(repeating: 0, count: h) }
        position.update(repeating: 0, count: c.maxPositions * h)
        type.update(repeating: 0, count: c.typeVocabularySize * h)
        let ids = currentTokenIDs, types = currentTokenTypes, pad = c.padTokenID
        // Columns are independent, so workers take column blocks and every row keeps its order.
        parallelRanges(h, minimumChunk: 16, label: "embeddings.backward") { _, cols in
            for r in 0..<t {
                let src = dSum + r * h, w = word + Int(ids[r]) * h, ps = position + (r % s) * h
                let ty = type + Int(types[r]) * h
                // The padding row is frozen, like nn.Embedding(padding_idx:) in transformers' BertEmbeddings.
                if ids[r] != pad { for j in cols { w[j] += src[j] } }
                for j in cols {
                    ps[j] += src[j]
                    ty[j] += src[j]
                }
            }
        }
        touchedWordRows = ids
    }

    /// dst = dropout(src) over rows split across workers (a plain copy when p is 0).
    private func dropoutCopy(_ src: UnsafeMutablePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int, p: Float, seed: UInt64) {
        guard p > 0 else {
            if src != dst { dst.update(from: src, count: count) }
            return
        }
        parallelRanges(count, minimumChunk: 4096, label: "dropout.backward") { _, range in
            bk_dropout_copy(src + range.lowerBound, dst + range.lowerBound, range.count, p, seed, range.lowerBound)
        }
    }

    /// Runs `body(firstRow, rowCount, partial)` over fixed blocks of `Workspace.reductionRows` rows, in parallel,
    /// each with its own zeroed partial-sum slot; then writes the slots' sums, in block order, to `outputs`
    /// (consecutive pieces of a slot, `count` floats each). Fixed blocks summed in a fixed order make the
    /// results independent of the thread count.
    func blockReduce(
        _ ws: Workspace, rows: Int, label: String, into outputs: [(UnsafeMutablePointer<Float>, Int)],
        _ body: (Int, Int, UnsafeMutablePointer<Float>) -> Void
    ) {
        let block = Workspace.reductionRows, blocks = (rows + block - 1) / block, partial = ws.arena[ws.partialSums]
        let width = outputs.reduce(0) { $0 + $1.1 }
        precondition(width <= ws.partialStride, "partial-sum slot too small")
        parallelRanges(blocks, minimumChunk: 1, label: label) { _, range in
            for k in range {
                let slot = partial + k * ws.partialStride
                slot.update(repeating: 0, count: width)
                body(k * block, min(block, rows - k * block), slot)
            }
        }
        var offset = 0
        for (out, count) in outputs {
            out.update(from: partial + offset, count: count)
            for k in 1..<max(blocks, 1) { bk_add(out, partial + k * ws.partialStride + offset, count) }
            offset += count
        }
    }

    /// out[j] = sum over rows of x[i, j] (a bias gradient).
    func columnSums(_ ws: Workspace, _ x: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
        blockReduce(ws, rows: rows, label: "bias.backward", into: [(out, cols)]) { lo, n, partial in
            bk_column_sums(x + lo * cols, partial, n, cols, cols)
        }
    }

    /// LayerNorm backward over all rows, overwriting the gamma/beta gradients. With `branch` (destination,
    /// dropout rate, seed, bias gradient), the same pass also writes the dense branch below the norm,
    /// dropout(dx), and overwrites that branch's bias gradient with its column sums.
    func layerNormBackward(
        _ ws: Workspace, dy: UnsafePointer<Float>, xhat: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
        gamma: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, dGamma: UnsafeMutablePointer<Float>,
        dBeta: UnsafeMutablePointer<Float>,
        branch: (UnsafeMutablePointer<Float>, Float, UInt64, UnsafeMutablePointer<Float>)? = nil
    ) {
        let h = configuration.hiddenSize
        var outputs = [(dGamma, h), (dBeta, h)]
        if let branch { outputs.append((branch.3, h)) }
        blockReduce(ws, rows: ws.batchSize * ws.sequenceLength, label: "layernorm.backward", into: outputs) { lo, n, partial in
            bk_layernorm_backward(
                dy + lo * h, xhat + lo * h, rstd + lo, gamma, dx + lo * h, partial, partial + h,
                branch.map { $0.0 + lo * h }, branch?.1 ?? 0, branch?.2 ?? 0, lo * h, branch == nil ? nil : partial + 2 * h, n, h)
        }
    }
}
