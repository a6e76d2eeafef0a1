import Foundation
import Testing
import TextNormalization
@testable import WordPiece

/// `WordCounter` against the word counts HF's own normalizer and pre-tokenizer give
/// (Fixtures/vocab-training/*.counts.tsv, from Scripts/golden/generate-vocab-training.py).
@Suite struct WordCounterTests {
    @Test(.requires(.corpusText), arguments: ["fa-chatterbot", "pt-chatterbot"], [false, true])
    func realCorpusCountsMatchHF(corpus: String, cased: Bool) throws {
        let input = Repo.path(".assets/text/\(corpus).txt")
        let expected = try WordCounts(contentsOf: Repo.path("Fixtures/vocab-training/\(corpus).\(cased ? "cased" : "uncased").counts.tsv"))
        var counter = WordCounter(table: cased ? .cased : .uncased)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: input)))
        bytes.withUnsafeBufferPointer { all in
            for line in all.split(separator: 0x0A, omittingEmptySubsequences: false) {
                counter.count(line: UnsafeBufferPointer(rebasing: line))
            }
        }
        #expect(counter.counts.count == expected.count)
        let wrong = expected.counts.filter { counter.counts.counts[$0.key] != $0.value }
        #expect(wrong.isEmpty, "\(wrong.count) words differ, e.g. \(wrong.prefix(3).map { String(decoding: $0.key, as: UTF8.self) })")
    }

    @Test func splitsLikeBERT() {
        var counter = WordCounter(table: .uncased)
        let text = Array("Héllo, WORLD!\u{200C}x 你好 hello".utf8)
        text.withUnsafeBufferPointer { counter.count(line: $0) }
        let words = counter.counts
        // ZWNJ is deleted by cleaning, "!" stands alone, each CJK ideograph is a word.
        let expected: [String: Int] = ["hello": 2, ",": 1, "world": 1, "!": 1, "x": 1, "你": 1, "好": 1]
        #expect(words.count == expected.count)
        for (word, n) in expected { #expect(words[word] == n, "\(word)") }
    }
}
