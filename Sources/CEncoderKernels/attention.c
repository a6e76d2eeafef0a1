// Fused self-attention for one (sequence, head): scores, masked softmax, dropout and context in one call,
// and the matching backward. The products are small (S x S x head size, e.g. 128 x 128 x 32), where a
// general BLAS spends much of its time packing both operands; here the register-blocked products read Q,
// V, the probabilities and the gradients in place and pack only K (or V) transposed into a 16 KB scratch.
// Same formulas as the BLAS path they replace (Hugging Face transformers' BertSelfAttention: softmax of
// Q K^T / sqrt(d) + mask, dropout on the probabilities, times V); results differ only by rounding.
#include "kernels_internal.h"

typedef float bk_v8 __attribute__((ext_vector_type(8)));

BK_INLINE bk_v8 bk_load8(const float *p) {
    bk_v8 v;
    memcpy(&v, p, sizeof v);
    return v;
}
BK_INLINE void bk_store8(float *p, bk_v8 v) { memcpy(p, &v, sizeof v); }

// C[i, j0 + 0..<16] (+)= sum over k of A(i, k) B[k, j0 + 0..<16] for i < mr, where A(i, k) = a[i * ars + k * acs]
// (any strides: plain or transposed) and B's rows are contiguous. mr is a constant at every call site, so the
// accumulators (2 x mr vectors, at most 12) stay in registers and each k costs 2 loads, mr broadcasts and
// 2 x mr fused multiply-adds.
BK_INLINE void bk_block16(long mr, long kc, const float *a, long ars, long acs, const float *b, long ldb, float *c,
                          long ldc, int add) {
    bk_v8 lo[6], hi[6];
    for (long r = 0; r < mr; r++) lo[r] = hi[r] = 0.0f;
    for (long k = 0; k < kc; k++) {
        bk_v8 b0 = bk_load8(b + k * ldb), b1 = bk_load8(b + k * ldb + 8);
        const float *ak = a + k * acs;
        for (long r = 0; r < mr; r++) {
            float x = ak[r * ars];
            lo[r] += b0 * x;
            hi[r] += b1 * x;
        }
    }
    for (long r = 0; r < mr; r++) {
        float *cr = c + r * ldc;
        if (add) {
            lo[r] += bk_load8(cr);
            hi[r] += bk_load8(cr + 8);
        }
        bk_store8(cr, lo[r]);
        bk_store8(cr + 8, hi[r]);
    }
}

// C (m x n, row stride ldc) = A B, or C += A B when add: A(i, k) = a[i * ars + k * acs] is m x kc, B is kc x n
// with row stride ldb. Column blocks of 16 outside, row blocks of 6 inside, so a K x 16 panel of B stays in L1.
BK_INLINE void bk_small_gemm(long m, long n, long kc, const float *a, long ars, long acs, const float *b, long ldb,
                             float *c, long ldc, int add) {
    // Row blocks of 6, except that a remainder of 1 or 2 rows borrows one block: 7 = 4 + 3 and 8 = 4 + 4 keep
    // at least 8 independent accumulators (FMA latency x throughput) where 6 + 2 would leave 4.
    long full = m / 6, rest = m - 6 * full;
    if (full > 0 && rest > 0 && rest < 3) { full--; rest += 6; }
    long j = 0;
    for (; j + 16 <= n; j += 16) {
        long i = 0;
        for (long blk = 0; blk < full; blk++, i += 6) bk_block16(6, kc, a + i * ars, ars, acs, b + j, ldb, c + i * ldc + j, ldc, add);
        for (long left = rest; left > 0;) {
            long mr = left > 6 ? 4 : left;
            const float *ai = a + i * ars;
            float *ci = c + i * ldc + j;
            switch (mr) {
            case 6: bk_block16(6, kc, ai, ars, acs, b + j, ldb, ci, ldc, add); break;
            case 5: bk_block16(5, kc, ai, ars, acs, b + j, ldb, ci, ldc, add); break;
            case 4: bk_block16(4, kc, ai, ars, acs, b + j, ldb, ci, ldc, add); break;
            case 3: bk_block16(3, kc, ai, ars, acs, b + j, ldb, ci, ldc, add); break;
            case 2: bk_block16(2, kc, ai, ars, acs, b + j, ldb, ci, ldc, add); break;
            default: bk_block16(1, kc, ai, ars, acs, b + j, ldb, ci, ldc, add); break;
            }
            i += mr;
            left -= mr;
        }
    }
    // Leftover columns (n not a multiple of 16): plain dot products.
    for (long i = 0; i < m && j < n; i++) {
        for (long jj = j; jj < n; jj++) {
            float sum = 0.0f;
            for (long k = 0; k < kc; k++) sum += a[i * ars + k * acs] * b[k * ldb + jj];
            c[i * ldc + jj] = add ? c[i * ldc + jj] + sum : sum;
        }
    }
}

// dst (cols x rows, row stride ldd) = transpose of src (rows x cols, row stride lds).
// The loop runs along the rows of whichever side has the longer row stride (the one in the big activation
// arrays, a page per row), so that side is touched one contiguous row at a time.
BK_INLINE void bk_transpose(const float *src, long lds, long rows, long cols, float *dst, long ldd) {
    if (lds >= ldd) {
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < cols; j++) dst[j * ldd + i] = src[i * lds + j];
    } else {
        for (long j = 0; j < cols; j++)
            for (long i = 0; i < rows; i++) dst[j * ldd + i] = src[i * lds + j];
    }
}

// dst (rows x cols, contiguous) = src (row stride lds). Heads sit 3H floats apart in the fused QKV rows, so
// every row of a head is on its own page; products over a contiguous copy avoid a TLB walk per row.
BK_INLINE void bk_gather_rows(const float *src, long lds, long rows, long cols, float *dst) {
    for (long i = 0; i < rows; i++) memcpy(dst + i * cols, src + i * lds, (size_t)cols * sizeof(float));
}

// Softmax of one row of scores in place: x = softmax(x * scale + keyBias). The max runs on 8 lanes (a scalar
// max chains every element on the previous one).
BK_INLINE void bk_softmax_row(float *x, const float *keyBias, long keys, float scale) {
    #pragma clang fp reassociate(on)
    long j = 0;
    bk_v8 mx8 = -INFINITY;
    for (; j + 8 <= keys; j += 8) {
        bk_v8 v = bk_load8(x + j) * scale + bk_load8(keyBias + j);
        bk_store8(x + j, v);
        mx8 = __builtin_elementwise_max(mx8, v);
    }
    float mx = -INFINITY;
    for (int lane = 0; lane < 8; lane++) mx = mx8[lane] > mx ? mx8[lane] : mx;
    for (; j < keys; j++) {
        float v = x[j] * scale + keyBias[j];
        x[j] = v;
        mx = v > mx ? v : mx;
    }
    float sum = 0.0f;
    for (j = 0; j < keys; j++) {
        float e = bk_exp(x[j] - mx);
        x[j] = e;
        sum += e;
    }
    float inv = 1.0f / sum;
    for (j = 0; j < keys; j++) x[j] *= inv;
}

// The dropped probabilities of one head, d = dropout(p) for rows x keys with bk_dropout_copy's mask at flat
// index index0 + i * keys + j. The forward pass keeps only p: the mask is cheaper to hash again than
// an S x S array per head is to store and read back.
BK_INLINE void bk_dropout_rows(const float *p, float *d, long rows, long keys, float prob, uint64_t seed, long index0) {
    uint32_t threshold = bk_threshold(prob), lo = (uint32_t)seed, hi = (uint32_t)(seed >> 32);
    float keepScale = 1.0f / (1.0f - prob);
    for (long i = 0; i < rows; i++) {
        uint32_t base = (uint32_t)(index0 + i * keys);
        for (long j = 0; j < keys; j++)
            d[i * keys + j] = p[i * keys + j] * bk_keep_scale(lo, hi, base + (uint32_t)j, threshold, keepScale);
    }
}

// g = scale (d g - p sum(d g)) for one row: dLoss/dscores * scale from dLoss/dD, probabilities p and d = dropout(p).
BK_INLINE void bk_softmax_backward_row(const float *p, const float *d, float *g, float scale, long keys) {
    #pragma clang fp reassociate(on)
    float dot = 0.0f;
    for (long j = 0; j < keys; j++) dot += d[j] * g[j];
    for (long j = 0; j < keys; j++) g[j] = scale * (d[j] * g[j] - p[j] * dot);
}

BK_INLINE void bk_attention_forward_body(const float *q, const float *k, const float *v, long ld, long seq, long rows,
                                         long dh, const float *keyBias, float scale, float prob, uint64_t seed,
                                         long index0, float *probs, float *context, long ldc, float *scratch) {
    float *qc = scratch, *kt = qc + seq * dh, *vc = kt + seq * dh, *dropped = vc + seq * dh;
    bk_gather_rows(q, ld, rows, dh, qc);
    bk_transpose(k, ld, seq, dh, kt, seq);
    bk_gather_rows(v, ld, seq, dh, vc);
    bk_small_gemm(rows, seq, dh, qc, dh, 1, kt, seq, probs, seq, 0);
    for (long i = 0; i < rows; i++) bk_softmax_row(probs + i * seq, keyBias, seq, scale);
    const float *used = probs;
    if (prob > 0.0f) {
        bk_dropout_rows(probs, dropped, rows, seq, prob, seed, index0);
        used = dropped;
    }
    bk_small_gemm(rows, dh, seq, used, seq, 1, vc, dh, context, ldc, 0);
}
BK_DISPATCH(bk_attention_forward,
            (const float *q, const float *k, const float *v, long ld, long seq, long rows, long dh,
             const float *keyBias, float scale, float prob, uint64_t seed, long index0, float *probs, float *context,
             long ldc, float *scratch),
            (q, k, v, ld, seq, rows, dh, keyBias, scale, prob, seed, index0, probs, context, ldc, scratch))

BK_INLINE void bk_attention_backward_body(const float *q, const float *k, const float *v, long ld, long seq, long rows,
                                          long dh, const float *probs, float scale, float prob, uint64_t seed,
                                          long index0, const float *dContext, long lddc, float *dq, float *dk,
                                          float *dv, float *scratch) {
    float *qc = scratch, *kc = qc + seq * dh, *vt = kc + seq * dh, *dc = vt + seq * dh, *tr = dc + seq * dh;
    float *dp = tr + seq * dh, *dropped = dp + rows * seq;
    const float *used = probs;
    if (prob > 0.0f) {
        bk_dropout_rows(probs, dropped, rows, seq, prob, seed, index0);
        used = dropped;
    }
    bk_gather_rows(q, ld, rows, dh, qc);
    bk_gather_rows(k, ld, seq, dh, kc);
    bk_transpose(v, ld, seq, dh, vt, seq);
    bk_gather_rows(dContext, lddc, rows, dh, dc);
    // dD = dC V^T (rows x seq); dV^T = dC^T D (dh x seq, so D is read along its rows), stored transposed.
    bk_small_gemm(rows, seq, dh, dc, dh, 1, vt, seq, dp, seq, 0);
    bk_small_gemm(dh, seq, rows, dc, 1, dh, used, seq, tr, seq, 0);
    bk_transpose(tr, seq, dh, seq, dv, ld);
    // dScores * scale, in place.
    for (long i = 0; i < rows; i++) bk_softmax_backward_row(probs + i * seq, used + i * seq, dp + i * seq, scale, seq);
    // dQ = dS K (rows x dh); dK^T = Q^T dS (dh x seq), stored transposed.
    bk_small_gemm(rows, dh, seq, dp, seq, 1, kc, dh, dq, ld, 0);
    bk_small_gemm(dh, seq, rows, qc, 1, dh, dp, seq, tr, seq, 0);
    bk_transpose(tr, seq, dh, seq, dk, ld);
}
BK_DISPATCH(bk_attention_backward,
            (const float *q, const float *k, const float *v, long ld, long seq, long rows, long dh,
             const float *probs, float scale, float prob, uint64_t seed, long index0, const float *dContext,
             long lddc, float *dq, float *dk, float *dv, float *scratch),
            (q, k, v, ld, seq, rows, dh, probs, scale, prob, seed, index0, dContext, lddc, dq, dk, dv, scratch))
