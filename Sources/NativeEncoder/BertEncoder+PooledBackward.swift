import CEncoderKernels

extension BertEncoder {
    /// The last layer's backward when the loss reads only the pooler output (no hidden-state gradient), as in
    /// sequence classification: then dLoss/dx[L] is non-zero only on the [CLS] rows, so the feed-forward and
    /// attention-output blocks run on B rows instead of B x S (rows strided S apart, no gathering) and the
    /// attention on the [CLS] queries in input space (`pooledAttentionBackward`). Works after a pooled-only or a
    /// dense forward pass. Same results as the dense path up to rounding.
    ///
    /// On entry dX holds dLoss/dx[L] (zero except the [CLS] rows); on exit dLoss/dx[L-1], as `backLayer`.
    func backLastLayerPooledOnly(_ ws: Workspace) {
        let c = configuration, p = parameters, g = gradients, a = ws.arena
        let l = c.layerCount - 1, pl = layout.layers[l], wl = ws.layers[l]
        let h = c.hiddenSize, inner = c.intermediateSize
        let s = ws.sequenceLength, b = ws.batchSize, t = b * s
        let hiddenP = training ? c.hiddenDropout : 0
        let dX = a[ws.dX], dSum = a[ws.dSum], dH1 = a[ws.dH1], dInter = a[ws.dInter]
        let dContext = a[ws.dContext], partial = a[ws.partialSums]
        let rows = (0..<b).map { $0 * s }  // the [CLS] rows

        /// LayerNorm backward on the [CLS] rows into dSum, then the dense branch's dropout into dX.
        func normAndDropout(xhat: Int, rstd: Int, gamma: Int, beta: Int, site: Int) {
            partial.update(repeating: 0, count: 2 * h)
            for r in rows {
                bk_layernorm_backward(dX + r * h, a[xhat + r * h], a[rstd + r], p[gamma], dSum + r * h, partial, partial + h,
                                      nil, 0, 0, 0, nil, 1, h)
                if hiddenP > 0 {
                    bk_dropout_copy(dSum + r * h, dX + r * h, h, hiddenP, seed(site: site), r * h)
                } else {
                    (dX + r * h).update(from: dSum + r * h, count: h)
                }
            }
            g[gamma].update(from: partial, count: h)
            g[beta].update(from: partial + h, count: h)
        }
        /// A dense layer's backward on the [CLS] rows (b rows, strided): bias and weight gradients (overwritten)
        /// and the input gradient dx = dy W (added to dx when `accumulate`).
        func denseBackward(dy: UnsafeMutablePointer<Float>, ldy: Int, input: UnsafePointer<Float>, ldInput: Int, weight: Int,
                           bias: Int, out: Int, in inFeatures: Int, dx: UnsafeMutablePointer<Float>, ldx: Int, accumulate: Bool) {
            g[bias].update(repeating: 0, count: out)
            bk_column_sums(dy, g[bias], b, out, ldy)
            BLAS.gemm(transA: true, transB: false, m: out, n: inFeatures, k: b, a: dy, lda: ldy, b: input, ldb: ldInput,
                      beta: 0, c: g[weight], ldc: inFeatures)
            BLAS.gemm(transA: false, transB: false, m: b, n: inFeatures, k: out, a: dy, lda: ldy, b: p[weight], ldb: inFeatures,
                      beta: accumulate ? 1 : 0, c: dx, ldc: ldx)
        }

        timed("pooled.backward") {
            // Feed-forward block on [CLS] rows.
            normAndDropout(xhat: wl.xhat2, rstd: wl.rstd2, gamma: pl.outputNormGamma, beta: pl.outputNormBeta, site: 3 + 3 * l)
            denseBackward(dy: dX, ldy: s * h, input: a[wl.gelu], ldInput: s * inner, weight: pl.outputWeight, bias: pl.outputBias,
                          out: h, in: inner, dx: dInter, ldx: s * inner, accumulate: false)
            for r in rows { bk_gelu_backward(a[wl.preGELU + r * inner], dInter + r * inner, nil, 1, inner) }
            for r in rows { (dH1 + r * h).update(from: dSum + r * h, count: h) }
            denseBackward(dy: dInter, ldy: s * inner, input: a[wl.h1], ldInput: s * h, weight: pl.intermediateWeight,
                          bias: pl.intermediateBias, out: inner, in: h, dx: dH1, ldx: s * h, accumulate: true)
            // Attention output block on [CLS] rows.
            for r in rows { (dX + r * h).update(from: dH1 + r * h, count: h) }
            normAndDropout(xhat: wl.xhat1, rstd: wl.rstd1, gamma: pl.attentionNormGamma, beta: pl.attentionNormBeta, site: 2 + 3 * l)
            denseBackward(dy: dX, ldy: s * h, input: a[wl.context], ldInput: s * h, weight: pl.attentionOutWeight,
                          bias: pl.attentionOutBias, out: h, in: h, dx: dContext, ldx: s * h, accumulate: false)
        }
        // Attention of the [CLS] queries; dX starts as the residual (dSum on the [CLS] rows, zero elsewhere).
        dX.update(repeating: 0, count: t * h)
        for r in rows { (dX + r * h).update(from: dSum + r * h, count: h) }
        pooledAttentionBackward(ws, dContext: dContext, dropout: training ? c.attentionDropout : 0)
    }
}
