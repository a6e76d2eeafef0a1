/// Portuguese text normalization: composes decomposed input (NFD text from macOS file names and
/// clipboards) to NFC, then optionally strips accents and/or lowercases, each independently of the other.
///
/// º U+00BA and ª U+00AA (ordinal indicators: 1º, 2ª) are kept as they are; NFKC would turn them into o/a.
public struct PortugueseNormalizer: NormalizationStage {
    /// The rules to apply.
    public struct Configuration: Sendable, Equatable {
        /// Remove accents and the cedilla (NFD, drop nonspacing marks Mn, recompose): "ação" → "acao".
        /// Default false (accents are kept).
        public var stripAccents = false
        /// Lowercase (Unicode simple lowercase mapping, per code point). Default false (cased).
        public var lowercase = false

        /// The defaults: compose to NFC only.
        public init() {}
    }

    /// The configuration this normalizer applies.
    public let configuration: Configuration
    private let pipeline: NormalizationPipeline

    /// A normalizer for `configuration` (builds its accent table when needed: tens of milliseconds).
    public init(configuration: Configuration = .init()) throws(NormalizationError) {
        self.configuration = configuration
        var stages: [any NormalizationStage] = [try UnicodeNormalizer(form: .nfc)]
        if configuration.stripAccents || configuration.lowercase {
            stages.append(ScalarMapStage(table: Self.table(configuration)))
        }
        pipeline = NormalizationPipeline(stages)
    }

    /// Appends the normalized `input` to `output` (and its source offsets to `alignment`).
    public func normalize(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], alignment: inout [Int32]?) {
        pipeline.normalize(input, into: &output, alignment: &alignment)
    }

    /// Per-scalar mapping applied after NFC: the canonical decomposition without its Mn marks (for "ã" the
    /// base "a"), then lowercase. A lone combining mark left after NFC is deleted. Only the BMP is mapped.
    static func table(_ c: Configuration) -> ScalarTable {
        var table = ScalarTable()
        for v in UInt32(0)..<0x10000 where !(0xD800...0xDFFF).contains(v) {
            if v == 0xBA || v == 0xAA { continue }  // º ª stay as they are
            var scalars = [v]
            if c.stripAccents {
                // Only where a mark is removed: a Hangul syllable decomposes too, but must stay composed.
                let decomposed = ICU.canonicalDecomposition(v)
                let kept = decomposed.filter { ICU.generalCategory($0) != .nonSpacingMark }
                if kept.count != decomposed.count { scalars = kept }
            }
            if c.lowercase { scalars = scalars.map(ICU.lowercase) }
            if scalars != [v] { table.replace(v, with: scalars, flags: 0) }
        }
        return table
    }
}
