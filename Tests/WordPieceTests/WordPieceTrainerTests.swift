import Foundation
import Testing
@testable import WordPiece

/// `WordPieceTrainer` against HF tokenizers 0.23.3's own vocab.txt files (Fixtures/vocab-training, made by
/// Scripts/golden/generate-vocab-training.py from real Persian and Portuguese text).
@Suite struct WordPieceTrainerTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let counts: String
        let vocabSize: Int
        let minFrequency: Int
        let limitAlphabet: Int
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "fa-uncased-2000", counts: "fa-chatterbot.uncased", vocabSize: 2000, minFrequency: 2, limitAlphabet: 1000),
        Case(name: "fa-cased-1500-alpha70", counts: "fa-chatterbot.cased", vocabSize: 1500, minFrequency: 2, limitAlphabet: 70),
        Case(name: "pt-uncased-800", counts: "pt-chatterbot.uncased", vocabSize: 800, minFrequency: 2, limitAlphabet: 1000),
        Case(name: "pt-cased-700-min3", counts: "pt-chatterbot.cased", vocabSize: 700, minFrequency: 3, limitAlphabet: 1000),
    ]

    static func golden(_ name: String) throws -> [String] {
        let text = try String(contentsOfFile: Repo.path("Fixtures/vocab-training/\(name).vocab.txt"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The `##c` block of an HF vocabulary (right after the special tokens and the single-character alphabet):
    /// the order HF's hash map gave that run.
    static func continuationOrder(_ tokens: [String], specialCount: Int) -> [Unicode.Scalar] {
        var i = specialCount
        while i < tokens.count && tokens[i].unicodeScalars.count == 1 { i += 1 }
        var order: [Unicode.Scalar] = []
        // Byte-wise: "##" + U+064B is one Character, so `hasPrefix("##")` would be false.
        while i < tokens.count, tokens[i].utf8.starts(with: "##".utf8), tokens[i].unicodeScalars.count == 3,
              let scalar = tokens[i].unicodeScalars.last {
            order.append(scalar)
            i += 1
        }
        return order
    }

    @Test(arguments: cases)
    func matchesHFTokenForToken(_ c: Case) throws {
        let expected = try Self.golden(c.name)
        let counts = try WordCounts(contentsOf: Repo.path("Fixtures/vocab-training/\(c.counts).counts.tsv"))
        let configuration = WordPieceTrainer.Configuration(
            vocabSize: c.vocabSize, minFrequency: c.minFrequency, limitAlphabet: c.limitAlphabet)
        let order = Self.continuationOrder(expected, specialCount: configuration.specialTokens.count)
        #expect(order.count > 20)
        let trainer = WordPieceTrainer(configuration: configuration, continuationOrder: order)
        let tokens = try trainer.train(counts)
        #expect(tokens.count == expected.count)
        if let first = zip(tokens, expected).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            Issue.record("first difference at id \(first.offset): got '\(first.element.0)', HF has '\(first.element.1)'")
        }
        #expect(tokens == expected)
    }

    /// Without a replayed order, the `##c` tokens follow code point order and the result does not depend on how
    /// the counts were built.
    @Test func defaultOrderIsByCodePoint() throws {
        var counts = WordCounts()
        for (word, n) in [("hug", 10), ("pug", 5), ("pun", 12), ("bun", 4), ("hugs", 5)] { counts.add(word, count: n) }
        let trainer = WordPieceTrainer(configuration: .init(vocabSize: 24, minFrequency: 2, specialTokens: ["[UNK]"]))
        let tokens = try trainer.train(counts)
        // Alphabet b g h n p s u; inner ##g ##n ##s ##u; merges: ##u ##n (16) vs ##u ##g (20): ##ug first,
        // then h ##ug (15), ##un (16)...
        #expect(Array(tokens.prefix(12)) == ["[UNK]", "b", "g", "h", "n", "p", "s", "u", "##g", "##n", "##s", "##u"])
        #expect(tokens[12] == "##ug")
        #expect(tokens[13] == "##un")
        #expect(tokens[14] == "hug")
    }

    @Test func limitAlphabetDropsRarestCharacters() throws {
        var counts = WordCounts()
        for (word, n) in [("aab", 3), ("ac", 1), ("d", 1)] { counts.add(word, count: n) }
        // a:7 b:3 c:1 d:1; keep 2 -> a, b; "ac" becomes "a", "d" becomes nothing. (a ##a) and (##a ##b) both
        // count 3: the lower ids win, giving "aa", then "aab"; the emptied (##a ##b) stops the loop.
        let trainer = WordPieceTrainer(configuration: .init(vocabSize: 10, minFrequency: 1, limitAlphabet: 2, specialTokens: []))
        #expect(try trainer.train(counts) == ["a", "b", "##a", "##b", "aa", "aab"])
    }

    /// HF keeps canonically equivalent spellings apart (precomposed U+00E9 and e + U+0301); Swift's `String`
    /// equality would merge them.
    @Test func canonicallyEquivalentWordsStayApart() throws {
        var counts = WordCounts()
        counts.add("\u{E9}", count: 3)
        counts.add("e\u{301}", count: 2)
        #expect(counts.count == 2)
        let trainer = WordPieceTrainer(configuration: .init(vocabSize: 10, minFrequency: 1, specialTokens: []))
        // Alphabet e, U+00E9, U+0301 (by code point); inner ##U+0301; merge e ##U+0301 -> "e\u{301}", a token of its own.
        let tokens = try trainer.train(counts)
        #expect(tokens.map { Array($0.utf8) } == [[0x65], [0xC3, 0xA9], [0xCC, 0x81], [0x23, 0x23, 0xCC, 0x81], [0x65, 0xCC, 0x81]])
    }

    @Test func rejectsEmptyCorpusAndTooSmallVocabulary() throws {
        #expect(throws: VocabularyTrainingError.emptyCorpus) { try WordPieceTrainer().train(WordCounts()) }
        var counts = WordCounts()
        counts.add("abc", count: 3)
        let small = WordPieceTrainer(configuration: .init(vocabSize: 7))
        #expect(throws: VocabularyTrainingError.vocabularyTooSmall(vocabSize: 7, specialTokens: 5, alphabet: 3)) {
            try small.train(counts)
        }
    }

    @Test func wordCountErrorsNameLineAndByte() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-wordcounts-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ bytes: [UInt8]) throws -> String {
            let path = dir.appendingPathComponent("c\(bytes.count).tsv").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        let bad = try write(Array("a\t1\nb\u{e9}\t2\n".utf8.prefix(7)) + [0xFF] + Array("\t2\n".utf8))
        #expect(throws: VocabularyTrainingError.invalidUTF8(path: bad, line: 2, byteOffset: 7)) { try WordCounts(contentsOf: bad) }
        let noTab = try write(Array("a\t1\r\nbb 2\n".utf8))
        #expect(throws: VocabularyTrainingError.malformedCount(path: noTab, line: 2, byteOffset: 5, reason: "no tab")) {
            try WordCounts(contentsOf: noTab)
        }
        let zero = try write(Array("a\t1\n\nword\t0\n".utf8))
        #expect(throws: VocabularyTrainingError.malformedCount(
            path: zero, line: 3, byteOffset: 10, reason: "count '0' is not a positive integer")) { try WordCounts(contentsOf: zero) }
        let good = try write(Array("a b\t1\r\nc\t2\na b\t4".utf8))
        let read = try WordCounts(contentsOf: good)
        #expect(read.count == 2 && read["a b"] == 5 && read["c"] == 2)
    }
}
