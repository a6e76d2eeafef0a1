// CRC-32C (Castagnoli) with SSE4.2's crc32 instruction, which computes exactly this CRC (reflected polynomial
// 0x82F63B78) over 1, 2, 4 or 8 bytes per instruction: Intel's SDM vol. 2A "CRC32". The caller (InputEncoding's
// CRC32C.swift) checks BK_CPU_SSE42 first and keeps its slicing-by-8 tables as the portable path; the package
// builds for baseline x86-64, so the instructions are enabled for this one function only (target attribute).
#include "CEncoderKernels.h"

#include <string.h>
#if defined(__x86_64__)
#include <nmmintrin.h>

__attribute__((target("sse4.2")))
uint32_t bk_crc32c_sse42(uint32_t crc, const uint8_t *p, size_t n) {
    uint64_t c = ~crc;
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);  // unaligned load
        c = _mm_crc32_u64(c, word);
        p += 8;
        n -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (n > 0) {
        c32 = _mm_crc32_u8(c32, *p);
        p++;
        n--;
    }
    return ~c32;
}

int bk_has_crc32c(void) { return (bk_cpu_features() & BK_CPU_SSE42) != 0; }
#else
uint32_t bk_crc32c_sse42(uint32_t crc, const uint8_t *p, size_t n) {
    (void)p;
    (void)n;
    return crc;  // never called: bk_has_crc32c() is 0
}

int bk_has_crc32c(void) { return 0; }
#endif
