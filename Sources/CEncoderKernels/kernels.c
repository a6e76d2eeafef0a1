// Fused float32 kernels for the native BERT encoder. Every exported function is a thin dispatcher over one
// always-inline body, compiled twice: for baseline x86-64 and with target("avx2,fma"), so the loops
// vectorize without package-wide compiler flags. The formulas follow Hugging Face transformers'
// models/bert/modeling_bert.py (erf GELU, post-LayerNorm residual blocks) in our own loop structure.
#include "kernels_internal.h"

// bk_cpu_level and bk_has_avx2_fma (which clone runs) live in cpu.c.

BK_INLINE void bk_bias_gelu_forward_body(float *u, const float *bias, float *g, long rows, long cols) {
    for (long i = 0; i < rows; i++) {
        float *ur = u + i * cols, *gr = g + i * cols;
        if (bias) {
            for (long j = 0; j < cols; j++) {
                float v = ur[j] + bias[j], e;
                ur[j] = v;
                gr[j] = v * bk_normal_cdf(v, &e);
            }
        } else {
            for (long j = 0; j < cols; j++) {
                float e;
                gr[j] = ur[j] * bk_normal_cdf(ur[j], &e);
            }
        }
    }
}
BK_DISPATCH(bk_bias_gelu_forward, (float *u, const float *bias, float *g, long rows, long cols), (u, bias, g, rows, cols))

BK_INLINE void bk_gelu_backward_body(const float *u, float *d, float *dbias, long rows, long cols) {
    for (long i = 0; i < rows; i++) {
        const float *ur = u + i * cols;
        float *dr = d + i * cols;
        for (long j = 0; j < cols; j++) {
            float e, cdf = bk_normal_cdf(ur[j], &e);
            dr[j] *= cdf + ur[j] * 0.39894228040143268f * e;
        }
        if (dbias)
            for (long j = 0; j < cols; j++) dbias[j] += dr[j];
    }
}
BK_DISPATCH(bk_gelu_backward, (const float *u, float *d, float *dbias, long rows, long cols), (u, d, dbias, rows, cols))

BK_INLINE void bk_bias_dropout_residual_layernorm_body(
    const float *a, const float *bias, const float *residual, const float *gamma, const float *beta, float eps,
    float p, uint64_t seed, long index0, float *xhat, float *rstd, float *y, long rows, long cols) {
    // Sums may be reassociated so the reductions vectorize (results then differ only by rounding).
    #pragma clang fp reassociate(on)
    uint32_t threshold = bk_threshold(p);
    float keepScale = p > 0.0f ? 1.0f / (1.0f - p) : 1.0f;
    for (long i = 0; i < rows; i++) {
        const float *ar = a + i * cols;
        float *xr = xhat + i * cols, *yr = y + i * cols;
        uint32_t rowIndex = (uint32_t)(index0 + i * cols);
        const float *rr = residual ? residual + i * cols : 0;
        float sum = 0.0f;
        // Branches hoisted out of the loops, so each common case is one straight vectorizable loop.
        if (bias && rr && p > 0.0f) {
            uint32_t lo = (uint32_t)seed, hi = (uint32_t)(seed >> 32);
            for (long j = 0; j < cols; j++) {
                float v = (ar[j] + bias[j]) * bk_keep_scale(lo, hi, rowIndex + (uint32_t)j, threshold, keepScale) + rr[j];
                xr[j] = v;
                sum += v;
            }
        } else if (bias && rr) {
            for (long j = 0; j < cols; j++) {
                float v = ar[j] + bias[j] + rr[j];
                xr[j] = v;
                sum += v;
            }
        } else if (!bias && !rr && p <= 0.0f) {
            for (long j = 0; j < cols; j++) {
                xr[j] = ar[j];
                sum += ar[j];
            }
        } else {
            for (long j = 0; j < cols; j++) {
                float v = ar[j] + (bias ? bias[j] : 0.0f);
                if (p > 0.0f) v *= bk_keep_scale((uint32_t)seed, (uint32_t)(seed >> 32), rowIndex + (uint32_t)j, threshold, keepScale);
                if (rr) v += rr[j];
                xr[j] = v;
                sum += v;
            }
        }
        float mean = sum / (float)cols, var = 0.0f;
        for (long j = 0; j < cols; j++) {
            float d = xr[j] - mean;
            var += d * d;
        }
        float r = 1.0f / sqrtf(var / (float)cols + eps);
        rstd[i] = r;
        for (long j = 0; j < cols; j++) {
            float h = (xr[j] - mean) * r;
            xr[j] = h;
            yr[j] = h * gamma[j] + beta[j];
        }
    }
}
BK_DISPATCH(bk_bias_dropout_residual_layernorm,
            (const float *a, const float *bias, const float *residual, const float *gamma, const float *beta,
             float eps, float p, uint64_t seed, long index0, float *xhat, float *rstd, float *y, long rows,
             long cols),
            (a, bias, residual, gamma, beta, eps, p, seed, index0, xhat, rstd, y, rows, cols))

BK_INLINE void bk_layernorm_backward_body(const float *dy, const float *xhat, const float *rstd,
                                          const float *gamma, float *dx, float *dgamma, float *dbeta,
                                          float *dbranch, float p, uint64_t seed, long index0, float *dbias,
                                          long rows, long cols) {
    // Sums may be reassociated so the reductions vectorize (results then differ only by rounding).
    #pragma clang fp reassociate(on)
    uint32_t threshold = bk_threshold(p), lo = (uint32_t)seed, hi = (uint32_t)(seed >> 32);
    float keepScale = p > 0.0f ? 1.0f / (1.0f - p) : 1.0f;
    for (long i = 0; i < rows; i++) {
        const float *dyr = dy + i * cols, *xr = xhat + i * cols;
        float *dxr = dx + i * cols;
        float s1 = 0.0f, s2 = 0.0f;
        for (long j = 0; j < cols; j++) {
            float g = dyr[j] * gamma[j];
            s1 += g;
            s2 += g * xr[j];
            dgamma[j] += dyr[j] * xr[j];
            dbeta[j] += dyr[j];
        }
        float m1 = s1 / (float)cols, m2 = s2 / (float)cols, r = rstd[i];
        if (!dbranch) {
            for (long j = 0; j < cols; j++) dxr[j] = r * (dyr[j] * gamma[j] - m1 - xr[j] * m2);
            continue;
        }
        float *br = dbranch + i * cols;
        uint32_t rowIndex = (uint32_t)(index0 + i * cols);
        if (p > 0.0f) {
            for (long j = 0; j < cols; j++) {
                float v = r * (dyr[j] * gamma[j] - m1 - xr[j] * m2);
                dxr[j] = v;
                v *= bk_keep_scale(lo, hi, rowIndex + (uint32_t)j, threshold, keepScale);
                br[j] = v;
                dbias[j] += v;
            }
        } else {
            for (long j = 0; j < cols; j++) {
                float v = r * (dyr[j] * gamma[j] - m1 - xr[j] * m2);
                dxr[j] = v;
                br[j] = v;
                dbias[j] += v;
            }
        }
    }
}
BK_DISPATCH(bk_layernorm_backward,
            (const float *dy, const float *xhat, const float *rstd, const float *gamma, float *dx, float *dgamma,
             float *dbeta, float *dbranch, float p, uint64_t seed, long index0, float *dbias, long rows, long cols),
            (dy, xhat, rstd, gamma, dx, dgamma, dbeta, dbranch, p, seed, index0, dbias, rows, cols))

BK_INLINE void bk_dropout_copy_body(const float *src, float *dst, long n, float p, uint64_t seed, long index0) {
    uint32_t threshold = bk_threshold(p);
    float keepScale = 1.0f / (1.0f - p);
    uint32_t base = (uint32_t)index0, lo = (uint32_t)seed, hi = (uint32_t)(seed >> 32);
    for (uint32_t i = 0; i < (uint32_t)n; i++) dst[i] = src[i] * bk_keep_scale(lo, hi, base + i, threshold, keepScale);
}
BK_DISPATCH(bk_dropout_copy, (const float *src, float *dst, long n, float p, uint64_t seed, long index0),
            (src, dst, n, p, seed, index0))
void bk_dropout(float *x, long n, float p, uint64_t seed, long index0) { bk_dropout_copy(x, x, n, p, seed, index0); }

BK_INLINE void bk_column_sums_body(const float *x, float *acc, long rows, long cols, long ld) {
    for (long i = 0; i < rows; i++)
        for (long j = 0; j < cols; j++) acc[j] += x[i * ld + j];
}
BK_DISPATCH(bk_column_sums, (const float *x, float *acc, long rows, long cols, long ld), (x, acc, rows, cols, ld))

BK_INLINE void bk_add_body(float *y, const float *x, long n) {
    for (long i = 0; i < n; i++) y[i] += x[i];
}
BK_DISPATCH(bk_add, (float *y, const float *x, long n), (y, x, n))

void bk_bias_tanh(float *y, const float *bias, long rows, long cols) {
    for (long i = 0; i < rows; i++)
        for (long j = 0; j < cols; j++) y[i * cols + j] = tanhf(y[i * cols + j] + bias[j]);
}

BK_INLINE void bk_adamw_body(float *param, const float *grad, float *m, float *v, long n, float lr, float beta1,
                             float beta2, float eps, float weightDecay, float bc1, float bc2) {
    float decay = 1.0f - lr * weightDecay, stepSize = lr / bc1, rbc2 = 1.0f / sqrtf(bc2);
    for (long i = 0; i < n; i++) {
        float g = grad[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        // __builtin_elementwise_sqrt: the correctly rounded square root without sqrtf's errno contract, which
        // kept this loop scalar (3.4x slower than memory allows).
        param[i] = param[i] * decay - stepSize * mi / (__builtin_elementwise_sqrt(vi) * rbc2 + eps);
    }
}
BK_DISPATCH(bk_adamw,
            (float *param, const float *grad, float *m, float *v, long n, float lr, float beta1, float beta2,
             float eps, float weightDecay, float bc1, float bc2),
            (param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, bc1, bc2))
