// Fused self-attention for one (sequence, head): scores, masked softmax, dropout and context in one call,
// and the matching backward; plus the row helpers of the pooled-only last layer. The products are small
// (S x S x head size, e.g. 128 x 128 x 32), where a general BLAS spends much of its time packing both
// operands; here register-blocked products run over contiguous copies of the head (Q, K transposed, V, and
// dContext in the backward: 16 KB each at S = 128, in a per-worker scratch), since heads sit 3H floats apart in
// the fused QKV rows. Same formulas as Hugging Face transformers' BertSelfAttention (softmax of
// Q K^T / sqrt(d) + mask, dropout on the probabilities, times V); results differ from a BLAS path only by
// rounding.
#include "kernels_internal.h"

// The vector helpers below are always inlined, so no vector ever crosses a call boundary and the baseline clone's
// "AVX vector argument changes the ABI" warnings do not apply.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float bk_v8 __attribute__((ext_vector_type(8)));

#if defined(__x86_64__) || defined(__i386__)
#define BK_WIDE_ATTR __attribute__((target("avx512f,avx512vl,avx2,fma")))
#else
#define BK_WIDE_ATTR
#endif

static int bk_cpu_has_avx512(void) { return bk_cpu_level() >= 2; }

const char *bk_attention_isa(int allowWide) {
    return allowWide && bk_cpu_has_avx512() ? "AVX-512" : bk_has_avx2_fma() ? "AVX2+FMA" : "baseline";
}

// BK_DISPATCH with a third clone on 16-lane vectors, taken when the caller allows it (last argument) and the
// CPU has AVX-512.
#define BK_DISPATCH_WIDE(name, params, args)                                                   \
    BK_WIDE_ATTR static void name##_wide params { name##_body(BK_UNPAREN args, 1); }            \
    BK_VECTOR_ATTR static void name##_vec params { name##_body(BK_UNPAREN args, 0); }           \
    static void name##_base params { name##_body(BK_UNPAREN args, 0); }                         \
    void name(BK_UNPAREN params, int allowWide) {                                              \
        if (allowWide && bk_cpu_has_avx512()) name##_wide args;                                \
        else if (bk_has_avx2_fma()) name##_vec args;                                           \
        else name##_base args;                                                                 \
    }
#define BK_UNPAREN(...) __VA_ARGS__

typedef float bk_v16 __attribute__((ext_vector_type(16)));

// Unaligned loads and stores of 8 and 16 lanes.
#define BK_DEFINE_LOAD_STORE(V, load, store)                                                                   \
    BK_INLINE V load(const float *p) {                                                                         \
        V v;                                                                                                   \
        memcpy(&v, p, sizeof v);                                                                               \
        return v;                                                                                              \
    }                                                                                                          \
    BK_INLINE void store(float *p, V v) { memcpy(p, &v, sizeof v); }
BK_DEFINE_LOAD_STORE(bk_v8, bk_load8, bk_store8)
BK_DEFINE_LOAD_STORE(bk_v16, bk_load16, bk_store16)

// NAME(mr, kc, a, ars, acs, b, ldb, c, ldc, add): C[i, 0..<2W] (+)= sum over k of A(i, k) B[k, 0..<2W] for i < mr,
// where A(i, k) = a[i * ars + k * acs] (any strides: plain or transposed) and B's rows are contiguous; W is the
// lane count of V. mr is a constant at every call site, so the accumulators (2 x mr vectors, at most 12) stay in
// registers and each k costs 2 loads, mr broadcasts and 2 x mr fused multiply-adds. bk_block16 runs on 8 lanes
// (AVX2), bk_block32 on 16 (used only by the AVX-512 clone, where each bk_v16 is one register).
#define BK_DEFINE_BLOCK(NAME, V, W, load, store)                                                               \
    BK_INLINE void NAME(long mr, long kc, const float *a, long ars, long acs, const float *b, long ldb, float *c, \
                        long ldc, int add) {                                                                   \
        V lo[6], hi[6];                                                                                        \
        for (long r = 0; r < mr; r++) lo[r] = hi[r] = 0.0f;                                                    \
        for (long k = 0; k < kc; k++) {                                                                        \
            V b0 = load(b + k * ldb), b1 = load(b + k * ldb + W);                                              \
            const float *ak = a + k * acs;                                                                     \
            for (long r = 0; r < mr; r++) {                                                                    \
                float x = ak[r * ars];                                                                         \
                lo[r] += b0 * x;                                                                               \
                hi[r] += b1 * x;                                                                               \
            }                                                                                                  \
        }                                                                                                      \
        for (long r = 0; r < mr; r++) {                                                                        \
            float *cr = c + r * ldc;                                                                           \
            if (add) {                                                                                         \
                lo[r] += load(cr);                                                                             \
                hi[r] += load(cr + W);                                                                         \
            }                                                                                                  \
            store(cr, lo[r]);                                                                                  \
            store(cr + W, hi[r]);                                                                              \
        }                                                                                                      \
    }
BK_DEFINE_BLOCK(bk_block16, bk_v8, 8, bk_load8, bk_store8)
BK_DEFINE_BLOCK(bk_block32, bk_v16, 16, bk_load16, bk_store16)

// Runs BLOCK(mr, ...) over row blocks of one column panel: blocks of 6, except that a remainder of 1 or 2 rows
// borrows one block (7 = 4 + 3, 8 = 4 + 4) to keep at least 8 independent accumulators (FMA latency x
// throughput) where 6 + 2 would leave 4.
#define BK_ROW_BLOCKS(BLOCK, m, kc, a, ars, acs, b, ldb, c, ldc, add)                                          \
    do {                                                                                                      \
        long full_ = (m) / 6, rest_ = (m) - 6 * full_, i_ = 0;                                                \
        if (full_ > 0 && rest_ > 0 && rest_ < 3) { full_--; rest_ += 6; }                                     \
        for (long blk_ = 0; blk_ < full_; blk_++, i_ += 6)                                                    \
            BLOCK(6, kc, (a) + i_ * (ars), ars, acs, b, ldb, (c) + i_ * (ldc), ldc, add);                     \
        for (long left_ = rest_; left_ > 0;) {                                                                \
            long mr_ = left_ > 6 ? 4 : left_;                                                                 \
            const float *ai_ = (a) + i_ * (ars);                                                              \
            float *ci_ = (c) + i_ * (ldc);                                                                    \
            switch (mr_) {                                                                                    \
            case 6: BLOCK(6, kc, ai_, ars, acs, b, ldb, ci_, ldc, add); break;                                \
            case 5: BLOCK(5, kc, ai_, ars, acs, b, ldb, ci_, ldc, add); break;                                \
            case 4: BLOCK(4, kc, ai_, ars, acs, b, ldb, ci_, ldc, add); break;                                \
            case 3: BLOCK(3, kc, ai_, ars, acs, b, ldb, ci_, ldc, add); break;                                \
            case 2: BLOCK(2, kc, ai_, ars, acs, b, ldb, ci_, ldc, add); break;                                \
            default: BLOCK(1, kc, ai_, ars, acs, b, ldb, ci_, ldc, add); break;                               \
            }                                                                                                 \
            i_ += mr_;                                                                                        \
            left_ -= mr_;                                                                                     \
        }                                                                                                     \
    } while (0)

// C (m x n, row stride ldc) = A B, or C += A B when add: A(i, k) = a[i * ars + k * acs] is m x kc, B is kc x n
// with row stride ldb. Column panels outside (32 wide on 16-lane vectors when `wide`, then 16 wide), row
// blocks inside, so a K x panel slice of B stays in L1.
BK_INLINE void bk_small_gemm(long m, long n, long kc, const float *a, long ars, long acs, const float *b, long ldb,
                             float *c, long ldc, int add, int wide) {
    long j = 0;
    if (wide)
        for (; j + 32 <= n; j += 32) BK_ROW_BLOCKS(bk_block32, m, kc, a, ars, acs, b + j, ldb, c + j, ldc, add);
    for (; j + 16 <= n; j += 16) BK_ROW_BLOCKS(bk_block16, m, kc, a, ars, acs, b + j, ldb, c + j, ldc, add);
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
    // Rows are a head wide (32-64 floats): an inline vector copy, not a memcpy call per row.
    long vec = cols & ~7L;
    for (long i = 0; i < rows; i++) {
        const float *s = src + i * lds;
        float *d = dst + i * cols;
        long j = 0;
        for (; j < vec; j += 8) bk_store8(d + j, bk_load8(s + j));
        for (; j < cols; j++) d[j] = s[j];
    }
}

typedef int32_t bk_i8 __attribute__((ext_vector_type(8)));

// bk_exp on 8 lanes, same steps (clamp, Cody-Waite split of ln 2, degree-6 polynomial, exponent bits).
BK_INLINE bk_v8 bk_exp8(bk_v8 x) {
    bk_v8 lo = -87.0f, hi = 88.0f;
    bk_v8 c = __builtin_elementwise_min(__builtin_elementwise_max(x, lo), hi);
    bk_v8 n = __builtin_elementwise_floor(c * 1.44269504088896341f + 0.5f);
    BK_EXP_REDUCED(bk_v8, c, n, y);
    bk_i8 bits = (__builtin_convertvector(n, bk_i8) + 127) << 23;
    bk_v8 scale;
    memcpy(&scale, &bits, sizeof scale);
    bk_i8 keep = x >= -87.0f;  // lanes below -87 underflow to exactly 0, as bk_exp
    bk_i8 out = keep & (bk_i8)(y * scale);
    bk_v8 result;
    memcpy(&result, &out, sizeof result);
    return result;
}

// Lane reductions in three halving steps (a scalar loop over lanes is a chain of eight).
BK_INLINE float bk_hmax8(bk_v8 v) {
    bk_v8 a = __builtin_elementwise_max(v, __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3));
    a = __builtin_elementwise_max(a, __builtin_shufflevector(a, a, 2, 3, 0, 1, 6, 7, 4, 5));
    a = __builtin_elementwise_max(a, __builtin_shufflevector(a, a, 1, 0, 3, 2, 5, 4, 7, 6));
    return a[0];
}
BK_INLINE float bk_hsum8(bk_v8 v) {
    bk_v8 a = v + __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3);
    a = a + __builtin_shufflevector(a, a, 2, 3, 0, 1, 6, 7, 4, 5);
    a = a + __builtin_shufflevector(a, a, 1, 0, 3, 2, 5, 4, 7, 6);
    return a[0];
}

// Softmax of one row of scores in place: x = softmax(x * scale + keyBias), 8 lanes at a time with two
// independent per-lane max and sum accumulators (a row is only 16 vectors at S = 128, so the reduction chains,
// not the arithmetic, set its pace), the tail with bk_exp.
BK_INLINE void bk_softmax_row(float *x, const float *keyBias, long keys, float scale) {
    long j = 0, vec = keys & ~7L, pairs = keys & ~15L;
    bk_v8 mxa = -INFINITY, mxb = -INFINITY;
    for (; j < pairs; j += 16) {
        bk_v8 va = bk_load8(x + j) * scale + bk_load8(keyBias + j);
        bk_v8 vb = bk_load8(x + j + 8) * scale + bk_load8(keyBias + j + 8);
        bk_store8(x + j, va);
        bk_store8(x + j + 8, vb);
        mxa = __builtin_elementwise_max(mxa, va);
        mxb = __builtin_elementwise_max(mxb, vb);
    }
    for (; j < vec; j += 8) {
        bk_v8 v = bk_load8(x + j) * scale + bk_load8(keyBias + j);
        bk_store8(x + j, v);
        mxa = __builtin_elementwise_max(mxa, v);
    }
    float mx = bk_hmax8(__builtin_elementwise_max(mxa, mxb));
    for (; j < keys; j++) {
        float v = x[j] * scale + keyBias[j];
        x[j] = v;
        mx = v > mx ? v : mx;
    }
    bk_v8 suma = 0.0f, sumb = 0.0f;
    for (j = 0; j < pairs; j += 16) {
        bk_v8 ea = bk_exp8(bk_load8(x + j) - mx), eb = bk_exp8(bk_load8(x + j + 8) - mx);
        bk_store8(x + j, ea);
        bk_store8(x + j + 8, eb);
        suma += ea;
        sumb += eb;
    }
    for (; j < vec; j += 8) {
        bk_v8 e = bk_exp8(bk_load8(x + j) - mx);
        bk_store8(x + j, e);
        suma += e;
    }
    float sum = bk_hsum8(suma + sumb);
    for (; j < keys; j++) {
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

// One query row's attention probabilities from its raw scores (q . k, unscaled): x becomes
// softmax(x * scale + keyBias); dropped gets dropout(x) (mask at index0 + j; a copy when prob == 0).
BK_INLINE void bk_attention_row_body(float *x, const float *keyBias, long keys, float scale, float prob, uint64_t seed,
                                     long index0, float *dropped, int recompute) {
    if (!recompute) bk_softmax_row(x, keyBias, keys, scale);
    if (prob > 0.0f) bk_dropout_rows(x, dropped, 1, keys, prob, seed, index0);
    else memcpy(dropped, x, (size_t)keys * sizeof(float));
}
BK_DISPATCH(bk_attention_row,
            (float *x, const float *keyBias, long keys, float scale, float prob, uint64_t seed, long index0,
             float *dropped, int recompute),
            (x, keyBias, keys, scale, prob, seed, index0, dropped, recompute))

BK_INLINE void bk_attention_row_backward_body(const float *p, const float *d, float *g, float scale, long keys) {
    bk_softmax_backward_row(p, d, g, scale, keys);
}
BK_DISPATCH(bk_attention_row_backward, (const float *p, const float *d, float *g, float scale, long keys),
            (p, d, g, scale, keys))

BK_INLINE void bk_attention_forward_body(const float *q, const float *k, const float *v, long ld, long seq, long rows,
                                         long dh, const float *keyBias, float scale, float prob, uint64_t seed,
                                         long index0, float *probs, float *context, long ldc, float *scratch,
                                         int wide) {
    float *qc = scratch, *kt = qc + seq * dh, *vc = kt + seq * dh, *dropped = vc + seq * dh;
    bk_gather_rows(q, ld, rows, dh, qc);
    bk_transpose(k, ld, seq, dh, kt, seq);
    bk_gather_rows(v, ld, seq, dh, vc);
    bk_small_gemm(rows, seq, dh, qc, dh, 1, kt, seq, probs, seq, 0, wide);
    for (long i = 0; i < rows; i++) bk_softmax_row(probs + i * seq, keyBias, seq, scale);
    const float *used = probs;
    if (prob > 0.0f) {
        bk_dropout_rows(probs, dropped, rows, seq, prob, seed, index0);
        used = dropped;
    }
    bk_small_gemm(rows, dh, seq, used, seq, 1, vc, dh, context, ldc, 0, wide);
}
BK_DISPATCH_WIDE(bk_attention_forward,
            (const float *q, const float *k, const float *v, long ld, long seq, long rows, long dh,
             const float *keyBias, float scale, float prob, uint64_t seed, long index0, float *probs, float *context,
             long ldc, float *scratch),
            (q, k, v, ld, seq, rows, dh, keyBias, scale, prob, seed, index0, probs, context, ldc, scratch))

BK_INLINE void bk_attention_backward_body(const float *q, const float *k, const float *v, long ld, long seq, long rows,
                                          long dh, const float *probs, float scale, float prob, uint64_t seed,
                                          long index0, const float *dContext, long lddc, float *dq, float *dk,
                                          float *dv, float *scratch, int wide) {
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
    bk_small_gemm(rows, seq, dh, dc, dh, 1, vt, seq, dp, seq, 0, wide);
    bk_small_gemm(dh, seq, rows, dc, 1, dh, used, seq, tr, seq, 0, wide);
    bk_transpose(tr, seq, dh, seq, dv, ld);
    // dScores * scale, in place.
    for (long i = 0; i < rows; i++) bk_softmax_backward_row(probs + i * seq, used + i * seq, dp + i * seq, scale, seq);
    // dQ = dS K (rows x dh); dK^T = Q^T dS (dh x seq), stored transposed.
    bk_small_gemm(rows, dh, seq, dp, seq, 1, kc, dh, dq, ld, 0, wide);
    bk_small_gemm(dh, seq, rows, qc, 1, dh, dp, seq, tr, seq, 0, wide);
    bk_transpose(tr, seq, dh, seq, dk, ld);
}
BK_DISPATCH_WIDE(bk_attention_backward,
            (const float *q, const float *k, const float *v, long ld, long seq, long rows, long dh,
             const float *probs, float scale, float prob, uint64_t seed, long index0, const float *dContext,
             long lddc, float *dq, float *dk, float *dv, float *scratch),
            (q, k, v, ld, seq, rows, dh, probs, scale, prob, seed, index0, dContext, lddc, dq, dk, dv, scratch))
