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

#ifdef __cplusplus
}
#endif

#endif
