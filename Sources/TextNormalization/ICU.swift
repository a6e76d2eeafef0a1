import CICUShim

/// The one Swift file that calls ICU (through the C shim `CICUShim`); every other file goes through here.
public enum ICU {
    /// Unicode general categories, numbered as ICU's `UCharCategory`.
    public enum GeneralCategory: Int32, Sendable {
        case unassigned = 0, uppercaseLetter, lowercaseLetter, titlecaseLetter, modifierLetter, otherLetter
        case nonSpacingMark, enclosingMark, combiningSpacingMark
        case decimalDigitNumber, letterNumber, otherNumber
        case spaceSeparator, lineSeparator, paragraphSeparator
        case control, format, privateUse, surrogate
        case dashPunctuation, startPunctuation, endPunctuation, connectorPunctuation, otherPunctuation
        case mathSymbol, currencySymbol, modifierSymbol, otherSymbol
        case initialPunctuation, finalPunctuation

        /// True for the P* categories (Pc, Pd, Ps, Pe, Pi, Pf, Po).
        public var isPunctuation: Bool {
            switch self {
            case .dashPunctuation, .startPunctuation, .endPunctuation, .connectorPunctuation, .otherPunctuation,
                .initialPunctuation, .finalPunctuation:
                return true
            default: return false
            }
        }
    }

    /// The general category of a code point (`.unassigned` for anything ICU does not know).
    public static func generalCategory(_ scalar: UInt32) -> GeneralCategory {
        GeneralCategory(rawValue: bk_icu_char_type(scalar)) ?? .unassigned
    }

    /// True when the code point has the Unicode White_Space property.
    public static func isWhiteSpace(_ scalar: UInt32) -> Bool { bk_icu_is_white_space(scalar) != 0 }

    /// Simple one-to-one lowercase mapping.
    public static func lowercase(_ scalar: UInt32) -> UInt32 { bk_icu_to_lower(scalar) }

    /// The canonical decomposition (NFD) of one code point.
    public static func canonicalDecomposition(_ scalar: UInt32) -> [UInt32] {
        var out: [UInt32] = []
        canonicalDecomposition(scalar, into: &out)
        return out
    }

    /// The canonical decomposition (NFD) of one code point, replacing the contents of `out` (no allocation
    /// once `out` has capacity).
    public static func canonicalDecomposition(_ scalar: UInt32, into out: inout [UInt32]) {
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
    public static var unicodeVersion: String {
        let v = bk_icu_unicode_version()
        return "\(v / 100).\(v % 100)"
    }
}
