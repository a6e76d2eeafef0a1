// Fused elementwise kernels for the native BERT encoder (NativeEncoder). Row-major float32 throughout.
// Each function has a baseline x86-64 body and an AVX2+FMA clone picked at run time from CPUID (bk_cpu_level);
// both compute the same formulas, so results differ only by rounding. Also: CPU feature detection, and CRC-32C
// with SSE4.2 for InputEncoding's TFRecord framing (crc32c.c).
#ifndef BERTKIT_CENCODERKERNELS_H
#define BERTKIT_CENCODERKERNELS_H
#include <stddef.h>
#include <stdint.h>

/// CPU feature bits of bk_cpu_features (CPUID leaves 1 and 7; the BK_CPU_OS_* bits are XCR0, i.e. whether the
/// operating system saves the registers, without which the instructions fault).
enum {
    BK_CPU_SSE2 = 1 << 0, BK_CPU_SSE3 = 1 << 1, BK_CPU_SSSE3 = 1 << 2, BK_CPU_SSE41 = 1 << 3, BK_CPU_SSE42 = 1 << 4,
    BK_CPU_AVX = 1 << 5, BK_CPU_FMA = 1 << 6, BK_CPU_AVX2 = 1 << 7,
    BK_CPU_AVX512F = 1 << 8, BK_CPU_AVX512DQ = 1 << 9, BK_CPU_AVX512BW = 1 << 10, BK_CPU_AVX512VL = 1 << 11,
    BK_CPU_AVX512VNNI = 1 << 12, BK_CPU_AVX512BF16 = 1 << 13, BK_CPU_AVX512FP16 = 1 << 14,
    BK_CPU_AMXTILE = 1 << 15, BK_CPU_AMXBF16 = 1 << 16,
    BK_CPU_OS_YMM = 1 << 24, BK_CPU_OS_ZMM = 1 << 25, BK_CPU_OS_AMX = 1 << 26,
};
/// The CPU's feature bits (BK_CPU_*), read once with CPUID and XGETBV; 0 off x86.
uint64_t bk_cpu_features(void);
/// Vendor (13 bytes with the NUL), brand string (49 bytes) and display family/model from CPUID; empty/0 when unknown.
void bk_cpu_identity(char *vendor, char *brand, int *family, int *model);
/// The kernel level for a feature set: 0 baseline, 1 AVX2+FMA, 2 also AVX-512 (F, VL, and the OS saves ZMM),
/// capped by `request` ("avx512", "avx2" or "baseline", case-insensitive; NULL, empty or anything else: no cap).
int bk_kernel_level(uint64_t features, const char *request);
/// bk_kernel_level(bk_cpu_features(), getenv("BERTKIT_KERNELS")), computed once: the encoder's kernels pick their
/// clone from the CPU, whatever OpenBLAS runs; BERTKIT_KERNELS=avx2 forces the AVX2 clones (for testing).
int bk_cpu_level(void);
/// 1 when the AVX2+FMA clones run (bk_cpu_level() >= 1).
int bk_has_avx2_fma(void);

/// The offset of the first byte of p[0..<n] equal to a or b, or n when there is none (bytescan.c).
size_t bk_find2(const uint8_t *p, size_t n, uint8_t a, uint8_t b);
/// bk_find2 with 16-byte SSE2 compares whatever the CPU has (for tests; the byte loop off x86-64).
size_t bk_find2_sse2(const uint8_t *p, size_t n, uint8_t a, uint8_t b);

/// The offset of the first byte of p[0..<n] that is not part of a well-formed UTF-8 sequence, or n when all are
/// (utf8valid.c): ASCII runs skipped 32 bytes at a time (AVX2) or 16 (SSE2).
size_t bk_utf8_first_invalid(const uint8_t *p, size_t n);
/// bk_utf8_first_invalid with 16-byte SSE2 skips whatever the CPU has (for tests; scalar off x86-64).
size_t bk_utf8_first_invalid_sse2(const uint8_t *p, size_t n);
/// bk_utf8_first_invalid one byte at a time (for tests).
size_t bk_utf8_first_invalid_scalar(const uint8_t *p, size_t n);

/// 1 when bk_crc32c_sse42 may run (x86-64 with SSE4.2).
int bk_has_crc32c(void);
/// CRC-32C of n bytes at p, continuing from `crc` (0 to start), with SSE4.2's crc32 instruction. Only when
/// bk_has_crc32c() is 1.
uint32_t bk_crc32c_sse42(uint32_t crc, const uint8_t *p, size_t n);

/// u[i,j] += bias[j] (bias may be NULL: u is then only read); g = gelu(u) with the erf form 0.5 u (1 + erf(u / sqrt 2)).
void bk_bias_gelu_forward(float *u, const float *bias, float *g, long rows, long cols);
/// d = d * gelu'(u) for rows x cols (d holds dL/dgelu on entry, dL/du on exit); when dbias is not NULL,
/// adds the column sums of the result to it (the bias gradient, in the same pass).
void bk_gelu_backward(const float *u, float *d, float *dbias, long rows, long cols);

/// s = dropout(a + bias) + residual per row (bias/residual may be NULL, dropout off when p == 0), then
/// LayerNorm: xhat = (s - mean) * rstd, y = xhat * gamma + beta. Stores xhat and rstd for the backward.
/// `index0` is the flat index of a[0] in the dropout stream of `seed`.
void bk_bias_dropout_residual_layernorm(const float *a, const float *bias, const float *residual,
                                        const float *gamma, const float *beta, float eps,
                                        float p, uint64_t seed, long index0,
                                        float *xhat, float *rstd, float *y, long rows, long cols);
/// LayerNorm backward for rows: dx = rstd (dxh - mean(dxh) - xhat mean(dxh xhat)), dxh = dy gamma;
/// adds sum(dy xhat) to dgamma and sum(dy) to dbeta (partial sums: callers give each thread its own).
/// With dbranch (else NULL), also the residual block's dense branch in the same pass: dbranch = dropout(dx)
/// (mask at index0 + i * cols + j, a copy when p == 0) and dbias += its column sums.
void bk_layernorm_backward(const float *dy, const float *xhat, const float *rstd, const float *gamma,
                           float *dx, float *dgamma, float *dbeta, float *dbranch, float p, uint64_t seed,
                           long index0, float *dbias, long rows, long cols);

/// Inverted dropout with a counter-based mask: x[i] = keep(seed, index0 + i) ? x[i] / (1 - p) : 0.
/// The same (seed, index) always gives the same mask, whatever the thread split.
void bk_dropout(float *x, long n, float p, uint64_t seed, long index0);
/// dst = dropout(src), same mask as bk_dropout.
void bk_dropout_copy(const float *src, float *dst, long n, float p, uint64_t seed, long index0);

/// The instruction set the attention kernels use for a given allowWide: "AVX-512" (allowed and on the CPU),
/// "AVX2+FMA" or "baseline".
const char *bk_attention_isa(int allowWide);

/// One query row of attention probabilities: unless `recompute`, x (raw q . k scores) becomes
/// softmax(x * scale + keyBias) in place; then dropped = dropout(x) with bk_dropout_copy's mask at index0 + j (a
/// copy when prob == 0). With `recompute`, x already holds the probabilities (a backward pass).
void bk_attention_row(float *x, const float *keyBias, long keys, float scale, float prob, uint64_t seed, long index0,
                      float *dropped, int recompute);

/// Backward of one attention row through dropout and softmax: with probabilities p, dropped d and g = dLoss/dd on
/// entry, g becomes dLoss/d(raw score) = scale (d g - p sum(d g)).
void bk_attention_row_backward(const float *p, const float *d, float *g, float scale, long keys);

/// Self-attention of one (sequence, head). q, k, v point at the head's first query, key and value (rows `ld`
/// floats apart, `dh` columns); `rows` query rows (the first ones) attend to `seq` keys. probs (rows x seq) gets
/// softmax(q k^T * scale + keyBias); context (rows x dh, row stride ldc) = dropout(probs) v, where the dropout
/// (when prob > 0) uses bk_dropout_copy's mask at flat index index0 + i * seq + j and is not stored.
/// scratch holds 3 x seq x dh + rows x seq floats. allowWide (0/1) permits the AVX-512 clone where
/// bk_cpu_level() is 2; NativeEncoder always allows it (tests pass 0 to check the AVX2 clone), so the clone follows
/// the CPU, not OpenBLAS's kernels.
void bk_attention_forward(const float *q, const float *k, const float *v, long ld, long seq, long rows, long dh,
                          const float *keyBias, float scale, float prob, uint64_t seed, long index0, float *probs,
                          float *context, long ldc, float *scratch, int allowWide);
/// Backward of bk_attention_forward from its probs and the same dropout arguments (the mask is hashed again),
/// and dContext (rows x dh, row stride lddc): writes dq (rows x dh), dk and dv (seq x dh), all with row stride ld.
/// scratch holds 5 x seq x dh + 2 x rows x seq floats.
void bk_attention_backward(const float *q, const float *k, const float *v, long ld, long seq, long rows, long dh,
                           const float *probs, float scale, float prob, uint64_t seed, long index0,
                           const float *dContext, long lddc, float *dq, float *dk, float *dv, float *scratch,
                           int allowWide);

/// acc[j] += sum over rows of x[i, j] (bias gradients).
void bk_column_sums(const float *x, float *acc, long rows, long cols, long ld);
/// y[i] += x[i].
void bk_add(float *y, const float *x, long n);
/// y[i,j] = tanh(y[i,j] + bias[j]).
void bk_bias_tanh(float *y, const float *bias, long rows, long cols);

/// AdamW (decoupled weight decay, PyTorch's torch.optim.AdamW formula) over n parameters.
/// bc1 = 1 - beta1^t, bc2 = 1 - beta2^t.
void bk_adamw(float *param, const float *grad, float *m, float *v, long n, float lr, float beta1,
              float beta2, float eps, float weightDecay, float bc1, float bc2);
#endif
