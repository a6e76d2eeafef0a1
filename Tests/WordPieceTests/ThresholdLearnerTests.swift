import Foundation
import Testing
@testable import WordPiece

/// The `wordpiece` algorithm against TF.Text 2.21.1's own learner (Fixtures/vocab-training/wordpiece-*.vocab.txt,
/// made by Scripts/golden/generate-wordpiece-vocab.py from the committed Persian and Portuguese word counts).
@Suite struct ThresholdLearnerTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let counts: String
        let configuration: WordPieceTrainer.Configuration
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "fa-uncased-600", counts: "fa-chatterbot.uncased",
             configuration: .init(vocabSize: 600, algorithm: .wordpiece)),
        Case(name: "fa-cased-400-chars60-iter2", counts: "fa-chatterbot.cased",
             configuration: .init(vocabSize: 400, limitAlphabet: 60, algorithm: .wordpiece, lowerThreshold: 2, iterations: 2)),
        Case(name: "pt-uncased-300-lower1", counts: "pt-chatterbot.uncased",
             configuration: .init(vocabSize: 300, algorithm: .wordpiece, lowerThreshold: 1)),
        Case(name: "pt-cased-250-input900-slack10", counts: "pt-chatterbot.cased",
             configuration: .init(vocabSize: 250, algorithm: .wordpiece, lowerThreshold: 2, maxInputWords: 900,
                                  maxTokenLength: 12, slackRatio: 0.1)),
    ]

    @Test(arguments: cases)
    func matchesTFTextTokenForToken(_ c: Case) throws {
        let expected = try WordPieceTrainerTests.golden("wordpiece-\(c.name)")
        let counts = try WordCounts(contentsOf: Repo.path("Fixtures/vocab-training/\(c.counts).counts.tsv"))
        let tokens = try WordPieceTrainer(configuration: c.configuration).train(counts)
        #expect(tokens.count == expected.count)
        if let first = zip(tokens, expected).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            Issue.record("first difference at id \(first.offset): got '\(first.element.0)', TF.Text has '\(first.element.1)'")
        }
        #expect(tokens == expected)
    }

    /// Worked by hand: a piece is kept when it finishes a word's cut from a piece start at least `t` times.
    @Test func keepsRemaindersThatReachTheThreshold() throws {
        var counts = WordCounts()
        for (word, n) in [("playing", 5), ("saying", 4), ("play", 3), ("say", 1)] { counts.add(word, count: n) }
        // Threshold range 10...5 is empty: one run at (10 + 5) / 2 = 7. Round 1 (every position starts a piece):
        // remainders ##aying, ##ying, ##ing, ##ng, ##g 9 each (playing 5 + saying 4), ##ay 4, play 3: the five
        // reach 7. Round 2 cuts p ##l ##aying and s ##aying, so pieces start only before "aying": ##aying 9 is
        // kept and ##ing (never a remainder now) is not. Rounds 3 and 4 change nothing.
        let trainer = WordPieceTrainer(configuration: .init(vocabSize: 100, specialTokens: ["[UNK]"], algorithm: .wordpiece))
        let tokens = try trainer.train(counts)
        #expect(tokens == ["[UNK]", "a", "g", "i", "l", "n", "p", "s", "y",
                           "##aying", "##a", "##g", "##i", "##l", "##n", "##p", "##s", "##y"])
        // Lowering the threshold to 3 keeps "play" (a whole word 3 times and the start of "playing").
        let low = WordPieceTrainer(configuration: .init(
            vocabSize: 100, specialTokens: ["[UNK]"], algorithm: .wordpiece, lowerThreshold: 3, upperThreshold: 3))
        #expect(try low.train(counts).contains("play"))
    }

    @Test func rejectsEmptyCorpusAndTooSmallVocabulary() throws {
        let configuration = WordPieceTrainer.Configuration(vocabSize: 7, algorithm: .wordpiece)
        #expect(throws: VocabularyTrainingError.emptyCorpus) { try WordPieceTrainer(configuration: configuration).train(WordCounts()) }
        var counts = WordCounts()
        counts.add("abc", count: 3)
        #expect(throws: VocabularyTrainingError.vocabularyTooSmall(vocabSize: 7, specialTokens: 5, alphabet: 3)) {
            try WordPieceTrainer(configuration: configuration).train(counts)
        }
    }

    /// Progress reports one event per threshold tried, ending with the chosen vocabulary's size.
    @Test func reportsEachThresholdTried() throws {
        final class Events: @unchecked Sendable { var list: [WordPieceTrainer.Progress] = [] }  // one thread
        let events = Events()
        var trainer = WordPieceTrainer(configuration: ThresholdLearnerTests.cases[0].configuration)
        trainer.progress = { events.list.append($0) }
        let counts = try WordCounts(contentsOf: Repo.path("Fixtures/vocab-training/fa-chatterbot.uncased.counts.tsv"))
        let tokens = try trainer.train(counts)
        #expect(events.list.count > 3)
        #expect(events.list.allSatisfy { $0.threshold != nil })
        #expect(events.list.last?.tokens == tokens.count)
    }
}
