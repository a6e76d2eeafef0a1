import Testing
import TextNormalization
@testable import WordPiece

/// Behaviour checks with the real bert-base-uncased vocabulary; the golden parity suite covers HF equality
/// at scale, these pin the individual rules so a regression names the rule it broke.
@Suite(.requires(.minilmVocabulary)) struct WordPieceTokenizerTests {
    let vocab: Vocabulary
    let uncased: WordPieceTokenizer
    let cased: WordPieceTokenizer

    init() throws {
        vocab = try Repo.realVocabulary()
        uncased = WordPieceTokenizer(vocabulary: vocab)
        cased = WordPieceTokenizer(vocabulary: vocab, configuration: .cased)
    }

    @Test func uncasedLowercasesStripsAccentsAndSplitsPunctuation() {
        #expect(uncased.tokenize("Hello, WORLD! Ça va?") == ["hello", ",", "world", "!", "ca", "va", "?"])
        #expect(uncased.tokenize("unaffable") == ["una", "##ffa", "##ble"])
        #expect(uncased.tokenize("naïve cafe\u{301}") == ["naive", "cafe"])  // NFD input too
    }

    @Test func casedKeepsCaseAndAccents() {
        // The uncased vocabulary has no capitalised tokens and no "##é": HF gives [UNK] for each word.
        #expect(cased.tokenize("Hello") == ["[UNK]"])
        #expect(cased.tokenize("café") == ["[UNK]"])
        #expect(cased.tokenize("naïve São Paulo") == ["[UNK]", "[UNK]", "[UNK]"])
        #expect(cased.tokenize("hello world") == ["hello", "world"])
    }

    @Test func removedCharactersJoinWordsWhitespaceSplitsThem() {
        // ZWNJ (Cf) is deleted by BERT's cleaning, so the Persian word is matched as one piece sequence.
        #expect(uncased.tokenIDs("ab\u{200C}c") == uncased.tokenIDs("abc"))
        #expect(uncased.tokenIDs("ab\u{00A0}c") == uncased.tokenIDs("ab c"))
        #expect(uncased.tokenIDs("a\u{0000}b\u{FFFD}c") == uncased.tokenIDs("abc"))
    }

    @Test func specialTokensMatchWholeInRawTextOnly() {
        #expect(uncased.tokenIDs("[CLS] x[SEP]y [MASK]") == [101, 1060, 102, 1061, 103])
        #expect(uncased.tokenize("[cls]") == ["[", "cl", "##s", "]"])  // lowercase is not special
    }

    @Test func cjkIdeographsAreSeparateWordsAndLongWordsUnknown() {
        #expect(uncased.tokenize("東京abc") == ["東", "京", "abc"])
        #expect(uncased.tokenIDs(String(repeating: "a", count: 100)) != [vocab.unknownID])
        #expect(uncased.tokenIDs(String(repeating: "a", count: 101)) == [vocab.unknownID])
        #expect(uncased.tokenIDs("") == [] && uncased.tokenIDs(" \t ") == [])
    }

    @Test func arrayAPIAppendsAndPointerAPIWritesInPlace() {
        var ids: [Int32] = [42]
        let bytes = Array("hello world".utf8)
        bytes.withUnsafeBufferPointer { uncased.tokenIDs(utf8: $0, into: &ids) }
        #expect(ids == [42, 7592, 2088])
        var buffer = [Int32](repeating: -1, count: WordPieceTokenizer.maxTokens(forByteCount: bytes.count))
        let n = bytes.withUnsafeBufferPointer { b in
            buffer.withUnsafeMutableBufferPointer { uncased.tokenIDs(utf8: b, writingIDsTo: $0.baseAddress!) }
        }
        #expect(n == 2 && Array(buffer.prefix(3)) == [7592, 2088, -1])
    }

    @Test(arguments: [1, 2, 3])
    func batchKeepsOrderOnAnyThreadCount(threads: Int) {
        let texts = (0..<200).map { i in i % 7 == 0 ? "" : "sentence \(i): naïve café \(String(repeating: "x", count: i % 13))" }
        #expect(uncased.tokenIDs(batch: texts, threads: threads) == texts.map { uncased.tokenIDs($0) })
    }

    @Test func persianProfileRunsFirstAndKeepsZWNJAsAPiece() throws {
        var persian = PersianNormalizer.Configuration()
        persian.zwnjPlaceholder = "\u{00B7}"
        let tokenizer = WordPieceTokenizer(vocabulary: vocab, normalizer: try PersianNormalizer(configuration: persian))
        // Arabic yeh/kaf become Persian ی/ک; the ZWNJ survives BERT cleaning as the piece "·" (id 1087).
        let raw = "مي\u{200C}خواهم كتاب"
        #expect(tokenizer.tokenize(raw) == ["م", "##ی", "·", "خ", "##و", "##ا", "##ه", "##م", "ک", "##ت", "##ا", "##ب"])
        #expect(uncased.tokenize(raw).contains("·") == false)  // without the profile the ZWNJ is lost
        #expect(tokenizer.tokenIDs(raw).contains(1087))
    }

    @Test func illFormedBytesActAsRemovedReplacementCharacters() {
        var ids: [Int32] = []
        let bytes: [UInt8] = Array("ab".utf8) + [0xFF, 0xC3] + Array("c".utf8)
        bytes.withUnsafeBufferPointer { uncased.tokenIDs(utf8: $0, into: &ids) }
        #expect(ids == uncased.tokenIDs("abc"))
    }
}
