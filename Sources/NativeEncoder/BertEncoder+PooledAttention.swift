import CEncoderKernels

/// The last layer's attention when only the [CLS] query reaches the loss (pooled-only losses), computed in the
/// layer's input space instead of projecting every token's key and value.
///
/// Per sequence and head, with x_j the layer input rows, q the [CLS] query and W_k, W_v, b_k, b_v the head's
/// slices: q . k_j = u . x_j + beta with u = W_k^T q and beta = q . b_k; and with d = dropout(softmax) the
/// context is sum_j d_j v_j = W_v y + sigma b_v with y = sum_j d_j x_j and sigma = sum_j d_j. So keys and values
/// are never formed: the key and value projections (2 x T x H x H multiply-adds forward, twice that backward)
/// become products of size heads x S x H per sequence. The backward differentiates the same expressions (the
/// gradients of W_k and W_v are sums of outer products). Same results as the dense layer up to rounding
/// (`PooledBackwardTests`).
extension BertEncoder {
    /// Fills u, beta, y and sigma for every (sequence, head) from the layer input and the [CLS] queries in the
    /// Q columns of the fused QKV rows. With `computeProbabilities`, also the [CLS] rows of the attention
    /// probabilities (row 0 of each (sequence, head) block of `probs`); else those rows are read (a backward
    /// pass, after a pooled-only or a dense forward).
    private func pooledAttentionStatistics(_ ws: Workspace, computeProbabilities: Bool, dropout attentionP: Float) {
        let c = configuration, l = c.layerCount - 1, pl = layout.layers[l], wl = ws.layers[l], a = ws.arena, p = parameters
        let h = c.hiddenSize, heads = c.headCount, dh = c.headSize, s = ws.sequenceLength, b = ws.batchSize
        let x = a[ws.x[l]], qkv = a[wl.qkv], wk = p[pl.qkvWeight + h * h], bk = p[pl.qkvBias + h]
        let u = a[ws.pooledU], y = a[ws.pooledY], sigma = a[ws.pooledSigma], beta = a[ws.pooledBeta]
        let scale = 1 / Float(dh).squareRoot(), probsSeed = seed(site: 1 + 3 * l)
        precondition(2 * heads * s <= ws.threadScratchStride, "attention scratch too small")
        timed("pooled.attention") {
            for head in 0..<heads {
                BLAS.gemm(transA: false, transB: false, m: b, n: h, k: dh, a: qkv + head * dh, lda: s * 3 * h,
                          b: wk + head * dh * h, ldb: h, beta: 0, c: u + head * h, ldc: heads * h)
            }
            for seq in 0..<b {
                for head in 0..<heads {
                    let q = qkv + seq * s * 3 * h + head * dh
                    beta[seq * heads + head] = (0..<dh).reduce(Float(0)) { $0 + q[$1] * bk[head * dh + $1] }
                }
            }
        }
        parallelRanges(b, minimumChunk: 1, label: "pooled.attention") { w, seqs in
            let dropped = a[ws.threadScratch + w * ws.threadScratchStride]
            for seq in seqs {
                let xs = x + seq * s * h, first = seq * heads
                if computeProbabilities {
                    // Raw scores u . x_j into row 0 of each head's probability block (blocks S x S apart).
                    BLAS.gemm(transA: false, transB: true, m: heads, n: s, k: h, a: u + first * h, lda: h, b: xs, ldb: h,
                              beta: 0, c: a[wl.probs + first * s * s], ldc: s * s)
                }
                for head in 0..<heads {
                    let item = first + head, row = a[wl.probs + item * s * s]
                    if computeProbabilities { for j in 0..<s { row[j] += beta[item] } }
                    bk_attention_row(row, a[ws.keyBias + seq * s], s, scale, attentionP, probsSeed, item * s * s,
                                     dropped + head * s, computeProbabilities ? 0 : 1)
                    sigma[item] = (0..<s).reduce(Float(0)) { $0 + dropped[head * s + $1] }
                }
                BLAS.gemm(transA: false, transB: false, m: heads, n: h, k: s, a: dropped, lda: s, b: xs, ldb: h, beta: 0,
                          c: y + first * h, ldc: h)
            }
        }
    }

    /// Forward: [CLS] queries (with bias, in the Q columns of the fused QKV rows), probabilities, and the [CLS]
    /// rows of the context.
    func pooledAttentionForward(_ ws: Workspace, dropout attentionP: Float) {
        let c = configuration, l = c.layerCount - 1, pl = layout.layers[l], wl = ws.layers[l], a = ws.arena, p = parameters
        let h = c.hiddenSize, heads = c.headCount, dh = c.headSize, s = ws.sequenceLength, b = ws.batchSize
        let x = a[ws.x[l]], qkv = a[wl.qkv], ctx = a[wl.context]
        let wq = p[pl.qkvWeight], wv = p[pl.qkvWeight + 2 * h * h], bq = p[pl.qkvBias], bv = p[pl.qkvBias + 2 * h]
        timed("pooled.attention") {
            BLAS.gemm(transA: false, transB: true, m: b, n: h, k: h, a: x, lda: s * h, b: wq, ldb: h, beta: 0, c: qkv,
                      ldc: s * 3 * h)
            for seq in 0..<b { bk_add(qkv + seq * s * 3 * h, bq, h) }
        }
        pooledAttentionStatistics(ws, computeProbabilities: true, dropout: attentionP)
        let y = a[ws.pooledY], sigma = a[ws.pooledSigma]
        timed("pooled.attention") {
            for head in 0..<heads {
                BLAS.gemm(transA: false, transB: true, m: b, n: dh, k: h, a: y + head * h, lda: heads * h,
                          b: wv + head * dh * h, ldb: h, beta: 0, c: ctx + head * dh, ldc: s * h)
            }
            for seq in 0..<b {
                for head in 0..<heads {
                    let row = ctx + seq * s * h + head * dh, sg = sigma[seq * heads + head]
                    for d in 0..<dh { row[d] += sg * bv[head * dh + d] }
                }
            }
        }
    }

    /// Backward from dContext's [CLS] rows: adds to dX (every row; the caller has set it to the residual) and
    /// overwrites the gradients of the fused QKV weight and bias.
    func pooledAttentionBackward(_ ws: Workspace, dContext: UnsafePointer<Float>, dropout attentionP: Float) {
        pooledAttentionStatistics(ws, computeProbabilities: false, dropout: attentionP)
        let c = configuration, l = c.layerCount - 1, pl = layout.layers[l], wl = ws.layers[l], a = ws.arena
        let p = parameters, g = gradients
        let h = c.hiddenSize, heads = c.headCount, dh = c.headSize, s = ws.sequenceLength, b = ws.batchSize
        let x = a[ws.x[l]], qkv = a[wl.qkv], dX = a[ws.dX]
        let wq = p[pl.qkvWeight], wk = wq + h * h, wv = wq + 2 * h * h, bk = p[pl.qkvBias + h], bv = p[pl.qkvBias + 2 * h]
        let dWq = g[pl.qkvWeight], dWk = dWq + h * h, dWv = dWq + 2 * h * h
        let dBq = g[pl.qkvBias], dBk = dBq + h, dBv = dBq + 2 * h
        let u = a[ws.pooledU], y = a[ws.pooledY], sigma = a[ws.pooledSigma]
        let dY = a[ws.pooledDY], dU = a[ws.pooledDU], dq = a[ws.pooledDQ]
        let dSigma = a[ws.pooledDSigma], dBeta = a[ws.pooledDBeta]
        let scale = 1 / Float(dh).squareRoot(), probsSeed = seed(site: 1 + 3 * l)
        timed("pooled.attention.backward") {
            // Values: dW_v = dC^T y, db_v = sum sigma dC, dy = dC W_v, dsigma = b_v . dC.
            for head in 0..<heads {
                BLAS.gemm(transA: true, transB: false, m: dh, n: h, k: b, a: dContext + head * dh, lda: s * h,
                          b: y + head * h, ldb: heads * h, beta: 0, c: dWv + head * dh * h, ldc: h)
                BLAS.gemm(transA: false, transB: false, m: b, n: h, k: dh, a: dContext + head * dh, lda: s * h,
                          b: wv + head * dh * h, ldb: h, beta: 0, c: dY + head * h, ldc: heads * h)
            }
            dBv.update(repeating: 0, count: h)
            for seq in 0..<b {
                for head in 0..<heads {
                    let dc = dContext + seq * s * h + head * dh, item = seq * heads + head
                    var dot: Float = 0
                    for d in 0..<dh {
                        dBv[head * dh + d] += sigma[item] * dc[d]
                        dot += bv[head * dh + d] * dc[d]
                    }
                    dSigma[item] = dot
                }
            }
        }
        parallelRanges(b, minimumChunk: 1, label: "pooled.attention.backward") { w, seqs in
            let dropped = a[ws.threadScratch + w * ws.threadScratchStride], dd = dropped + heads * s
            for seq in seqs {
                let xs = x + seq * s * h, first = seq * heads
                for head in 0..<heads {
                    let item = first + head
                    bk_attention_row(a[wl.probs + item * s * s], a[ws.keyBias + seq * s], s, scale, attentionP, probsSeed,
                                     item * s * s, dropped + head * s, 1)
                }
                // dd = dy . x_j + dsigma, then through dropout and softmax to the raw scores.
                BLAS.gemm(transA: false, transB: true, m: heads, n: s, k: h, a: dY + first * h, lda: h, b: xs, ldb: h,
                          beta: 0, c: dd, ldc: s)
                for head in 0..<heads {
                    let item = first + head, row = dd + head * s
                    for j in 0..<s { row[j] += dSigma[item] }
                    bk_attention_row_backward(a[wl.probs + item * s * s], dropped + head * s, row, scale, s)
                    dBeta[item] = (0..<s).reduce(Float(0)) { $0 + row[$1] }
                }
                // du = ds x; dx_j += d_j dy + ds_j u.
                BLAS.gemm(transA: false, transB: false, m: heads, n: h, k: s, a: dd, lda: s, b: xs, ldb: h, beta: 0,
                          c: dU + first * h, ldc: h)
                BLAS.gemm(transA: true, transB: false, m: s, n: h, k: heads, a: dropped, lda: s, b: dY + first * h, ldb: h,
                          beta: 1, c: dX + seq * s * h, ldc: h)
                BLAS.gemm(transA: true, transB: false, m: s, n: h, k: heads, a: dd, lda: s, b: u + first * h, ldb: h,
                          beta: 1, c: dX + seq * s * h, ldc: h)
            }
        }
        timed("pooled.attention.backward") {
            // Keys: dW_k = q^T du, dq = du W_k^T + dbeta b_k, db_k = sum dbeta q.
            for head in 0..<heads {
                BLAS.gemm(transA: true, transB: false, m: dh, n: h, k: b, a: qkv + head * dh, lda: s * 3 * h,
                          b: dU + head * h, ldb: heads * h, beta: 0, c: dWk + head * dh * h, ldc: h)
                BLAS.gemm(transA: false, transB: true, m: b, n: dh, k: h, a: dU + head * h, lda: heads * h,
                          b: wk + head * dh * h, ldb: h, beta: 0, c: dq + head * dh, ldc: h)
            }
            dBk.update(repeating: 0, count: h)
            dBq.update(repeating: 0, count: h)
            for seq in 0..<b {
                let q = qkv + seq * s * 3 * h, dqRow = dq + seq * h
                for head in 0..<heads {
                    let db = dBeta[seq * heads + head]
                    for d in 0..<dh {
                        dqRow[head * dh + d] += db * bk[head * dh + d]
                        dBk[head * dh + d] += db * q[head * dh + d]
                    }
                }
                bk_add(dBq, dqRow, h)
            }
            // Queries: dW_q = dq^T x_cls, dx_cls += dq W_q.
            BLAS.gemm(transA: true, transB: false, m: h, n: h, k: b, a: dq, lda: h, b: x, ldb: s * h, beta: 0, c: dWq, ldc: h)
            BLAS.gemm(transA: false, transB: false, m: b, n: h, k: h, a: dq, lda: h, b: wq, ldb: h, beta: 1, c: dX, ldc: s * h)
        }
    }
}
