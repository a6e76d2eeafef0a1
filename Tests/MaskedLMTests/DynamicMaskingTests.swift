import Testing
import WordPiece
@testable import MaskedLM

/// Dynamic masking: a pure function of (seed, step, row index), Google's selection rule, 80/10/10.
@Suite struct DynamicMaskingTests {
    /// [PAD] [UNK] [CLS] [SEP] [MASK], then ids 5..<1000: `##wN` when N is a multiple of 5, else `wN`.
    static let vocabulary: Vocabulary = {
        let words = (5..<1000).map { $0 % 5 == 0 ? "##w\($0)" : "w\($0)" }
        return try! Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words)
    }()

    /// [CLS] 126 word-starting tokens (ids 7, 12, …, 992: never ## pieces) [SEP], then `padding` [PAD]s.
    static func row(_ salt: Int, padding: Int = 0) -> [Int32] {
        let body = (0..<126).map { k in Int32(5 * (1 + (k * 7 + salt) % 198) + 2) }
        return [2] + body + [3] + [Int32](repeating: 0, count: padding)
    }

    @Test func sameSeedStepAndIndexGiveTheSameMasks() throws {
        let masking = try DynamicMasking(vocabulary: Self.vocabulary, configuration: .init(seed: 7))
        let batch = (0..<8).map { Self.row($0) }
        let a = masking.mask(batch: batch, step: 3)
        #expect(a == masking.mask(batch: batch, step: 3))
        // Row 5 alone, as a thread holding only it would compute it, gets what the batch gave it.
        #expect(masking.mask(row: batch[5], step: 3, index: 5) == a[5])
        #expect(a != masking.mask(batch: batch, step: 4))
        let other = try DynamicMasking(vocabulary: Self.vocabulary, configuration: .init(seed: 8))
        #expect(a != other.mask(batch: batch, step: 3))
        #expect(a[0].positions != a[1].positions || a[0].inputIDs != a[1].inputIDs)
    }

    /// round(128 * 0.15) = 19 predictions; [PAD] neither counts nor is chosen; specials are never chosen.
    @Test func predictionCountAndCandidates() throws {
        let masking = try DynamicMasking(vocabulary: Self.vocabulary, configuration: .init(seed: 1))
        for step in 0..<50 {
            let masked = masking.mask(row: Self.row(step, padding: 40), step: step, index: 0)
            #expect(masked.positions.count == 19)
            #expect(masked.positions.allSatisfy { $0 >= 1 && $0 <= 126 })
            #expect(masked.labels().enumerated().allSatisfy { p, label in
                masked.positions.contains(Int32(p)) ? label == Self.row(step, padding: 40)[p] : label == -100
            })
        }
        let capped = try DynamicMasking(vocabulary: Self.vocabulary, configuration: .init(maxPredictions: 5, seed: 1))
        #expect(capped.mask(row: Self.row(0), step: 0, index: 0).positions.count == 5)
    }

    /// Over 2,000 rows of 19 predictions: 80% [MASK], 10% kept, 10% random (within 1.5 points; the standard
    /// error is ~0.2 points), and every position equally likely to be chosen (within 25% of the mean count).
    @Test func replacementShares() throws {
        let masking = try DynamicMasking(vocabulary: Self.vocabulary, configuration: .init(seed: 99))
        var counts = (mask: 0, kept: 0, random: 0)
        var chosen = [Int](repeating: 0, count: 128)
        for step in 0..<2_000 {
            let row = Self.row(step)
            let masked = masking.mask(row: row, step: step, index: step % 3)
            for p in masked.positions.map(Int.init) {
                chosen[p] += 1
                if masked.inputIDs[p] == 4 { counts.mask += 1 } else if masked.inputIDs[p] == row[p] { counts.kept += 1 } else { counts.random += 1 }
            }
        }
        let total = Double(counts.mask + counts.kept + counts.random)
        #expect(total == 38_000)
        #expect(abs(Double(counts.mask) / total - 0.8) < 0.015)
        #expect(abs(Double(counts.kept) / total - 0.1) < 0.015)
        #expect(abs(Double(counts.random) / total - 0.1) < 0.015)
        let mean = 38_000.0 / 126
        #expect(chosen[0] == 0 && chosen[127] == 0)
        let worst = chosen[1...126].map { abs(Double($0) - mean) }.max() ?? 0
        #expect(worst < 0.25 * mean, "largest deviation \(worst) of a mean \(mean)")  // 0.25 x mean = 4.7 standard deviations
    }

    /// With whole-word masking a word's ## pieces are chosen with it or not at all.
    @Test func wholeWordsStayTogether() throws {
        let masking = try DynamicMasking(vocabulary: Self.vocabulary, configuration: .init(maskedLMProb: 0.3, wholeWordMask: true, seed: 5))
        // "w6 ##w10 ##w15 w7" eight times (a token's id is its number).
        var body: [Int32] = []
        for _ in 0..<8 { body += [6, 10, 15, 7].map { Int32($0) } }
        let row = [Int32(2)] + body + [Int32(3)]
        for step in 0..<30 {
            let masked = Set(masking.mask(row: row, step: step, index: 0).positions.map(Int.init))
            for word in stride(from: 1, to: 33, by: 4) {
                let parts = [word, word + 1, word + 2].map { masked.contains($0) }
                #expect(parts.allSatisfy { $0 } || parts.allSatisfy { !$0 }, "step \(step), word at \(word)")
            }
        }
    }
}
