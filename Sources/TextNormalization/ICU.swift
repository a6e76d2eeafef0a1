import CICUShim

/// The one Swift file that calls ICU (through the C shim `CICUShim`); every other file goes through here.
enum ICU {
    /// Unicode general categories, numbered as ICU's `UCharCategory`.
    enum GeneralCategory: Int32, Sendable {
        case unassigned = 0, uppercaseLetter, lowercaseLetter, titlecaseLetter, modifierLetter, otherLetter
        case nonSpacingMark, enclosingMark, combiningSpacingMark
        case decimalDigitNumber, letterNumber, otherNumber
        case spaceSeparator, lineSeparator, paragraphSeparator
        case control, format, privateUse, surrogate
        case dashPunctuation, startPunctuation, endPunctuation, connectorPunctuation, otherPunctuation
        case mathSymbol, currencySymbol, modifierSymbol, otherSymbol
        case initialPunctuation, finalPunctuation

        /// True for the P* categories (Pc, Pd, Ps, Pe, Pi, Pf, Po).
        var isPunctuation: Bool {
            switch self {
            case .dashPunctuation, .startPunctuation, .endPunctuation, .connectorPunctuation, .otherPunctuation,
                .initialPunctuation, .finalPunctuation:
                return true
            default: return false
            }
        }
    }

    /// The general category of a code point (`.unassigned` for anything ICU does not know).
    static func generalCategory(_ scalar: UInt32) -> GeneralCategory {
        GeneralCategory(rawValue: bk_icu_char_type(scalar)) ?? .unassigned
    }

    /// True when the code point has the Unicode White_Space property.
    static func isWhiteSpace(_ scalar: UInt32) -> Bool { bk_icu_is_white_space(scalar) != 0 }

    /// Simple one-to-one lowercase mapping.
    static func lowercase(_ scalar: UInt32) -> UInt32 { bk_icu_to_lower(scalar) }

    /// The canonical decomposition (NFD) of one code point.
    static func canonicalDecomposition(_ scalar: UInt32) -> [UInt32] {
        var out: [UInt32] = []
        canonicalDecomposition(scalar, into: &out)
        return out
    }

    /// The canonical decomposition (NFD) of one code point, replacing the contents of `out` (no allocation
    /// once `out` has capacity).
    static func canonicalDecomposition(_ scalar: UInt32, into out: inout [UInt32]) {
        out.removeAll(keepingCapacity: true)
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        let n = withUnsafeMutableBytes(of: &buffer) { raw -> Int32 in
            let p = raw.bindMemory(to: UInt32.self)
            let n = bk_icu_nfd_codepoint(scalar, p.baseAddress, Int32(p.count))
            for k in 0..<max(0, Int(n)) { out.append(p[k]) }
            return n
        }
        // A negative count only happens if ICU's data failed to load; the scalar then stands for itself.
        if n < 0 { out.append(scalar) }
    }

    /// The Unicode version ICU's data carries, as "major.minor".
    static var unicodeVersion: String {
        let v = bk_icu_unicode_version()
        return "\(v / 100).\(v % 100)"
    }
}

// MARK: - UTF-8 normalization, joining types, code pages

extension ICU {
    /// Turns a negative status from the shim into the module's error; the one place ICU status codes are read.
    static func check(_ result: Int32, _ operation: String) throws(NormalizationError) -> Int {
        if result < 0 { throw .icuFailure(operation: operation, code: Int(-result)) }
        return Int(result)
    }

    /// The shim's number for a form (BK_FORM_* in CICUShim.h).
    static func formCode(_ form: UnicodeForm) -> Int32 {
        switch form {
        case .nfc: 0
        case .nfd: 1
        case .nfkc: 2
        case .nfkd: 3
        case .nfkcCasefold: 4
        }
    }

    /// Normalizes UTF-8 `input` with ICU into `destination`; when `map` is given (same capacity), it receives
    /// the input offset of each output byte. Returns the output length, or a larger required capacity.
    static func normalizeUTF8(
        _ form: UnicodeForm, _ input: UnsafeBufferPointer<UInt8>, into destination: UnsafeMutableBufferPointer<UInt8>,
        map: UnsafeMutablePointer<Int32>?
    ) throws(NormalizationError) -> Int {
        let r = bk_icu_normalize_utf8(
            formCode(form), input.baseAddress, Int32(input.count), destination.baseAddress, Int32(destination.count), map)
        return try check(r, "normalize to \(form)")
    }

    /// True when ICU finds `input` already in `form`.
    static func isNormalizedUTF8(_ form: UnicodeForm, _ input: UnsafeBufferPointer<UInt8>) throws(NormalizationError) -> Bool {
        try check(bk_icu_is_normalized_utf8(formCode(form), input.baseAddress, Int32(input.count)), "quick-check \(form)") == 1
    }

    /// A bit per code point: set where the code point is unchanged by `form` and starts a normalization segment.
    static func stableBits(_ form: UnicodeForm) throws(NormalizationError) -> [UInt8] {
        var bits = [UInt8](repeating: 0, count: 0x110000 / 8)
        let r = bits.withUnsafeMutableBufferPointer { bk_icu_fill_stable_table(formCode(form), $0.baseAddress) }
        _ = try check(r, "build the quick-check table for \(form)")
        return bits
    }

    /// Unicode Joining_Type of a code point, as ICU numbers it (0 non-joining, 1 causing, 2 dual, 3 left,
    /// 4 right, 5 transparent).
    static func joiningType(_ scalar: UInt32) -> Int32 { bk_icu_joining_type(scalar) }

    /// The code point each byte 0...255 decodes to in the named legacy code page (nil where unmapped).
    static func codePage(_ name: String) throws(NormalizationError) -> [UInt32?] {
        var table = [UInt32](repeating: 0, count: 256)
        let r = table.withUnsafeMutableBufferPointer { buffer in
            name.withCString { bk_icu_codepage_table($0, buffer.baseAddress) }
        }
        _ = try check(r, "open the \(name) converter")
        return table.map { $0 == 0xFFFF_FFFF ? nil : $0 }
    }
}

// MARK: - Sentence boundaries

/// Splits text into sentences with ICU's sentence break iterator (Unicode UAX #29 rules, root locale: no
/// abbreviation list, so "Mr. Smith" is two sentences). Holds one ICU iterator: use one per thread.
///
/// ```swift
/// let splitter = try SentenceSplitter()
/// try splitter.sentenceEnds(utf8: Array("Hi there. How are you?".utf8))   // [10, 22]
/// ```
public final class SentenceSplitter {
    private let handle: UnsafeMutableRawPointer
    private var ends: [Int32] = []

    /// Opens the iterator.
    public init() throws(NormalizationError) {
        var error: Int32 = 0
        guard let handle = bk_icu_sentence_open(&error) else {
            throw .icuFailure(operation: "open a sentence break iterator", code: Int(error))
        }
        self.handle = handle
    }

    deinit { bk_icu_sentence_close(handle) }

    /// The UTF-8 byte offsets where the sentences of well-formed UTF-8 `bytes` end, increasing, the last being
    /// `bytes.count` (none for empty text). Each sentence keeps its trailing spaces, as ICU's boundaries do.
    public func sentenceEnds(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(NormalizationError) -> [Int] {
        guard bytes.count > 0 else { return [] }
        precondition(bytes.count <= Int(Int32.max), "text over 2 GiB")
        if ends.count < 16 { ends = [Int32](repeating: 0, count: 64) }
        while true {
            let capacity = Int32(ends.count)
            let n = ends.withUnsafeMutableBufferPointer { out in
                bk_icu_sentence_breaks(handle, bytes.baseAddress, Int32(bytes.count), out.baseAddress, capacity)
            }
            let count = try ICU.check(n, "find sentence boundaries")
            if count <= ends.count { return ends[0..<count].map(Int.init) }
            ends = [Int32](repeating: 0, count: count)
        }
    }

    /// Array convenience for `sentenceEnds(utf8:)`.
    public func sentenceEnds(utf8 bytes: [UInt8]) throws(NormalizationError) -> [Int] {
        try bytes.withUnsafeBufferPointer { (p) throws(NormalizationError) -> [Int] in try sentenceEnds(utf8: p) }
    }
}
