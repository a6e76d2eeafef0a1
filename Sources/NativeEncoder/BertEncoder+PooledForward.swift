import CEncoderKernels

extension BertEncoder {
    /// The last layer for a pooled-only forward pass: attention for the [CLS] queries (in the layer's input space,
    /// `pooledAttentionForward`), then output dense, LayerNorms and feed-forward on the [CLS] rows only (rows S
    /// apart, strided GEMMs, no gathering). Writes exactly what `backLastLayerPooledOnly` reads.
    func lastLayerPooledOnly(_ ws: Workspace) {
        let c = configuration, p = parameters, a = ws.arena
        let l = c.layerCount - 1, pl = layout.layers[l], wl = ws.layers[l]
        let h = c.hiddenSize, inner = c.intermediateSize
        let s = ws.sequenceLength, b = ws.batchSize, eps = c.layerNormEpsilon
        let hiddenP = training ? c.hiddenDropout : 0, attentionP = training ? c.attentionDropout : 0
        let xin = a[ws.x[l]], ctx = a[wl.context], h1 = a[wl.h1], out = a[ws.x[l + 1]]
        let rows = (0..<b).map { $0 * s }

        // Attention of the [CLS] queries, without forming keys and values (BertEncoder+PooledAttention.swift).
        pooledAttentionForward(ws, dropout: attentionP)
        timed("pooled.forward") {
            BLAS.gemm(transA: false, transB: true, m: b, n: h, k: h, a: ctx, lda: s * h, b: p[pl.attentionOutWeight], ldb: h,
                      beta: 0, c: h1, ldc: s * h)
            let seed2 = seed(site: 2 + 3 * l), seed3 = seed(site: 3 + 3 * l)
            for r in rows {
                bk_bias_dropout_residual_layernorm(
                    h1 + r * h, p[pl.attentionOutBias], xin + r * h, p[pl.attentionNormGamma], p[pl.attentionNormBeta], eps,
                    hiddenP, seed2, r * h, a[wl.xhat1 + r * h], a[wl.rstd1 + r], h1 + r * h, 1, h)
            }
            let pre = a[wl.preGELU], act = a[wl.gelu]
            BLAS.gemm(transA: false, transB: true, m: b, n: inner, k: h, a: h1, lda: s * h, b: p[pl.intermediateWeight], ldb: h,
                      beta: 0, c: pre, ldc: s * inner)
            for r in rows { bk_bias_gelu_forward(pre + r * inner, p[pl.intermediateBias], act + r * inner, 1, inner) }
            BLAS.gemm(transA: false, transB: true, m: b, n: h, k: inner, a: act, lda: s * inner, b: p[pl.outputWeight],
                      ldb: inner, beta: 0, c: out, ldc: s * h)
            for r in rows {
                bk_bias_dropout_residual_layernorm(
                    out + r * h, p[pl.outputBias], h1 + r * h, p[pl.outputNormGamma], p[pl.outputNormBeta], eps,
                    hiddenP, seed3, r * h, a[wl.xhat2 + r * h], a[wl.rstd2 + r], out + r * h, 1, h)
            }
        }
    }
}
