// The first byte equal to either of two values, for InputEncoding's CSV/TSV scanner (ByteScan.firstOf): the
// delimiter or the line feed in an unquoted field, the quote or the line feed in a quoted one. Compares 16 bytes
// at a time (SSE2, baseline x86-64) or 32 (AVX2, at the encoder kernels' level: CPUID, capped by
// BERTKIT_KERNELS) and takes the first hit from the comparison's bit mask; the tail and other CPUs go byte by byte.
#include "CEncoderKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

static size_t find2_tail(const uint8_t *p, size_t i, size_t n, uint8_t a, uint8_t b) {
    for (; i < n; i++) {
        if (p[i] == a || p[i] == b) return i;
    }
    return n;
}

static size_t find2_sse2(const uint8_t *p, size_t n, uint8_t a, uint8_t b) {
    const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + i));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)));
        if (mask) return i + (size_t)__builtin_ctz(mask);
    }
    return find2_tail(p, i, n, a, b);
}

__attribute__((target("avx2")))
static size_t find2_avx2(const uint8_t *p, size_t n, uint8_t a, uint8_t b) {
    const __m256i va = _mm256_set1_epi8((char)a), vb = _mm256_set1_epi8((char)b);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(p + i));
        unsigned mask = (unsigned)_mm256_movemask_epi8(_mm256_or_si256(_mm256_cmpeq_epi8(x, va), _mm256_cmpeq_epi8(x, vb)));
        if (mask) return i + (size_t)__builtin_ctz(mask);
    }
    if (i + 16 <= n) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + i));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_cmpeq_epi8(x, _mm256_castsi256_si128(va)), _mm_cmpeq_epi8(x, _mm256_castsi256_si128(vb))));
        if (mask) return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
    return find2_tail(p, i, n, a, b);
}

size_t bk_find2_sse2(const uint8_t *p, size_t n, uint8_t a, uint8_t b) { return find2_sse2(p, n, a, b); }

size_t bk_find2(const uint8_t *p, size_t n, uint8_t a, uint8_t b) {
    // The encoder kernels' level: AVX2 present and saved by the OS, unless BERTKIT_KERNELS=baseline.
    return bk_cpu_level() >= 1 ? find2_avx2(p, n, a, b) : find2_sse2(p, n, a, b);
}
#else
size_t bk_find2(const uint8_t *p, size_t n, uint8_t a, uint8_t b) {
    for (size_t i = 0; i < n; i++) {
        if (p[i] == a || p[i] == b) return i;
    }
    return n;
}

size_t bk_find2_sse2(const uint8_t *p, size_t n, uint8_t a, uint8_t b) { return bk_find2(p, n, a, b); }
#endif
