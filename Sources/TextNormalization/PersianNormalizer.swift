/// How digits are written after normalization.
public enum DigitStyle: String, Sendable, CaseIterable {
    /// Leave every digit as written.
    case keep
    /// ASCII 0–9 (Arabic-Indic and Persian digits are converted; the Arabic decimal separator ٫ becomes ".").
    case ascii
    /// Persian ۰–۹ (ASCII and Arabic-Indic digits are converted; "." between two digits becomes ٫).
    case persian

    /// Parses keep, ascii or persian.
    public init(name: String) throws(NormalizationError) {
        guard let style = DigitStyle(rawValue: name.lowercased()) else { throw .unknownDigitStyle(name) }
        self = style
    }
}

/// Persian text normalization: one table-driven pass over UTF-8 (plus an optional affix pass).
///
/// Follows the rules of hazm's `Normalizer` (github.com/roshan-research/hazm `hazm/normalizer.py`) and
/// parsivar's, without their known faults: digits are a choice and never split (`3.5`, `Image2.jpg`), initial
/// noon ﻧ U+FEE7 becomes ن (derived from ICU's NFKC, not a hand table), and ZWNJ is removed only where it is
/// meaningless, never inserted after a letter that does not join.
public struct PersianNormalizer: NormalizationStage {
    /// The rules to apply; every default is the safe, lossless-for-meaning choice.
    public struct Configuration: Sendable, Equatable {
        /// ة U+0629 → ه U+0647. Default false (ة is correct in Arabic loanwords).
        public var foldTehMarbuta = false
        /// ۀ U+06C0 → ه U+0647. Default false.
        public var foldHehWithYeh = false
        /// أ U+0623, إ U+0625, ٱ U+0671 → ا U+0627. Default false.
        public var foldAlefWithHamza = false
        /// ؤ U+0624 → و U+0648. Default false.
        public var foldWawWithHamza = false
        /// Remove harakat U+064B–U+0652 and superscript alef U+0670. Default true.
        public var removeDiacritics = true
        /// Remove kashida (tatweel) U+0640. Default true.
        public var removeKashida = true
        /// Arabic presentation forms U+FB50–U+FDFF, U+FE70–U+FEFC (ligatures, ﷲ ﷼ ﷽, lam-alef) → base letters.
        /// Default true.
        public var presentationForms = true
        /// Digit style. Default `.keep`.
        public var digits = DigitStyle.keep
        /// Legacy ZWNJ: NOT SIGN U+00AC (from old Persian keyboard layouts) becomes ZWNJ. Default false.
        public var legacyZWNJ = false
        /// Keep ZWNJ U+200C only between a letter that joins forwards and a letter that joins backwards;
        /// repeated ZWNJs collapse into one. Default true.
        public var cleanZWNJ = true
        /// Remove bidi controls U+202A–U+202E, U+2066–U+2069, LRM/RLM, soft hyphen, BOM, ZWSP. Default true.
        public var removeInvisible = true
        /// Remove ZWJ U+200D. Default true.
        public var removeZWJ = true
        /// NBSP and the other Unicode spaces (U+2000–U+200A, U+202F, U+205F, U+3000, …) → ASCII space. Default true.
        public var unifySpaces = true
        /// Join the prefixes می/نمی and the suffixes ها/های/هایی/تر/ترین/تری to their word (ZWNJ where the
        /// previous letter joins, nothing where it does not). Default false.
        public var affixZWNJ = false
        /// When set, every ZWNJ that is kept is written as this scalar instead, so that it survives BERT's
        /// clean-text step (which deletes Cf, ZWNJ included) and becomes a piece of its own. BERT isolates
        /// punctuation, so pick a P* character absent from the corpus: U+00B7 MIDDLE DOT is in the
        /// bert-base-uncased / MiniLM vocabulary (id 1087). Alignment still points at the ZWNJ. Default nil.
        public var zwnjPlaceholder: Unicode.Scalar? = nil
        /// Compose to NFC first, so decomposed input (ا + U+0653 maddah, و + U+0654 hamza above) becomes the
        /// precomposed letters (آ, ؤ) the other rules expect. Text already in NFC, the usual case, is only
        /// scanned. Default true. (U+0653–U+0655 themselves are never removed: they are parts of letters.)
        public var composeNFC = true

        /// The defaults.
        public init() {}
    }

    /// The configuration this normalizer applies.
    public let configuration: Configuration
    let table: ScalarTable
    /// The UTF-8 written for a kept ZWNJ (the ZWNJ itself or the placeholder).
    let zwnjOutput: [UInt8]
    private let affixes: PersianAffixJoiner?
    let composer: UnicodeNormalizer?

    /// A normalizer for `configuration` (builds its table: a few milliseconds).
    public init(configuration: Configuration = .init()) throws(NormalizationError) {
        self.configuration = configuration
        self.table = try Self.buildTable(configuration)
        var zwnj: [UInt8] = []
        UTF8Scalars.append(configuration.zwnjPlaceholder?.value ?? 0x200C, to: &zwnj)
        self.zwnjOutput = zwnj
        self.affixes = configuration.affixZWNJ ? PersianAffixJoiner(joiner: zwnj) : nil
        self.composer = configuration.composeNFC ? try UnicodeNormalizer(form: .nfc) : nil
    }

    /// Appends the normalized `input` to `output` (and its source offsets to `alignment`).
    public func normalize(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], alignment: inout [Int32]?) {
        guard let composer else {
            guard let affixes else { return _ = mainPass(input, into: &output, alignment: &alignment, composed: true) }
            return NormalizationPipeline([MainPass(normalizer: self), affixes])
                .normalize(input, into: &output, alignment: &alignment)
        }
        if affixes == nil {
            // Optimistic: most text is already composed, and the pass itself notices when it is not.
            let outputStart = output.count, mapStart = alignment?.count ?? 0
            if mainPass(input, into: &output, alignment: &alignment, composed: false) { return }
            output.removeSubrange(outputStart...)
            alignment?.removeSubrange(mapStart...)
        }
        var stages: [any NormalizationStage] = composer.isNormalized(input) ? [] : [composer]
        stages.append(MainPass(normalizer: self))
        if let affixes { stages.append(affixes) }
        NormalizationPipeline(stages).normalize(input, into: &output, alignment: &alignment)
    }

    private struct MainPass: NormalizationStage {
        let normalizer: PersianNormalizer
        func normalize(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], alignment: inout [Int32]?) {
            _ = normalizer.mainPass(input, into: &output, alignment: &alignment, composed: true)
        }
    }
}
