// zlib (system library, Debian zlib1g-dev): gzip-compressed dataset inputs are inflated while streaming.
#include <zlib.h>
