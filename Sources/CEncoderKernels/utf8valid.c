// UTF-8 validation for InputEncoding's dataset readers (ByteScan.firstInvalidUTF8): the offset of the first byte
// that does not start or continue a well-formed sequence (Unicode Table 3-7: no overlongs, no surrogates,
// nothing above U+10FFFF), the same answer as LineIO's UTF8Validation.firstInvalidByte, which the tests use as
// the reference. Runs of ASCII are skipped 32 bytes at a time (AVX2, at the encoder kernels' level) or 16 (SSE2);
// a non-ASCII stretch is checked sequence by sequence until the next ASCII byte.
#include "CEncoderKernels.h"

// The length of the well-formed sequence whose lead byte p[i] is at least 0x80, or 0 when it is ill-formed
// (truncated by the end of the buffer included).
static inline size_t sequence_length(const uint8_t *p, size_t i, size_t n) {
    const uint8_t b0 = p[i];
    if (b0 < 0xC2) return 0;  // a continuation byte, or an overlong two-byte lead
    if (b0 < 0xE0) return i + 1 < n && (p[i + 1] & 0xC0) == 0x80 ? 2 : 0;
    if (b0 < 0xF0) {
        if (i + 2 >= n) return 0;
        const uint8_t lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
        return p[i + 1] >= lo && p[i + 1] <= hi && (p[i + 2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (b0 < 0xF5) {
        if (i + 3 >= n) return 0;
        const uint8_t lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
        return p[i + 1] >= lo && p[i + 1] <= hi && (p[i + 2] & 0xC0) == 0x80 && (p[i + 3] & 0xC0) == 0x80 ? 4 : 0;
    }
    return 0;
}

// Checks the non-ASCII stretch starting at *i (p[*i] >= 0x80) up to the next ASCII byte; false at an ill-formed
// sequence, with *i at its lead byte.
static inline int check_stretch(const uint8_t *p, size_t *i, size_t n) {
    size_t k = *i;
    while (k < n && p[k] >= 0x80) {
        const size_t length = sequence_length(p, k, n);
        if (length == 0) {
            *i = k;
            return 0;
        }
        k += length;
    }
    *i = k;
    return 1;
}

// Returns the offset of the first byte at or after i that may not be ASCII: i itself when the skipper has no
// vector width, or n when only ASCII follows.
typedef size_t (*ascii_skip)(const uint8_t *p, size_t i, size_t n);

static size_t skip_none(const uint8_t *p, size_t i, size_t n) {
    (void)p;
    (void)n;
    return i;
}

// ASCII skipped by `skip`, then each non-ASCII stretch checked; a byte left below the vector width goes one by one.
static size_t first_invalid_with(const uint8_t *p, size_t n, ascii_skip skip) {
    size_t i = 0;
    while (i < n) {
        i = skip(p, i, n);
        if (i >= n) break;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        if (!check_stretch(p, &i, n)) return i;
    }
    return n;
}

#if defined(__x86_64__)
#include <immintrin.h>

static size_t skip_sse2(const uint8_t *p, size_t i, size_t n) {
    for (; i + 16 <= n; i += 16) {
        const unsigned mask = (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(p + i)));
        if (mask) return i + (size_t)__builtin_ctz(mask);
    }
    return i;
}

__attribute__((target("avx2")))
static size_t skip_avx2(const uint8_t *p, size_t i, size_t n) {
    for (; i + 32 <= n; i += 32) {
        const unsigned mask = (unsigned)_mm256_movemask_epi8(_mm256_loadu_si256((const __m256i *)(p + i)));
        if (mask) return i + (size_t)__builtin_ctz(mask);
    }
    return i;
}

size_t bk_utf8_first_invalid_sse2(const uint8_t *p, size_t n) { return first_invalid_with(p, n, skip_sse2); }

size_t bk_utf8_first_invalid(const uint8_t *p, size_t n) {
    return first_invalid_with(p, n, bk_cpu_level() >= 1 ? skip_avx2 : skip_sse2);
}
#else
size_t bk_utf8_first_invalid_sse2(const uint8_t *p, size_t n) { return first_invalid_with(p, n, skip_none); }
size_t bk_utf8_first_invalid(const uint8_t *p, size_t n) { return first_invalid_with(p, n, skip_none); }
#endif

size_t bk_utf8_first_invalid_scalar(const uint8_t *p, size_t n) { return first_invalid_with(p, n, skip_none); }
