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
        var buffer = [UInt32](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBufferPointer { bk_icu_nfd_codepoint(scalar, $0.baseAddress, 32) }
        // A negative count only happens if ICU's data failed to load; the scalar then stands for itself.
        return n < 0 ? [scalar] : Array(buffer[0..<Int(n)])
    }

    /// The Unicode version ICU's data carries, as "major.minor".
    public static var unicodeVersion: String {
        let v = bk_icu_unicode_version()
        return "\(v / 100).\(v % 100)"
    }
}
