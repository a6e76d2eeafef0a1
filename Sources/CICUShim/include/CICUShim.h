// CICUShim: the only translation unit that includes ICU headers.
//
// Foundation ships its own copy of ICU's headers, so a Swift module that imported both would not compile;
// and ICU renames every function with a version suffix (u_charType_72) through macros Swift cannot see.
// This header therefore exposes plain C functions over plain integer types, and nothing else.
#ifndef CICUSHIM_H
#define CICUSHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// ICU's general category of a code point (the UCharCategory numbering, e.g. 6 = non-spacing mark).
int32_t bk_icu_char_type(uint32_t cp);

/// 1 when the code point has the Unicode White_Space property, else 0.
int32_t bk_icu_is_white_space(uint32_t cp);

/// Simple (one-to-one) lowercase mapping of a code point.
uint32_t bk_icu_to_lower(uint32_t cp);

/// The full canonical decomposition (NFD) of one code point, written as UTF-32 into out.
/// Returns the number of code points (at most cap), or -1 on an ICU error.
int32_t bk_icu_nfd_codepoint(uint32_t cp, uint32_t *out, int32_t cap);

/// ICU's Unicode version as major*100 + minor (e.g. 1500 for Unicode 15.0).
int32_t bk_icu_unicode_version(void);

// MARK: normalization on UTF-8 (CICUShimNormalizer.cpp: ICU's UTF-8 normalization API is C++ only)

/// Normalization forms, numbered for bk_icu_normalize_utf8 and friends.
enum { BK_FORM_NFC = 0, BK_FORM_NFD = 1, BK_FORM_NFKC = 2, BK_FORM_NFKD = 3, BK_FORM_NFKC_CF = 4 };

/// Normalizes well-formed UTF-8 src[0..<len] into dst (capacity cap) with ICU's Normalizer2::normalizeUTF8.
/// When map is not NULL (cap entries), map[i] receives the src offset that output byte i comes from:
/// unchanged bytes map one to one, each byte of a changed span maps to the start of the span it replaces.
/// Returns the output length; a value above cap means dst was too small (retry with that capacity);
/// a negative value is -(ICU error code) (or -1000 for an unknown form).
int32_t bk_icu_normalize_utf8(int32_t form, const uint8_t *src, int32_t len, uint8_t *dst, int32_t cap,
                              int32_t *map);

/// 1 when src is already in the form, 0 when not, negative on an ICU error.
int32_t bk_icu_is_normalized_utf8(int32_t form, const uint8_t *src, int32_t len);

/// Sets bit c of bits (0x110000 bits = 139264 bytes, little-endian within a byte) for each code point c
/// that stands for itself in the form and has a normalization boundary before it, so that text made of such
/// code points is already normalized and can be copied. Returns 0, or a negative ICU error.
int32_t bk_icu_fill_stable_table(int32_t form, uint8_t *bits);

/// ICU's Joining_Type of a code point (UJoiningType: 0 non-joining, 1 join-causing, 2 dual, 3 left,
/// 4 right, 5 transparent).
int32_t bk_icu_joining_type(uint32_t cp);

/// Decodes each single byte 0...255 with the named ICU converter (e.g. "windows-1252"); out[b] receives the
/// code point, or 0xFFFFFFFF where the byte is unmapped. Returns 0, or a negative ICU error.
int32_t bk_icu_codepage_table(const char *name, uint32_t *out);

// MARK: sentence boundaries (UAX #29 rules of ICU's root locale)

/// Opens a sentence break iterator; returns an opaque handle, or NULL with *error set to ICU's error code.
void *bk_icu_sentence_open(int32_t *error);

/// Finds the sentence boundaries of well-formed UTF-8 src[0..<len] with an iterator from bk_icu_sentence_open:
/// out receives the UTF-8 byte offsets where sentences end (the last is len), at most cap of them. Returns the
/// number of boundaries (more than cap means out was too small: retry with that capacity), or -(ICU error code).
int32_t bk_icu_sentence_breaks(void *handle, const uint8_t *src, int32_t len, int32_t *out, int32_t cap);

/// Closes an iterator from bk_icu_sentence_open.
void bk_icu_sentence_close(void *handle);

#ifdef __cplusplus
}
#endif

#endif
