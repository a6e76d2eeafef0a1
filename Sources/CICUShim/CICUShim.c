// Thin wrappers over ICU4C; see include/CICUShim.h for why they exist.
#include "CICUShim.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>
#include <unicode/uversion.h>

int32_t bk_icu_char_type(uint32_t cp) { return (int32_t)u_charType((UChar32)cp); }

int32_t bk_icu_is_white_space(uint32_t cp) { return u_hasBinaryProperty((UChar32)cp, UCHAR_WHITE_SPACE) ? 1 : 0; }

uint32_t bk_icu_to_lower(uint32_t cp) { return (uint32_t)u_tolower((UChar32)cp); }

int32_t bk_icu_nfd_codepoint(uint32_t cp, uint32_t *out, int32_t cap) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&status);
    if (U_FAILURE(status)) return -1;
    UChar dst[64];
    // For the NFD instance this is the full canonical decomposition, or < 0 when the code point has none.
    int32_t dstLen = unorm2_getDecomposition(nfd, (UChar32)cp, dst, 64, &status);
    if (U_FAILURE(status)) return -1;
    if (dstLen < 0) {
        if (cap < 1) return 0;
        out[0] = cp;
        return 1;
    }
    int32_t n = 0;
    for (int32_t i = 0; i < dstLen && n < cap;) {
        UChar32 c;
        U16_NEXT(dst, i, dstLen, c);
        out[n++] = (uint32_t)c;
    }
    return n;
}

int32_t bk_icu_unicode_version(void) {
    UVersionInfo v;
    u_getUnicodeVersion(v);
    return v[0] * 100 + v[1];
}

// MARK: joining types and legacy code pages (normalization profiles)

#include <unicode/ucnv.h>

int32_t bk_icu_joining_type(uint32_t cp) {
    return (int32_t)u_getIntPropertyValue((UChar32)cp, UCHAR_JOINING_TYPE);
}

int32_t bk_icu_codepage_table(const char *name, uint32_t *out) {
    UErrorCode status = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open(name, &status);
    if (U_FAILURE(status)) return -(int32_t)status;
    // Stop on unmapped bytes instead of substituting, so they can be told apart from real mappings.
    ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &status);
    for (int b = 0; b < 256; b++) {
        char byte = (char)b;
        UChar u[4];
        status = U_ZERO_ERROR;
        ucnv_reset(cnv);
        int32_t n = ucnv_toUChars(cnv, u, 4, &byte, 1, &status);
        out[b] = (U_FAILURE(status) || n != 1) ? 0xFFFFFFFFu : (uint32_t)u[0];
    }
    ucnv_close(cnv);
    return 0;
}

// MARK: sentence boundaries

#include <unicode/ubrk.h>
#include <unicode/utext.h>

void *bk_icu_sentence_open(int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_SENTENCE, "", NULL, 0, &status);
    *error = (int32_t)status;
    return U_FAILURE(status) ? NULL : bi;
}

int32_t bk_icu_sentence_breaks(void *handle, const uint8_t *src, int32_t len, int32_t *out, int32_t cap) {
    UErrorCode status = U_ZERO_ERROR;
    // A UText over the UTF-8 bytes: the iterator's native indices are then byte offsets.
    UText text = UTEXT_INITIALIZER;
    utext_openUTF8(&text, (const char *)src, len, &status);
    if (U_FAILURE(status)) return -(int32_t)status;
    UBreakIterator *bi = (UBreakIterator *)handle;
    ubrk_setUText(bi, &text, &status);
    if (U_FAILURE(status)) {
        utext_close(&text);
        return -(int32_t)status;
    }
    int32_t count = 0;
    for (int32_t b = ubrk_following(bi, 0); b != UBRK_DONE; b = ubrk_next(bi)) {
        if (count < cap) out[count] = b;
        count++;
    }
    utext_close(&text);
    return count;
}

void bk_icu_sentence_close(void *handle) {
    ubrk_close((UBreakIterator *)handle);
}
