/// Decoding and encoding of single scalars on raw UTF-8 bytes, shared by the table-driven stages.
enum UTF8Scalars {
    /// Marks a byte that does not start a well-formed sequence (it is then copied through unchanged).
    static let invalid: UInt32 = 0xFFFF_FFFF

    /// Decodes the scalar at `i` (which must be < count): its value and byte length, or (invalid, 1).
    @inline(__always)
    static func decode(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalar: UInt32, length: Int) {
        let b0 = p[i]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        let n = p.count
        @inline(__always) func cont(_ k: Int) -> UInt32? {
            guard i + k < n else { return nil }
            let b = p[i + k]
            return b & 0xC0 == 0x80 ? UInt32(b & 0x3F) : nil
        }
        if b0 >= 0xC2 && b0 <= 0xDF, let c1 = cont(1) {
            return ((UInt32(b0 & 0x1F) << 6) | c1, 2)
        }
        if b0 >= 0xE0 && b0 <= 0xEF, let c1 = cont(1), let c2 = cont(2) {
            let v = (UInt32(b0 & 0x0F) << 12) | (c1 << 6) | c2
            if v >= 0x800 && !(0xD800...0xDFFF).contains(v) { return (v, 3) }
        }
        if b0 >= 0xF0 && b0 <= 0xF4, let c1 = cont(1), let c2 = cont(2), let c3 = cont(3) {
            let v = (UInt32(b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3
            if v >= 0x10000 && v <= 0x10FFFF { return (v, 4) }
        }
        return (invalid, 1)
    }

    /// Appends the UTF-8 encoding of a scalar.
    @inline(__always)
    static func append(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// The UTF-8 length of a scalar.
    @inline(__always)
    static func length(_ v: UInt32) -> Int { v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4 }

    /// The scalars of a string's UTF-8 (for building tables at initialisation, never in hot loops).
    static func scalars(of bytes: [UInt8]) -> [UInt32] {
        bytes.withUnsafeBufferPointer { p in
            var result: [UInt32] = []
            var i = 0
            while i < p.count {
                let (v, n) = decode(p, at: i)
                result.append(v)
                i += n
            }
            return result
        }
    }
}
