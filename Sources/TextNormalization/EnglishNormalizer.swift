/// English (and general Latin-script) cleanup: mojibake repair, ligatures, full-width forms, typographic
/// punctuation, then NFC.
public struct EnglishNormalizer: NormalizationStage {
    /// The rules to apply.
    public struct Configuration: Sendable, Equatable {
        /// Repair UTF-8 misread as Windows-1252/Latin-1 ("cafÃ©" → "café") and as Windows-1256 for
        /// Arabic-script text (see `MojibakeRepair`). Default true.
        public var repairMojibake = true
        /// Latin ligatures U+FB00–U+FB06 (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ) → their letters (their NFKC). Default true.
        public var expandLigatures = true
        /// Full-width ASCII U+FF01–U+FF5E and U+3000 → ASCII (their NFKC). Default true.
        public var fullWidthToASCII = true
        /// Curly quotes, apostrophes, dashes, minus and other typographic punctuation → ASCII, with
        /// utf8proc's LUMP table (‘’ → ', – — − → -, …) plus the double and low-9 quotes it leaves alone
        /// (“ ” „ ‟ → "). Default false.
        public var asciiPunctuation = false
        /// Compose to NFC at the end. Default true.
        public var composeNFC = true

        /// The defaults.
        public init() {}
    }

    /// The configuration this normalizer applies.
    public let configuration: Configuration
    private let pipeline: NormalizationPipeline

    /// A normalizer for `configuration`.
    public init(configuration: Configuration = .init()) throws(NormalizationError) {
        self.configuration = configuration
        var stages: [any NormalizationStage] = []
        if configuration.repairMojibake { stages.append(try MojibakeRepair()) }
        let table = try Self.table(configuration)
        if table.pool.count > 0 { stages.append(ScalarMapStage(table: table)) }
        if configuration.composeNFC { stages.append(try UnicodeNormalizer(form: .nfc)) }
        pipeline = NormalizationPipeline(stages)
    }

    /// Appends the normalized `input` to `output` (and its source offsets to `alignment`).
    public func normalize(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], alignment: inout [Int32]?) {
        pipeline.normalize(input, into: &output, alignment: &alignment)
    }

    static func table(_ c: Configuration) throws(NormalizationError) -> ScalarTable {
        var table = ScalarTable()
        let nfkc = try UnicodeNormalizer(form: .nfkc)
        func compatibility(_ v: UInt32) -> [UInt32] {
            var bytes: [UInt8] = [], out: [UInt8] = []
            UTF8Scalars.append(v, to: &bytes)
            bytes.withUnsafeBufferPointer { nfkc.normalize($0, into: &out) }
            return UTF8Scalars.scalars(of: out)
        }
        if c.asciiPunctuation {
            for v in UInt32(0x80)..<0x10000 where !(0xD800...0xDFFF).contains(v) {
                let lumped = UTF8Proc.lumped(v)
                if lumped != [v] && lumped.allSatisfy({ $0 < 0x80 }) { table.replace(v, with: lumped, flags: 0) }
            }
            // utf8proc lumps single quotes (U+2018, U+2019) but not double or low-9 quotes: complete the set.
            for v: UInt32 in [0x201C, 0x201D, 0x201E, 0x201F, 0x2033] { table.replace(v, with: [0x22], flags: 0) }
            for v: UInt32 in [0x201A, 0x201B, 0x2032] { table.replace(v, with: [0x27], flags: 0) }
        }
        if c.expandLigatures { for v in UInt32(0xFB00)...0xFB06 { table.replace(v, with: compatibility(v), flags: 0) } }
        if c.fullWidthToASCII {
            for v in UInt32(0xFF01)...0xFF5E { table.replace(v, with: compatibility(v), flags: 0) }
            table.replace(0x3000, with: [0x20], flags: 0)
        }
        return table
    }
}
