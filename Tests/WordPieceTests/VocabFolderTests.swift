import Foundation
import Testing
import TextNormalization
@testable import WordPiece

/// The committed vocabularies of Vocab/ (made by Scripts/vocab/build-vocab.py): well-formed, the size and
/// hashes Vocab/BUILD.txt records, and usable on Persian through the Persian profile with the ZWNJ placeholder.
@Suite struct VocabFolderTests {
    static let files = ["fa-pt-en-uncased.wordpiece.vocab.txt", "fa-pt-en-uncased.hf.vocab.txt"]

    static func tokens(_ name: String) throws -> [String] {
        let text = try String(contentsOfFile: Repo.path("Vocab/\(name)"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "")
        lines.removeLast()
        return lines
    }

    @Test(arguments: files)
    func isAWellFormedBERTVocabulary(_ name: String) throws {
        let tokens = try Self.tokens(name)
        #expect(tokens.count == 29432)
        #expect(Array(tokens.prefix(5)) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        #expect(Set(tokens.map { Array($0.utf8) }).count == tokens.count)
        #expect(tokens.contains("\u{B7}"))  // the ZWNJ placeholder
        let build = try String(contentsOfFile: Repo.path("Vocab/BUILD.txt"), encoding: .utf8)
        #expect(build.contains("\(name) tokens=\(tokens.count)"))
        _ = try Vocabulary(contentsOf: Repo.path("Vocab/\(name)"))
    }

    /// Every character of the `wordpiece` vocabulary also has its `##` piece (TF.Text adds both), so no word
    /// made of known characters is `[UNK]`.
    @Test func wordpieceVocabularyHasEveryCharacterInsideWords() throws {
        let tokens = try Self.tokens(Self.files[0])
        let set = Set(tokens)
        let characters = tokens.dropFirst(5).filter { $0.unicodeScalars.count == 1 }
        #expect(characters.count == 1000)
        #expect(characters.allSatisfy { set.contains("##" + $0) })
    }

    @Test func tokenizesPersianWithThePlaceholder() throws {
        var persian = PersianNormalizer.Configuration()
        persian.zwnjPlaceholder = "\u{B7}"
        let vocabulary = try Vocabulary(contentsOf: Repo.path("Vocab/\(Self.files[0])"))
        let tokenizer = WordPieceTokenizer(vocabulary: vocabulary, normalizer: try PersianNormalizer(configuration: persian))
        // "می‌خواهم کتاب‌ها را بخوانم؟" with ZWNJs and an Arabic kaf (the profile makes it Persian).
        let tokens = tokenizer.tokenize("\u{645}\u{6CC}\u{200C}\u{62E}\u{648}\u{627}\u{647}\u{645} \u{643}\u{62A}\u{627}\u{628}\u{200C}\u{647}\u{627} \u{631}\u{627} \u{628}\u{62E}\u{648}\u{627}\u{646}\u{645}\u{61F}")
        #expect(tokens == ["\u{645}\u{6CC}", "\u{B7}", "\u{62E}\u{648}\u{627}\u{647}\u{645}", "\u{6A9}\u{62A}\u{627}\u{628}", "\u{B7}",
                           "\u{647}\u{627}", "\u{631}\u{627}", "\u{628}\u{62E}\u{648}\u{627}\u{646}", "##\u{645}", "\u{61F}"])
    }
}
