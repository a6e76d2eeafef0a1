// UTF-8 normalization through ICU's C++ Normalizer2 API (normalizeUTF8 with Edits has no C counterpart:
// the C API, unorm2_*, works on UTF-16 only and would cost two conversions per call).
// Only plain C functions leave this file (declared in include/CICUShim.h).
#include "CICUShim.h"

#include <unicode/bytestream.h>
#include <unicode/edits.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>

namespace {
const icu::Normalizer2 *instance(int32_t form, UErrorCode &status) {
    switch (form) {
    case BK_FORM_NFC: return icu::Normalizer2::getNFCInstance(status);
    case BK_FORM_NFD: return icu::Normalizer2::getNFDInstance(status);
    case BK_FORM_NFKC: return icu::Normalizer2::getNFKCInstance(status);
    case BK_FORM_NFKD: return icu::Normalizer2::getNFKDInstance(status);
    case BK_FORM_NFKC_CF: return icu::Normalizer2::getNFKCCasefoldInstance(status);
    default: status = U_ILLEGAL_ARGUMENT_ERROR; return nullptr;
    }
}
}  // namespace

extern "C" int32_t bk_icu_normalize_utf8(int32_t form, const uint8_t *src, int32_t len, uint8_t *dst,
                                         int32_t cap, int32_t *map) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2 *n2 = instance(form, status);
    if (U_FAILURE(status)) return -(int32_t)status;
    icu::CheckedArrayByteSink sink(reinterpret_cast<char *>(dst), cap);
    icu::StringPiece piece(reinterpret_cast<const char *>(src), len);
    if (map == nullptr) {
        n2->normalizeUTF8(0, piece, sink, nullptr, status);
        if (U_FAILURE(status)) return -(int32_t)status;
        return sink.Overflowed() ? sink.NumberOfBytesAppended() : sink.NumberOfBytesWritten();
    }
    icu::Edits edits;
    n2->normalizeUTF8(0, piece, sink, &edits, status);
    if (U_FAILURE(status)) return -(int32_t)status;
    if (sink.Overflowed()) return sink.NumberOfBytesAppended();
    // The fine iterator keeps each replacement as small as ICU recorded it (one normalization segment).
    // ICU records UTF-8 edits byte by byte, so a changed span can start inside a multi-byte character:
    // its entries point back to the first byte of that character (which keeps the map non-decreasing).
    icu::Edits::Iterator it = edits.getFineIterator();
    while (it.next(status)) {
        int32_t s = it.sourceIndex(), d = it.destinationIndex();
        if (it.hasChange()) {
            while (s > 0 && (src[s] & 0xC0) == 0x80) s--;
            for (int32_t k = 0; k < it.newLength(); k++) map[d + k] = s;
        } else {
            for (int32_t k = 0; k < it.oldLength(); k++) map[d + k] = s + k;
        }
    }
    if (U_FAILURE(status)) return -(int32_t)status;
    int32_t written = sink.NumberOfBytesWritten();
    return written;
}

extern "C" int32_t bk_icu_is_normalized_utf8(int32_t form, const uint8_t *src, int32_t len) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2 *n2 = instance(form, status);
    if (U_FAILURE(status)) return -(int32_t)status;
    UBool yes = n2->isNormalizedUTF8(icu::StringPiece(reinterpret_cast<const char *>(src), len), status);
    if (U_FAILURE(status)) return -(int32_t)status;
    return yes ? 1 : 0;
}

extern "C" int32_t bk_icu_fill_stable_table(int32_t form, uint8_t *bits) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2 *n2 = instance(form, status);
    if (U_FAILURE(status)) return -(int32_t)status;
    for (UChar32 c = 0; c < 0x110000; c++) {
        if (!n2->hasBoundaryBefore(c)) continue;
        UChar u[2];
        int32_t n = 0;
        U16_APPEND_UNSAFE(u, n, c);
        icu::UnicodeString one(false, u, n);  // read-only alias, no copy
        if (n2->quickCheck(one, status) == UNORM_YES && U_SUCCESS(status)) bits[c >> 3] |= (uint8_t)(1u << (c & 7));
        status = U_ZERO_ERROR;
    }
    return 0;
}
