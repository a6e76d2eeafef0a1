import Foundation
import Testing
@testable import WordPiece

@Suite struct LinMaxMatchTests {
    /// Greedy longest-match-first WordPiece the slow, obvious way (HF tokenizers/src/models/wordpiece/mod.rs
    /// does this over characters): the reference LinMaxMatch must agree with.
    static func naive(_ word: String, _ vocab: Vocabulary) -> [Int32] {
        let chars = Array(word.unicodeScalars)
        if chars.count > vocab.maxInputCharsPerWord { return [vocab.unknownID] }
        var out: [Int32] = []
        var start = 0
        while start < chars.count {
            var end = chars.count
            var found: Int32?
            while start < end {
                var piece = String(String.UnicodeScalarView(chars[start..<end]))
                if start > 0 { piece = vocab.continuingSubwordPrefix + piece }
                if let id = vocab.id(of: piece) { found = id; break }
                end -= 1
            }
            guard let id = found else { return [vocab.unknownID] }
            out.append(id)
            start = end
        }
        return out
    }

    @Test func paperExample() throws {
        // Song et al. 2021, figure 1: "abcdz" is a / ##b / ##c / ##dz, found without backtracking.
        let vocab = try Vocabulary(tokens: ["[UNK]", "a", "abcdx", "##b", "##c", "##cdy", "##dz"])
        let tokenizer = WordPieceTokenizer(vocabulary: vocab, configuration: .cased)
        #expect(tokenizer.tokenIDs("abcdz") == [1, 3, 4, 6])
        #expect(tokenizer.tokenIDs("abcdx") == [2])
        #expect(tokenizer.tokenIDs("abcd") == [0])  // ##d is not a token: the whole word is unknown
        #expect(tokenizer.tokenIDs("zzz a") == [0, 1])
    }

    /// A token longer than `maxInputCharsPerWord` can never match (longer words are [UNK] whole), so the trie
    /// leaves it out: a 60,000-character token used to take 7 GB and 18 s to build (issue 13). Results equal
    /// the naive greedy match, which keeps every token.
    @Test func overlongTokensDoNotSlowTheBuild() throws {
        let long = String(repeating: "a", count: 60_000)
        let vocab = try Vocabulary(tokens: ["[UNK]", "a", "b", "##a", "##b", "ab", "##ab", long, "##b" + long,
                                            String(repeating: "é", count: 101), String(repeating: "é", count: 100)])
        let start = ContinuousClock.now
        let tokenizer = WordPieceTokenizer(vocabulary: vocab, configuration: .cased)
        #expect(ContinuousClock.now - start < .seconds(2), "trie build took \(ContinuousClock.now - start)")
        for word in ["abab", long, "a" + long, String(repeating: "ab", count: 50), String(repeating: "ab", count: 51),
                     String(repeating: "é", count: 100), String(repeating: "é", count: 101)] {
            #expect(tokenizer.tokenIDs(word) == Self.naive(word, vocab), "\(word.prefix(12))… (\(word.count) characters)")
        }
        #expect(tokenizer.tokenIDs(String(repeating: "é", count: 100)) == [10])  // 100 scalars: still matched
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func agreesWithNaiveGreedyMatchOnRandomWords(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let alphabet = Array("abcdé中".unicodeScalars)
        func randomString(_ length: Int) -> String {
            String(String.UnicodeScalarView((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }))
        }
        var tokens: Set<String> = []
        while tokens.count < 60 {
            let s = randomString(1 + Int(rng.next() % 4))
            tokens.insert(rng.next() % 2 == 0 ? s : "##" + s)
        }
        let vocab = try Vocabulary(tokens: ["[UNK]"] + tokens.sorted(), maxInputCharsPerWord: 9)
        let tokenizer = WordPieceTokenizer(
            vocabulary: vocab, configuration: .init(lowercase: false, stripAccents: false, handleChineseCharacters: false))
        for _ in 0..<400 {
            let word = randomString(1 + Int(rng.next() % 11))
            #expect(tokenizer.tokenIDs(word) == Self.naive(word, vocab), "word \(word)")
        }
    }

    @Test func wordLengthLimitCountsScalarsNotBytes() throws {
        let vocab = try Vocabulary(tokens: ["[UNK]", "é", "##é"], maxInputCharsPerWord: 3)
        let tokenizer = WordPieceTokenizer(vocabulary: vocab, configuration: .cased)
        #expect(tokenizer.tokenIDs("ééé") == [1, 2, 2])  // 3 scalars, 6 bytes: allowed
        #expect(tokenizer.tokenIDs("éééé") == [0])  // 4 scalars: unknown
    }
}
