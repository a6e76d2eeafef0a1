// ICU's own UTF-8 NFC throughput, for comparison with BertKit's Swift API (Scripts/bench/normalize.sh).
// Normalizes FILE line by line with Normalizer2::normalizeUTF8 into a reused buffer (as BertKit does), best of
// REPEATS runs; also utf8proc_map(COMPOSE) per line, and ICU's UTF-16 API with the two conversions.
// Build: c++ -O2 icu_nfc.cpp -licuuc -licudata -lutf8proc
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <utf8proc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

static double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int main(int argc, char **argv) {
    if (argc < 2) { std::fprintf(stderr, "usage: icu_nfc FILE [REPEATS]\n"); return 2; }
    int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
    std::ifstream in(argv[1], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t i = 0; i <= text.size(); i++) {
        if (i == text.size() || text[i] == '\n') { lines.push_back(text.substr(start, i - start)); start = i + 1; }
    }
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2 *nfc = icu::Normalizer2::getNFCInstance(status);
    std::vector<char> buffer(1 << 20);
    double best = 1e9, bestUtf16 = 1e9, bestUtf8proc = 1e9;
    size_t outBytes = 0;
    for (int r = 0; r < repeats; r++) {
        double t = now();
        outBytes = 0;
        for (const std::string &line : lines) {
            icu::CheckedArrayByteSink sink(buffer.data(), (int32_t)buffer.size());
            nfc->normalizeUTF8(0, icu::StringPiece(line.data(), (int32_t)line.size()), sink, nullptr, status);
            outBytes += sink.NumberOfBytesWritten();
        }
        best = std::min(best, now() - t);
        t = now();
        for (const std::string &line : lines) {
            icu::UnicodeString s = icu::UnicodeString::fromUTF8(line);
            icu::UnicodeString n = nfc->normalize(s, status);
            std::string back;
            n.toUTF8String(back);
        }
        bestUtf16 = std::min(bestUtf16, now() - t);
        t = now();
        for (const std::string &line : lines) {
            utf8proc_uint8_t *result = nullptr;
            utf8proc_map((const utf8proc_uint8_t *)line.data(), (utf8proc_ssize_t)line.size(), &result,
                         (utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
            std::free(result);
        }
        bestUtf8proc = std::min(bestUtf8proc, now() - t);
    }
    if (U_FAILURE(status)) { std::fprintf(stderr, "icu error %d\n", status); return 1; }
    double mb = text.size() / 1e6;
    std::printf("icu-utf8 %.1f MB/s (%.4f s, %zu bytes out)\n", mb / best, best, outBytes);
    std::printf("icu-utf16-convert %.1f MB/s\n", mb / bestUtf16);
    std::printf("utf8proc %.1f MB/s\n", mb / bestUtf8proc);
    return 0;
}
