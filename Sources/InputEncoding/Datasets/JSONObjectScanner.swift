/// A syntax error in one JSON line: the offset of the problem in the buffer and what is wrong.
struct JSONSyntaxError: Error {
    var offset: Int
    var reason: String
}

/// Where a selected key's value lies in the line.
struct JSONValueSpan {
    enum Kind {
        /// A string without escapes; the span is its content.
        case string
        /// A string with backslash escapes; the span is its content, to be decoded.
        case escapedString
        /// A number, boolean, array or object; the span is its JSON text.
        case raw
        /// `null`.
        case null
    }

    var kind: Kind
    var start: Int
    var end: Int
}

/// A validating scanner for one line holding one JSON object (RFC 8259), which records where the values of
/// a few top-level keys are and skips the rest (nested objects and arrays included) without building them.
struct JSONObjectScanner {
    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var p: Int
    private static let maxDepth = 512

    init(base: UnsafePointer<UInt8>, from start: Int, to end: Int) {
        self.base = base
        self.p = start
        self.end = end
    }

    /// Scans the object; `values[k]` gets the value of `keys[k]` (the last one when a key repeats), or nil.
    mutating func scanObject(keys: [[UInt8]], values: inout [JSONValueSpan?]) throws(JSONSyntaxError) {
        for k in values.indices { values[k] = nil }
        skipWhitespace()
        guard p < end, base[p] == UInt8(ascii: "{") else { throw JSONSyntaxError(offset: p, reason: "expected '{' (a JSON object)") }
        p += 1
        skipWhitespace()
        if p < end && base[p] == UInt8(ascii: "}") {
            p += 1
        } else {
            while true {
                guard p < end, base[p] == UInt8(ascii: "\"") else {
                    throw JSONSyntaxError(offset: p, reason: "expected a key in double quotes")
                }
                let key = try scanString()
                skipWhitespace()
                guard p < end, base[p] == UInt8(ascii: ":") else { throw JSONSyntaxError(offset: p, reason: "expected ':' after the key") }
                p += 1
                skipWhitespace()
                let valueStart = p
                let kind = try scanValue(depth: 1)
                if let k = try match(key, keys) {
                    switch kind {
                    case .string, .escapedString: values[k] = JSONValueSpan(kind: kind, start: valueStart + 1, end: p - 1)
                    case .raw, .null: values[k] = JSONValueSpan(kind: kind, start: valueStart, end: p)
                    }
                }
                if try endOfMember() { break }
            }
        }
        skipWhitespace()
        guard p == end else { throw JSONSyntaxError(offset: p, reason: "unexpected text after the JSON object") }
    }

    /// After a member: skips `,` (then whitespace) or `}`; true at `}`.
    private mutating func endOfMember() throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        guard p < end else { throw JSONSyntaxError(offset: p, reason: "the object is not closed (expected ',' or '}')") }
        let c = base[p]
        p += 1
        if c == UInt8(ascii: ",") {
            skipWhitespace()
            guard p < end, base[p] == UInt8(ascii: "\"") else { throw JSONSyntaxError(offset: p, reason: "expected a key in double quotes") }
            return false
        }
        guard c == UInt8(ascii: "}") else { throw JSONSyntaxError(offset: p - 1, reason: "expected ',' or '}'") }
        return true
    }

    private func match(_ key: JSONValueSpan, _ keys: [[UInt8]]) throws(JSONSyntaxError) -> Int? {
        if key.kind == .escapedString {
            var decoded: [UInt8] = []
            try JSONObjectScanner.decodeString(base: base, from: key.start, to: key.end, into: &decoded)
            return keys.firstIndex(of: decoded)
        }
        let length = key.end - key.start
        for (k, candidate) in keys.enumerated() where candidate.count == length {
            if candidate.withUnsafeBufferPointer({ memoryEqual($0.baseAddress, base + key.start, length) }) { return k }
        }
        return nil
    }

    private mutating func skipWhitespace() {
        while p < end {
            let c = base[p]
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            p += 1
        }
    }

    private mutating func scanValue(depth: Int) throws(JSONSyntaxError) -> JSONValueSpan.Kind {
        guard p < end else { throw JSONSyntaxError(offset: p, reason: "expected a value") }
        switch base[p] {
        case UInt8(ascii: "\""):
            return try scanString().kind
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try scanContainer(depth: depth)
            return .raw
        case UInt8(ascii: "t"):
            try literal("true")
            return .raw
        case UInt8(ascii: "f"):
            try literal("false")
            return .raw
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try scanNumber()
            return .raw
        default:
            throw JSONSyntaxError(offset: p, reason: "expected a value (string, number, object, array, true, false or null)")
        }
    }

    private mutating func scanContainer(depth: Int) throws(JSONSyntaxError) {
        guard depth < JSONObjectScanner.maxDepth else { throw JSONSyntaxError(offset: p, reason: "values are nested too deeply") }
        let isObject = base[p] == UInt8(ascii: "{")
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        p += 1
        skipWhitespace()
        if p < end && base[p] == close {
            p += 1
            return
        }
        while true {
            if isObject {
                guard p < end, base[p] == UInt8(ascii: "\"") else { throw JSONSyntaxError(offset: p, reason: "expected a key in double quotes") }
                _ = try scanString()
                skipWhitespace()
                guard p < end, base[p] == UInt8(ascii: ":") else { throw JSONSyntaxError(offset: p, reason: "expected ':' after the key") }
                p += 1
                skipWhitespace()
            }
            _ = try scanValue(depth: depth + 1)
            skipWhitespace()
            guard p < end else { throw JSONSyntaxError(offset: p, reason: isObject ? "the object is not closed" : "the array is not closed") }
            let c = base[p]
            p += 1
            if c == close { return }
            guard c == UInt8(ascii: ",") else { throw JSONSyntaxError(offset: p - 1, reason: "expected ',' or '\(Unicode.Scalar(close))'") }
            skipWhitespace()
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let length = word.utf8CodeUnitCount
        guard end - p >= length, memoryEqual(word.utf8Start, base + p, length) else {
            throw JSONSyntaxError(offset: p, reason: "expected a value (string, number, object, array, true, false or null)")
        }
        p += length
    }

    private mutating func scanNumber() throws(JSONSyntaxError) {
        let start = p
        func digits(_ p: inout Int) -> Int {
            let first = p
            while p < end && base[p] >= 0x30 && base[p] <= 0x39 { p += 1 }
            return p - first
        }
        if base[p] == UInt8(ascii: "-") { p += 1 }
        guard p < end, base[p] >= 0x30 && base[p] <= 0x39 else { throw JSONSyntaxError(offset: start, reason: "malformed number") }
        if base[p] == UInt8(ascii: "0") { p += 1 } else { _ = digits(&p) }
        if p < end && base[p] == UInt8(ascii: ".") {
            p += 1
            guard digits(&p) > 0 else { throw JSONSyntaxError(offset: start, reason: "malformed number") }
        }
        if p < end && (base[p] == UInt8(ascii: "e") || base[p] == UInt8(ascii: "E")) {
            p += 1
            if p < end && (base[p] == UInt8(ascii: "+") || base[p] == UInt8(ascii: "-")) { p += 1 }
            guard digits(&p) > 0 else { throw JSONSyntaxError(offset: start, reason: "malformed number") }
        }
    }

    /// Scans a string starting at its opening quote; returns its content span.
    private mutating func scanString() throws(JSONSyntaxError) -> JSONValueSpan {
        let open = p
        var q = p + 1
        var escaped = false
        while true {
            let hit = JSONObjectScanner.firstSpecial(in: base, from: q, to: end)
            guard hit < end else { throw JSONSyntaxError(offset: open, reason: "the string opened here is not closed") }
            let c = base[hit]
            if c == UInt8(ascii: "\"") {
                p = hit + 1
                return JSONValueSpan(kind: escaped ? .escapedString : .string, start: open + 1, end: hit)
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                guard hit + 1 < end else { throw JSONSyntaxError(offset: hit, reason: "incomplete escape sequence") }
                switch base[hit + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    q = hit + 2
                case UInt8(ascii: "u"):
                    guard hit + 6 <= end, JSONObjectScanner.hex4(base, at: hit + 2) != nil else {
                        throw JSONSyntaxError(offset: hit, reason: "\\u must be followed by four hex digits")
                    }
                    q = hit + 6
                default:
                    throw JSONSyntaxError(offset: hit, reason: "invalid escape sequence")
                }
                continue
            }
            throw JSONSyntaxError(offset: hit, reason: "control character inside a string (escape it, e.g. \\n or \\t)")
        }
    }

    /// The first `"`, `\` or byte below 0x20 in `[from, to)`, or `to`; eight bytes at a time.
    @inline(__always)
    static func firstSpecial(in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        var i = from
        #if _endian(little)
        let quotes = ByteScan.ones &* 0x22
        let backslashes = ByteScan.ones &* 0x5C
        let raw = UnsafeRawPointer(base)
        while i &+ 8 <= to {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let control = (word &- ByteScan.ones &* 0x20) & ~word & ByteScan.highs
            let hit = ByteScan.matches(word, quotes) | ByteScan.matches(word, backslashes) | control
            if hit != 0 { return i &+ hit.trailingZeroBitCount >> 3 }
            i &+= 8
        }
        #endif
        while i < to {
            let c = base[i]
            if c == 0x22 || c == 0x5C || c < 0x20 { return i }
            i &+= 1
        }
        return to
    }

    static func hex4(_ base: UnsafePointer<UInt8>, at i: Int) -> UInt32? {
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = base[i + k]
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x41 + 10
            case 0x61...0x66: digit = c - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Decodes the content of a scanned (so well-formed) string with escapes into UTF-8 bytes.
    /// - Throws: for a `\u` surrogate without its other half, which no Swift string can hold.
    static func decodeString(base: UnsafePointer<UInt8>, from start: Int, to end: Int, into out: inout [UInt8]) throws(JSONSyntaxError) {
        out.removeAll(keepingCapacity: true)
        var i = start
        while i < end {
            let hit = ByteScan.first(0x5C, in: base, from: i, to: end)
            out.append(contentsOf: UnsafeBufferPointer(start: base + i, count: hit - i))
            guard hit < end else { break }
            let c = base[hit + 1]
            i = hit + 2
            switch c {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(base, at: hit + 2) ?? 0xFFFD
                i = hit + 6
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard i + 6 <= end, base[i] == 0x5C, base[i + 1] == UInt8(ascii: "u"),
                        let low = hex4(base, at: i + 2), low >= 0xDC00 && low <= 0xDFFF
                    else { throw JSONSyntaxError(offset: hit, reason: "\\u high surrogate without a low surrogate after it") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw JSONSyntaxError(offset: hit, reason: "\\u low surrogate without a high surrogate before it")
                }
                appendUTF8(scalar, to: &out)
            default: out.append(c)  // \" \\ \/
            }
        }
    }

    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}

/// Byte equality of two memory ranges.
@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>?, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    guard let a else { return count == 0 }
    for k in 0..<count where a[k] != b[k] { return false }
    return true
}
