// utf8proc (libutf8proc-dev) for TextNormalization's UTF8Proc.swift, the only Swift file that imports it.
#include <utf8proc.h>
