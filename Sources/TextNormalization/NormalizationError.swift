/// Everything that can go wrong in TextNormalization.
public enum NormalizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// ICU reported a failure (its data could not load, or it ran out of memory); `code` is ICU's UErrorCode.
    case icuFailure(operation: String, code: Int)
    /// A form name that is none of NFC, NFD, NFKC, NFKD, NFKC_CF.
    case unknownForm(String)
    /// A profile name that is none of persian, portuguese, english, bert.
    case unknownProfile(String)
    /// A digit style name that is none of keep, ascii, persian.
    case unknownDigitStyle(String)

    /// A lower-case sentence telling the user what went wrong and what to do.
    public var description: String {
        switch self {
        case .icuFailure(let operation, let code):
            "icu failed to \(operation) (UErrorCode \(code)); check that libicu's data is installed (Scripts/bootstrap.sh)"
        case .unknownForm(let name):
            "unknown normalization form '\(name)'; use one of NFC, NFD, NFKC, NFKD, NFKC_CF"
        case .unknownProfile(let name):
            "unknown normalization profile '\(name)'; use one of persian, portuguese, english, bert"
        case .unknownDigitStyle(let name):
            "unknown digit style '\(name)'; use one of keep, ascii, persian"
        }
    }
}
