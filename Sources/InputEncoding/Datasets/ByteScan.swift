import CEncoderKernels
import LineIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte searches for the readers' hot loops: one of two bytes with SSE2/AVX2 (`bk_find2`) or eight bytes at
/// a time (SWAR) on short spans, libc `memchr` for one byte.
enum ByteScan {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Nonzero high bits mark bytes of `word` equal to `byte`. The lowest marked byte is always a true
    /// match (borrows only create false marks above a true one), which is all a first-match search needs.
    @inline(__always)
    static func matches(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern
        return (x &- ones) & ~x & highs
    }

    /// The offset of the first byte in `[from, to)` equal to `a` or `b`, or `to` when there is none.
    @inline(__always)
    static func firstOf(_ a: UInt8, _ b: UInt8, in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        // Spans of 32 bytes or more go to the vector search. The CSV scanner passes the end of its read buffer,
        // not of the field, so that is nearly every search; the loop below serves the buffer's last bytes.
        if to &- from >= 32 { return from &+ bk_find2(base + from, to &- from, a, b) }
        var i = from
        #if _endian(little)
        let pa = ones &* UInt64(a)
        let pb = ones &* UInt64(b)
        let raw = UnsafeRawPointer(base)
        while i &+ 8 <= to {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let hit = matches(word, pa) | matches(word, pb)
            if hit != 0 { return i &+ hit.trailingZeroBitCount >> 3 }
            i &+= 8
        }
        #endif
        while i < to {
            let c = base[i]
            if c == a || c == b { return i }
            i &+= 1
        }
        return to
    }

    /// The offset of the first `byte` in `[from, to)`, or `to` when there is none.
    @inline(__always)
    static func first(_ byte: UInt8, in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        guard from < to, let hit = memchr(base + from, Int32(byte), to - from) else { return to }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    /// How many `\n` bytes `[from, to)` holds.
    static func countNewlines(in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        var count = 0
        var i = from
        while i < to {
            let hit = first(0x0A, in: base, from: i, to: to)
            if hit == to { break }
            count += 1
            i = hit + 1
        }
        return count
    }

    /// The first ill-formed UTF-8 byte in `[from, to)`, or nil.
    @inline(__always)
    static func firstInvalidUTF8(in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        // In C with vector skips over ASCII (`bk_utf8_first_invalid`); the same answers as
        // `UTF8Validation.firstInvalidByte` (ByteScanTests).
        guard to > from else { return nil }
        let offset = bk_utf8_first_invalid(base + from, to - from)
        return offset == to - from ? nil : from + offset
    }

    /// A String of the bytes `[from, to)`, which the caller has validated as UTF-8.
    @inline(__always)
    static func string(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + from, count: to - from), as: UTF8.self)
    }

    /// The 1-based line and column of byte `offset`, counting from `lineStart` (the first byte of line `line`).
    static func position(of offset: Int, in base: UnsafePointer<UInt8>, lineStart: Int, line: Int) -> (line: Int, column: Int) {
        var currentLine = line
        var currentStart = lineStart
        var i = lineStart
        while i < offset {
            let hit = first(0x0A, in: base, from: i, to: offset)
            if hit == offset { break }
            currentLine += 1
            currentStart = hit + 1
            i = hit + 1
        }
        return (currentLine, offset - currentStart + 1)
    }
}
