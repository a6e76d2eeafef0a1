import TextNormalization
import WordPiece

/// The fixed parts the transform harnesses run with: a small vocabulary covering ASCII, Persian and
/// Portuguese pieces, tokenizers over it in four settings, and every normalization stage BertKit ships.
enum Samples {
    /// A sentence and a pair for the loaders' encode check.
    static let text = "Hello, the unaffable world! Olá, ação کتاب‌ها ۱۲۳ [MASK] 北京"
    static let pair = "a second text"

    /// Specials, single characters with their continuations, and a few longer words and pieces.
    static let vocabulary: Vocabulary? = {
        var tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        let singles = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'\"-()çãáéíóúâêôàü")
            + Array("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیءآأؤئ۰۱۲۳۴۵۶۷۸۹")
        for c in singles { tokens.append(String(c)); tokens.append("##" + String(c)) }
        tokens += ["the", "hello", "world", "un", "##aff", "##able", "olá", "ação", "##ção", "کتاب", "##ها", "北", "京", "##"]
        return try? Vocabulary(tokens: tokens)
    }()

    /// Uncased, cased, uncased behind the Persian profile, cased behind the Portuguese profile.
    static let tokenizers: [WordPieceTokenizer] = {
        guard let vocabulary, let persian = try? PersianNormalizer(), let portuguese = try? PortugueseNormalizer() else { return [] }
        return [
            WordPieceTokenizer(vocabulary: vocabulary),
            WordPieceTokenizer(vocabulary: vocabulary, configuration: .cased),
            WordPieceTokenizer(vocabulary: vocabulary, normalizer: persian),
            WordPieceTokenizer(vocabulary: vocabulary, configuration: .cased, normalizer: portuguese),
        ]
    }()

    /// Every profile (Persian also with a ZWNJ placeholder, each digit style and its affix joiner), every
    /// Unicode form, mojibake repair, and a pipeline of two stages.
    static let normalizers: [any NormalizationStage] = {
        do {
            var stages: [any NormalizationStage] = []
            for profile in NormalizationProfile.allCases { stages.append(try profile.makeNormalizer()) }
            for digits in DigitStyle.allCases {
                var c = PersianNormalizer.Configuration()
                c.digits = digits
                c.zwnjPlaceholder = "·"
                c.affixZWNJ = true
                c.legacyZWNJ = digits == .ascii
                stages.append(try PersianNormalizer(configuration: c))
            }
            var pt = PortugueseNormalizer.Configuration()
            pt.stripAccents = true
            pt.lowercase = true
            stages.append(try PortugueseNormalizer(configuration: pt))
            for form in UnicodeForm.allCases { stages.append(try UnicodeNormalizer(form: form)) }
            stages.append(PersianAffixJoiner())
            stages.append(try MojibakeRepair())
            stages.append(NormalizationPipeline([try MojibakeRepair(), try PersianNormalizer(), BertCleaner()]))
            return stages
        } catch {
            return []
        }
    }()

    /// Nil when every fixed part could be built; else what is missing (ICU data, most likely).
    static var problem: String? {
        if vocabulary == nil { return "the sample vocabulary could not be built" }
        if tokenizers.count != 4 { return "the Persian or Portuguese profile could not be built (ICU)" }
        if normalizers.isEmpty { return "a normalization stage could not be built (ICU)" }
        return nil
    }
}

extension FuzzHarness {
    /// Builds the fixed parts the harnesses share; call once before `run`.
    /// - Throws: `FuzzSetupError` when one cannot be built (not an input problem: ICU's data is missing).
    package static func prepare() throws {
        if let problem = Samples.problem { throw FuzzSetupError(message: problem) }
    }
}

/// A harness's fixed parts could not be built.
package struct FuzzSetupError: Error, CustomStringConvertible {
    /// What failed.
    package let message: String
    package var description: String { message }
}
