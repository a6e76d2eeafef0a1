#ifndef CLIBFUZZER_H
#define CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, for programs that keep their own main (libFuzzer >= 11, `FuzzerDriver.cpp`): parses
/// libFuzzer's flags from argv and calls `callback` with each input. Declared only: it is defined by the
/// libFuzzer runtime that `-sanitize=fuzzer` links, and referenced only when bertkit-fuzz is compiled with
/// `-DBERTKIT_LIBFUZZER` (Scripts/fuzz.sh), so an ordinary build never needs the symbol.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
