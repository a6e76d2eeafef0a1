import CUTF8Proc

/// The one Swift file that calls utf8proc (through the system-library target `CUTF8Proc`).
///
/// Where utf8proc serves: its LUMP table (utf8proc.c, `UTF8PROC_LUMP`), which folds typographic variants
/// (curly quotes, dashes, Unicode spaces, fraction slash, …) to ASCII and has no ICU counterpart short of
/// a transliterator; it is read once per code point when the English profile builds its table. Unicode
/// forms go through ICU instead, which measured several times faster (BENCHMARKS.md, normalization section).
enum UTF8Proc {
    /// The code points a scalar becomes under utf8proc's lumping (itself when it is not lumped).
    static func lumped(_ scalar: UInt32) -> [UInt32] {
        var buffer = [utf8proc_int32_t](repeating: 0, count: 8)
        var boundClass: utf8proc_int32_t = 0
        let n = buffer.withUnsafeMutableBufferPointer {
            utf8proc_decompose_char(
                utf8proc_int32_t(bitPattern: scalar), $0.baseAddress, 8, UTF8PROC_LUMP, &boundClass)
        }
        guard n > 0 && n <= 8 else { return [scalar] }
        return buffer[0..<Int(n)].map { UInt32(bitPattern: $0) }
    }

    /// NFC through `utf8proc_map` (for benchmarks and cross-checks): nil when utf8proc reports an error.
    static func nfc(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var result: UnsafeMutablePointer<utf8proc_uint8_t>? = nil
        let options = utf8proc_option_t(rawValue: UTF8PROC_STABLE.rawValue | UTF8PROC_COMPOSE.rawValue)
        let n = utf8proc_map(input.baseAddress, utf8proc_ssize_t(input.count), &result, options)
        defer { free(result) }
        guard n >= 0, let result else { return nil }
        return Array(UnsafeBufferPointer(start: result, count: Int(n)))
    }

    /// The Unicode version of utf8proc's data.
    static var unicodeVersion: String { String(cString: utf8proc_unicode_version()) }
}
