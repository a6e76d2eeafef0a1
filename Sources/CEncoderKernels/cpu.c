// CPU features from CPUID and XGETBV, read once: what the instructions report, not what a library's model table
// believes. The bit layout is Intel's SDM vol. 2A "CPUID" (leaf 1 ECX/EDX, leaf 7 sub-leaf 0 EBX/ECX/EDX,
// sub-leaf 1 EAX) and vol. 1 13.3 (XCR0: which register states the OS saves). OpenBLAS reads the same bits in
// its own detection (OpenMathLib/OpenBLAS driver/others/dynamic.c, support_avx512 and friends); these are
// read here independently so that bertkit can choose for itself.
#include "kernels_internal.h"

#include <stdlib.h>
#include <strings.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
// XCR0 through the xgetbv instruction (encoded by hand so no target attribute is needed); only valid when
// CPUID.1:ECX.OSXSAVE is set.
static uint64_t bk_xgetbv0(void) {
    uint32_t eax, edx;
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

static uint64_t bk_read_features(void) {
    unsigned a, b, c, d, max;
    uint64_t f = 0;
    if (!__get_cpuid(0, &max, &b, &c, &d)) return 0;
    if (max >= 1 && __get_cpuid(1, &a, &b, &c, &d)) {
        if (d & (1u << 26)) f |= BK_CPU_SSE2;
        if (c & (1u << 0)) f |= BK_CPU_SSE3;
        if (c & (1u << 9)) f |= BK_CPU_SSSE3;
        if (c & (1u << 12)) f |= BK_CPU_FMA;
        if (c & (1u << 19)) f |= BK_CPU_SSE41;
        if (c & (1u << 20)) f |= BK_CPU_SSE42;
        if (c & (1u << 28)) f |= BK_CPU_AVX;
        if (c & (1u << 27)) {
            uint64_t xcr0 = bk_xgetbv0();
            if ((xcr0 & 0x6) == 0x6) f |= BK_CPU_OS_YMM;             // SSE and AVX (YMM upper) state
            if ((xcr0 & 0xE6) == 0xE6) f |= BK_CPU_OS_ZMM;           // + opmask, ZMM_Hi256, Hi16_ZMM
            if ((xcr0 & 0x60000) == 0x60000) f |= BK_CPU_OS_AMX;     // XTILECFG and XTILEDATA
        }
    }
    if (max >= 7 && __get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        unsigned subleaves = a;
        if (b & (1u << 5)) f |= BK_CPU_AVX2;
        if (b & (1u << 16)) f |= BK_CPU_AVX512F;
        if (b & (1u << 17)) f |= BK_CPU_AVX512DQ;
        if (b & (1u << 30)) f |= BK_CPU_AVX512BW;
        if (b & (1u << 31)) f |= BK_CPU_AVX512VL;
        if (c & (1u << 11)) f |= BK_CPU_AVX512VNNI;
        if (d & (1u << 22)) f |= BK_CPU_AMXBF16;
        if (d & (1u << 23)) f |= BK_CPU_AVX512FP16;
        if (d & (1u << 24)) f |= BK_CPU_AMXTILE;
        if (subleaves >= 1 && __get_cpuid_count(7, 1, &a, &b, &c, &d)) {
            if (a & (1u << 5)) f |= BK_CPU_AVX512BF16;
        }
    }
    return f;
}
#endif

uint64_t bk_cpu_features(void) {
    static uint64_t cached;
    static int done;
    if (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
#if defined(__x86_64__) || defined(__i386__)
        uint64_t f = bk_read_features();
#else
        uint64_t f = 0;
#endif
        __atomic_store_n(&cached, f, __ATOMIC_RELAXED);
        __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
    }
    return __atomic_load_n(&cached, __ATOMIC_RELAXED);
}

void bk_cpu_identity(char *vendor, char *brand, int *family, int *model) {
    vendor[0] = 0;
    brand[0] = 0;
    *family = 0;
    *model = 0;
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d, max;
    if (!__get_cpuid(0, &max, &b, &c, &d)) return;
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = 0;
    if (max >= 1 && __get_cpuid(1, &a, &b, &c, &d)) {
        // Display family and model (SDM: extended family added when family is 0xF, extended model when 6 or 0xF).
        unsigned fam = (a >> 8) & 0xF, mod = (a >> 4) & 0xF;
        if (fam == 0xF) fam += (a >> 20) & 0xFF;
        if (fam == 0x6 || fam >= 0xF) mod += ((a >> 16) & 0xF) << 4;
        *family = (int)fam;
        *model = (int)mod;
    }
    unsigned top = __get_cpuid_max(0x80000000, NULL);
    if (top >= 0x80000004) {
        unsigned regs[12];
        for (unsigned i = 0; i < 3; i++) __get_cpuid(0x80000002 + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
        memcpy(brand, regs, 48);
        brand[48] = 0;
    }
#endif
}

int bk_kernel_level(uint64_t features, const char *request) {
    int level = 0;
    uint64_t avx2 = BK_CPU_AVX | BK_CPU_AVX2 | BK_CPU_FMA | BK_CPU_OS_YMM;
    uint64_t wide = BK_CPU_AVX512F | BK_CPU_AVX512VL | BK_CPU_OS_ZMM;
    if ((features & avx2) == avx2) level = (features & wide) == wide ? 2 : 1;
    if (request == NULL || request[0] == 0) return level;
    int cap = !strcasecmp(request, "avx512") ? 2 : !strcasecmp(request, "avx2") ? 1 : !strcasecmp(request, "baseline") ? 0 : 2;
    return level < cap ? level : cap;
}

int bk_cpu_level(void) {
    static int cached = -1;
    int level = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (level < 0) {
        level = bk_kernel_level(bk_cpu_features(), getenv("BERTKIT_KERNELS"));
        __atomic_store_n(&cached, level, __ATOMIC_RELAXED);
    }
    return level;
}

int bk_has_avx2_fma(void) { return bk_cpu_level() >= 1; }
