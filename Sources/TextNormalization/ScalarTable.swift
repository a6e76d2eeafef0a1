/// A per-code-point action table for the Basic Multilingual Plane, built once per configuration, that the
/// table-driven stages (Persian, English, BERT cleaning) read in their hot loops.
///
/// Entry layout (32 bits): kind in bits 29–31; flags in 24–28; payload in 0–23 (a replacement: pool offset
/// in bits 8–23, byte length in 0–7). Code points above U+FFFF are
/// always copied (none of the profiles changes them).
struct ScalarTable: Sendable {
    /// What to do with a code point.
    enum Kind: UInt32 {
        /// Copy the input bytes.
        case copy = 0
        /// Emit `pool[offset..<offset+length]` (length 0 deletes).
        case replace = 1
        /// A zero-width non-joiner, to be kept or dropped by the Persian ZWNJ rules.
        case zwnj = 2
        /// A decimal digit (value in the payload), subject to the digit style.
        case digit = 3
    }

    static let transparentFlag: UInt32 = 1 << 28
    static let joinsPrecedingFlag: UInt32 = 1 << 27
    static let joinsFollowingFlag: UInt32 = 1 << 26
    static let latinFlag: UInt32 = 1 << 25
    /// Not stable under NFC and not deleted: the Persian pass composes the text first when it meets one.
    static let uncomposedFlag: UInt32 = 1 << 24

    var entries: [UInt32]
    var pool: [UInt8] = []

    /// A table that copies everything and carries the given flags.
    init(flags: (UInt32) -> UInt32 = { _ in 0 }) {
        entries = (0..<0x10000).map { flags(UInt32($0)) }
    }

    @inline(__always) static func kind(_ e: UInt32) -> UInt32 { e >> 29 }
    @inline(__always) static func payload(_ e: UInt32) -> UInt32 { e & 0xFF_FFFF }

    /// The flags (bits 25–28) an entry carries.
    func flags(_ v: UInt32) -> UInt32 { entries[Int(v)] & 0x1F00_0000 }

    /// Sets `v` to be replaced by `scalars` (an empty array deletes it); flags describe the replacement.
    mutating func replace(_ v: UInt32, with scalars: [UInt32], flags: UInt32) {
        if scalars.count == 1 && scalars[0] == v {
            entries[Int(v)] = flags  // maps to itself: a plain copy
            return
        }
        var bytes: [UInt8] = []
        for s in scalars { UTF8Scalars.append(s, to: &bytes) }
        precondition(bytes.count < 256 && pool.count + bytes.count <= (1 << 16), "replacement table overflow")
        let offset = UInt32(pool.count)
        pool.append(contentsOf: bytes)
        entries[Int(v)] = (Kind.replace.rawValue << 29) | flags | (offset << 8) | UInt32(bytes.count)
    }

    /// Marks `v` with a special kind and payload.
    mutating func mark(_ v: UInt32, _ kind: Kind, payload: UInt32 = 0, flags: UInt32) {
        entries[Int(v)] = (kind.rawValue << 29) | flags | payload
    }

    /// What `v` currently becomes, as scalars (used while building tables from other tables' results).
    func apply(_ v: UInt32) -> [UInt32] {
        guard v < 0x10000 else { return [v] }
        let e = entries[Int(v)]
        guard Self.kind(e) == Kind.replace.rawValue else { return [v] }
        let p = Self.payload(e)
        let start = Int(p >> 8)
        return UTF8Scalars.scalars(of: Array(pool[start..<start + Int(p & 0xFF)]))
    }

}
