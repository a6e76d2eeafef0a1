// Shared by the kernel files of CEncoderKernels (not part of the public header): the AVX2/FMA dispatch
// macro, the inline exp and the counter-based dropout hash, so every file draws the same masks.
#ifndef BERTKIT_KERNELS_INTERNAL_H
#define BERTKIT_KERNELS_INTERNAL_H
#include "CEncoderKernels.h"
#include <math.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define BK_VECTOR_ATTR __attribute__((target("avx2,fma")))
#else
#define BK_VECTOR_ATTR
#endif

#define BK_INLINE static inline __attribute__((always_inline))

// Defines name_vec (AVX2+FMA), name_base and the exported dispatcher `name` over BODY(args).
#define BK_DISPATCH(name, params, args)                                                        \
    BK_VECTOR_ATTR static void name##_vec params { name##_body args; }                         \
    static void name##_base params { name##_body args; }                                       \
    void name params {                                                                         \
        if (bk_has_avx2_fma()) name##_vec args; else name##_base args;                         \
    }

// The core of bk_exp for a scalar or vector type T: from the clamped argument c and n = floor(c log2 e + 1/2),
// declares y = exp(c - n ln 2) (Cephes-style split of ln 2, degree-6 polynomial).
#define BK_EXP_REDUCED(T, c, n, y)                                                              \
    T r_ = (c) - (n) * 0.693359375f;                                                            \
    r_ = r_ + (n) * 2.12194440e-4f;                                                             \
    T z_ = r_ * r_;                                                                             \
    T y = 1.9875691500e-4f;                                                                     \
    y = y * r_ + 1.3981999507e-3f;                                                              \
    y = y * r_ + 8.3334519073e-3f;                                                              \
    y = y * r_ + 4.1665795894e-2f;                                                              \
    y = y * r_ + 1.6666665459e-1f;                                                              \
    y = y * r_ + 5.0000001201e-1f;                                                              \
    y = y * z_ + r_ + 1.0f

// exp(x) for x in float range, ~1 ulp on the reduced argument, written without calls so it vectorizes;
// underflows to exactly 0 below -87.
BK_INLINE float bk_exp(float x) {
    float c = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    float n = __builtin_floorf(c * 1.44269504088896341f + 0.5f);
    BK_EXP_REDUCED(float, c, n, y);
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return x < -87.0f ? 0.0f : y * scale;
}

// Standard normal CDF Phi(u) = 0.5 (1 + erf(u / sqrt 2)) via Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7),
// computed on the tail so negative u keeps its relative accuracy. Also returns exp(-u^2/2).
BK_INLINE float bk_normal_cdf(float u, float *gauss) {
    float x = fabsf(u) * 0.70710678118654752f;
    float t = 1.0f / (1.0f + 0.3275911f * x);
    float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
    float e = bk_exp(-x * x);
    *gauss = e;
    float tail = 0.5f * poly * e;
    return u >= 0.0f ? 1.0f - tail : tail;
}

// Counter-based hash (Wellons' lowbias32) for dropout masks: no state, so any thread split agrees.
BK_INLINE uint32_t bk_hash32(uint32_t x) {
    x ^= x >> 16; x *= 0x7feb352dU; x ^= x >> 15; x *= 0x846ca68bU; x ^= x >> 16;
    return x;
}
// The counter is the element index modulo 2^32 (32-bit lanes keep the loops 8-wide). The seed of a site is
// already a SplitMix64 output, so one hash round over the seeded counter is enough: each site reads the
// hashed counter sequence from its own random offset (masks are drawn in the forward and again in the backward,
// so a second round was a measurable share of the attention time).
BK_INLINE float bk_keep_scale(uint32_t seedLow, uint32_t seedHigh, uint32_t index, uint32_t threshold, float scale) {
    uint32_t h = bk_hash32((index ^ seedHigh) + seedLow);
    return h >= threshold ? scale : 0.0f;
}
BK_INLINE uint32_t bk_threshold(float p) {
    double t = (double)p * 4294967296.0;
    return t >= 4294967295.0 ? 0xFFFFFFFFU : (uint32_t)t;
}

#endif
