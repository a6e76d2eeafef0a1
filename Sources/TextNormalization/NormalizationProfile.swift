/// The ready-made normalizers, by name (as the CLI's `--profile` takes them).
public enum NormalizationProfile: String, Sendable, CaseIterable {
    /// `PersianNormalizer` with its defaults.
    case persian
    /// `PortugueseNormalizer` with its defaults (NFC, accents and case kept).
    case portuguese
    /// `EnglishNormalizer` with its defaults.
    case english
    /// `BertCleaner`: HF BERT clean-text only.
    case bert

    /// Parses persian, portuguese, english or bert.
    public init(name: String) throws(NormalizationError) {
        guard let profile = NormalizationProfile(rawValue: name.lowercased()) else { throw .unknownProfile(name) }
        self = profile
    }

    /// The profile's normalizer; `digits` and `zwnjPlaceholder` apply to the Persian profile only.
    public func makeNormalizer(digits: DigitStyle = .keep, zwnjPlaceholder: Unicode.Scalar? = nil)
        throws(NormalizationError) -> any NormalizationStage
    {
        switch self {
        case .persian:
            var c = PersianNormalizer.Configuration()
            c.digits = digits
            c.zwnjPlaceholder = zwnjPlaceholder
            return try PersianNormalizer(configuration: c)
        case .portuguese: return try PortugueseNormalizer()
        case .english: return try EnglishNormalizer()
        case .bert: return BertCleaner()
        }
    }
}
