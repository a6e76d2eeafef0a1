import BertKitSupport
import Testing
import WordPiece
@testable import MaskedLM

/// Hand-checkable properties of the Google reference on a toy vocabulary (no fetched assets).
@Suite struct GoogleReferenceTests {
    static let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "d", "e", "##x", "##y"]
    static func reference(_ configuration: PretrainingConfiguration) throws -> GoogleReference {
        try GoogleReference(vocabulary: try Vocabulary(tokens: tokens), configuration: configuration)
    }

    @Test func instancesAreWellFormed() throws {
        var documents: [GoogleReference.Document] = []
        for d in 0..<6 {
            var document: GoogleReference.Document = []
            for s in 0..<7 {
                let length = 1 + (d + s) % 5
                document.append((0..<length).map { k in Int32(5 + (k + d + s) % 7) })
            }
            documents.append(document)
        }
        for wholeWord in [false, true] {
            let configuration = PretrainingConfiguration(maxSeqLength: 12, maxPredictionsPerSeq: 3, dupeFactor: 3, shortSeqProb: 0.3, wholeWordMask: wholeWord, seed: 9)
            let instances = try Self.reference(configuration).makeInstances(documents: documents)
            #expect(instances.count > 20)
            for instance in instances {
                #expect(instance.tokenIDs.count <= 12)
                #expect(instance.tokenIDs.first == 2 && instance.tokenIDs.last == 3)
                #expect(instance.tokenIDs.filter { $0 == 3 }.count == 2)
                let sep = try #require(instance.tokenIDs.firstIndex(of: 3))
                #expect(instance.segmentIDs == Array(repeating: 0, count: sep + 1) + Array(repeating: 1, count: instance.tokenIDs.count - sep - 1))
                #expect(sep >= 2 && instance.tokenIDs.count - sep >= 3)  // A and B hold at least one token
                let n = instance.maskedLMPositions.count
                #expect(n >= 1 && n <= 3)
                #expect(instance.maskedLMPositions == instance.maskedLMPositions.sorted())
                #expect(Set(instance.maskedLMPositions).count == n)
                for label in instance.maskedLMLabels {
                    #expect(label >= 5)  // never [CLS]/[SEP]
                }
            }
            #expect(instances.contains { $0.isRandomNext } && instances.contains { !$0.isRandomNext })
        }
    }

    /// Python: round(len(tokens) * 0.15) is half-to-even, so 30 tokens (4.5) give 4 predictions, 50 (7.5) give 8.
    @Test func predictionCountRoundsHalfToEven() throws {
        let reference = try Self.reference(PretrainingConfiguration(maxSeqLength: 64, maxPredictionsPerSeq: 20))
        for (length, expected) in [(30, 4), (50, 8), (10, 2), (3, 1)] {
            var rng = PythonRandom(seed: 1)
            let tokens = [Int32(2)] + [Int32](repeating: 5, count: length - 2) + [Int32(3)]
            let instance = reference.maskedPredictions(tokens: tokens, segmentIDs: tokens.map { _ in 0 }, isRandomNext: false, rng: &rng)
            #expect(instance.maskedLMPositions.count == expected, "length \(length)")
        }
    }

    /// Whole words are masked whole or not at all: "a ##x ##y" is one candidate.
    @Test func wholeWordMaskingKeepsWordsTogether() throws {
        let reference = try Self.reference(PretrainingConfiguration(maxSeqLength: 64, maxPredictionsPerSeq: 20, maskedLMProb: 0.3, wholeWordMask: true))
        var body: [Int32] = []
        for _ in 0..<8 { body += [5, 10, 11, 6] }  // a ##x ##y b
        let tokens = [Int32(2)] + body + [Int32(3)]
        for seed in 0..<20 {
            var rng = PythonRandom(seed: seed)
            let instance = reference.maskedPredictions(tokens: tokens, segmentIDs: tokens.map { _ in 0 }, isRandomNext: false, rng: &rng)
            let masked = Set(instance.maskedLMPositions.map(Int.init))
            for word in stride(from: 1, to: 33, by: 4) {
                let parts = [word, word + 1, word + 2].map { masked.contains($0) }
                #expect(parts.allSatisfy { $0 } || parts.allSatisfy { !$0 }, "seed \(seed) word at \(word)")
            }
        }
    }

    @Test func truncationDropsFromTheLongerSide() throws {
        let reference = try Self.reference(PretrainingConfiguration())
        var rng = PythonRandom(seed: 3)
        let (a, b) = reference.truncatePair(Array(0..<10), Array(100..<104), maxNumTokens: 8, rng: &rng)
        #expect(a.count == 4 && b.count == 4)
        #expect(b.elementsEqual(100..<104))
        // a is a contiguous window of the original
        #expect(a.elementsEqual(Int32(a.first!)..<(Int32(a.first!) + 4)))
    }

    @Test func rejectsBadOptions() throws {
        #expect(throws: MaskedLMError.invalidOption(option: "--max-seq-length", reason: "must be at least 5 ([CLS], [SEP], [SEP] and one token per segment), got 4")) {
            try Self.reference(PretrainingConfiguration(maxSeqLength: 4))
        }
        #expect(throws: MaskedLMError.missingToken(token: "[MASK]")) {
            try GoogleReference(vocabulary: try Vocabulary(tokens: ["[UNK]", "[CLS]", "[SEP]"]), configuration: .init())
        }
    }
}
