// utf8proc (libutf8proc-dev) for the benchmark's utf8proc-NFC peer. BertKit's own utf8proc wrapper
// (Sources/TextNormalization/UTF8Proc.swift) is internal to the library, so the benchmark reaches it itself.
#include <utf8proc.h>
