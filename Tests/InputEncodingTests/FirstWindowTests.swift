import BertKitSupport
import Testing
import TextNormalization
import WordPiece
@testable import InputEncoding

/// The first-window fast path (`encodeFirstWindow`, `appendFirstWindow`: dataset encoding without offsets or
/// windows) against the general `encode`, on what that path does differently: it stops scanning a long text
/// once the window is decided, and it must still run the language profile. Needs no fetched assets.
@Suite struct FirstWindowTests {
    /// Random texts over the small test vocabulary's pieces: known words, words that split into several
    /// pieces, words with no split (`[UNK]`, whose pieces are only undone at the word's end), punctuation
    /// (a word of its own) and over-long words (`[UNK]` past 100 characters).
    static func randomText(words: Int, using generator: inout SplitMix64) -> String {
        let pool = ["the", "quick", "fox", "hello", "world", "unaffable", "walking", "a1b2", "xyz", "q", "café", "سلام"]
        var parts: [String] = []
        for _ in 0..<words {
            switch generator.next() % 20 {
            case 0: parts.append([".", ",", "!", "?"][Int(generator.next() % 4)])
            case 1: parts.append("hello" + String(repeating: "z", count: Int(generator.next() % 4)) + "§")  // no split: [UNK]
            case 2: parts.append(String(repeating: "ab", count: 40 + Int(generator.next() % 30)))  // 80-138 characters
            default: parts.append(pool[Int(generator.next() % UInt64(pool.count))])
            }
        }
        return parts.joined(separator: generator.next() % 5 == 0 ? "" : " ")
    }

    /// A scan with a limit writes exactly the leading ids of the full scan, and stops only once it has at
    /// least `limit` of them (or at the end of the text).
    @Test func limitedScanIsAPrefixOfTheFullScan() {
        let wordPiece = EncodedRowsTests.tokenizer.wordPiece
        var generator = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let text = Self.randomText(words: Int(generator.next() % 60), using: &generator)
            let full = wordPiece.tokenIDs(text)
            for limit in [0, 1, 2, 5, 17, 64, 200] {
                var bytes = Array(text.utf8)
                let ids = bytes.withUnsafeMutableBufferPointer { b in
                    withUnsafeTemporaryAllocation(of: Int32.self, capacity: WordPieceTokenizer.maxTokens(forByteCount: b.count)) { out in
                        let n = wordPiece.tokenIDs(utf8: UnsafeBufferPointer(b), writingIDsTo: out.baseAddress!, limit: limit)
                        return Array(out[..<n])
                    }
                }
                #expect(ids == Array(full.prefix(ids.count)), "\(text) limit \(limit)")
                #expect(ids.count >= min(limit, full.count), "\(text) limit \(limit)")
            }
        }
    }

    /// `longest_first` from the right, where scans stop early: single texts and pairs in which neither,
    /// one or both texts exceed the window, odd and even budgets (with both over the budget, the longer one
    /// keeps the odd token, so the fast path must know which is longer).
    @Test func stoppedScansGiveTheFullEncodingsFirstWindow() throws {
        var generator = SplitMix64(seed: 11)
        for maxLength in [3, 4, 5, 8, 9, 16, 17, 40] {
            var tokenizer = EncodedRowsTests.tokenizer
            tokenizer.truncation = Truncation(maxLength: maxLength)
            tokenizer.padding = Padding(length: .fixed(maxLength))
            var rows = EncodedRows()
            var expected: [Encoding] = []
            for k in 0..<80 {
                let text = Self.randomText(words: Int(generator.next() % 30), using: &generator)
                let pair = k % 4 == 0 ? nil : Self.randomText(words: Int(generator.next() % 30), using: &generator)
                let reference = try tokenizer.encode(text, pair: pair)
                let fast = try tokenizer.encodeFirstWindow(text, pair: pair)
                let realTokens = reference.attentionMask.reduce(0) { $0 + Int($1) }
                #expect(fast.ids == Array(reference.ids.prefix(realTokens)), "max \(maxLength): \(text) | \(pair ?? "-")")
                #expect(fast.typeIDs == Array(reference.typeIDs.prefix(realTokens)), "max \(maxLength): \(text) | \(pair ?? "-")")
                try tokenizer.appendFirstWindow(of: text, pair: pair, to: &rows, label: nil, sampleIndex: k)
                expected.append(reference)
            }
            for (row, encoding) in expected.enumerated() {
                let span = rows.range(ofRow: row)
                #expect(Array(rows.ids[span]) == encoding.ids, "max \(maxLength) row \(row)")
                #expect(Array(rows.typeIDs[span]) == encoding.typeIDs, "max \(maxLength) row \(row)")
                #expect(Array(rows.attentionMask[span]) == encoding.attentionMask, "max \(maxLength) row \(row)")
                #expect(Array(rows.specialTokensMask[span]) == encoding.specialTokensMask, "max \(maxLength) row \(row)")
            }
        }
    }

    /// The fast path runs the language profile as `encode` does: Arabic-keyboard ي and ك become Persian ی
    /// and ک before WordPiece (without the profile, سلامي has no split and is `[UNK]`).
    @Test func fastPathRunsTheProfile() throws {
        let base = EncodedRowsTests.tokenizer
        var tokenizer = try Tokenizer(wordPiece: WordPieceTokenizer(
            vocabulary: base.vocabulary, normalizer: try NormalizationProfile.persian.makeNormalizer(zwnjPlaceholder: nil)))
        tokenizer.truncation = Truncation(maxLength: 12)
        tokenizer.padding = Padding(length: .fixed(12))
        let text = "\u{0633}\u{0644}\u{0627}\u{0645}\u{064A} hello", pair = "\u{0645}\u{064A}"
        let reference = try tokenizer.encode(text, pair: pair)
        #expect(!reference.ids.contains(1), "the profile maps every letter into the vocabulary: no [UNK]")
        #expect(try tokenizer.encodeFirstWindow(text, pair: pair).ids == Array(reference.ids.prefix(8)))
        var rows = EncodedRows()
        try tokenizer.appendFirstWindow(of: text, pair: pair, to: &rows, label: nil, sampleIndex: 0)
        #expect(rows.ids == reference.ids)
        #expect(try base.encodeFirstWindow(text, pair: pair).ids.contains(1), "without the profile: [UNK]")
    }
}
