/// UTF-8 validation on raw bytes, reporting where the first bad byte is.
public enum UTF8Validation {
    /// The offset of the first byte that does not start or continue a well-formed UTF-8 sequence
    /// (Unicode Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF), or nil when all is valid.
    @inlinable
    public static func firstInvalidByte(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = bytes.count
        guard let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        while i < n {
            // ASCII fast path: eight bytes at a time while none has its high bit set.
            while i &+ 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i &+= 8
            }
            guard i < n else { break }
            let b0 = bytes[i]
            if b0 < 0x80 { i &+= 1; continue }
            let length = sequenceLength(bytes, at: i)
            if length == 0 { return i }
            i &+= length
        }
        return nil
    }

    /// Length of the well-formed sequence starting at `i` (1...4), or 0 when the bytes there are ill-formed.
    @inlinable
    public static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let n = bytes.count
        let b0 = bytes[i]
        if b0 < 0x80 { return 1 }
        @inline(__always) func cont(_ k: Int) -> Bool { i + k < n && bytes[i + k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            return cont(1) ? 2 : 0
        case 0xE0:
            return i + 1 < n && (0xA0...0xBF).contains(bytes[i + 1]) && cont(2) ? 3 : 0
        case 0xED:
            return i + 1 < n && (0x80...0x9F).contains(bytes[i + 1]) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return cont(1) && cont(2) ? 3 : 0
        case 0xF0:
            return i + 1 < n && (0x90...0xBF).contains(bytes[i + 1]) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3:
            return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4:
            return i + 1 < n && (0x80...0x8F).contains(bytes[i + 1]) && cont(2) && cont(3) ? 4 : 0
        default:
            return 0
        }
    }
}

extension UTF8Validation {
    /// Length (at least 1) of the maximal ill-formed subpart starting at `i`: the longest prefix of a
    /// well-formed sequence, which Unicode (§3.9, "U+FFFD substitution of maximal subparts") replaces by one
    /// U+FFFD.
    public static func maximalSubpartLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b0 = bytes[i]
        let (need, low, high): (Int, UInt8, UInt8)
        switch b0 {
        case 0xC2...0xDF: (need, low, high) = (1, 0x80, 0xBF)
        case 0xE0: (need, low, high) = (2, 0xA0, 0xBF)
        case 0xED: (need, low, high) = (2, 0x80, 0x9F)
        case 0xE1...0xEC, 0xEE...0xEF: (need, low, high) = (2, 0x80, 0xBF)
        case 0xF0: (need, low, high) = (3, 0x90, 0xBF)
        case 0xF1...0xF3: (need, low, high) = (3, 0x80, 0xBF)
        case 0xF4: (need, low, high) = (3, 0x80, 0x8F)
        default: return 1
        }
        var k = 1
        while k <= need && i + k < bytes.count {
            let b = bytes[i + k]
            let ok = k == 1 ? (low...high).contains(b) : (0x80...0xBF).contains(b)
            if !ok { break }
            k += 1
        }
        return k
    }
}
