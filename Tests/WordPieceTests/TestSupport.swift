import Foundation
import Testing
@testable import WordPiece

/// Paths inside the repository, found from this file's location.
enum Repo {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The fetched all-MiniLM-L6-v2 vocabulary (bert-base-uncased's 30,522 tokens).
    static func realVocabulary() throws -> Vocabulary {
        let path = path(".assets/minilm/vocab.txt")
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("missing \(path): run Scripts/fetch-assets.sh (the README's test command does)")
            throw CancellationError()
        }
        return try Vocabulary(contentsOf: path)
    }
}

/// A seedable generator (SplitMix64), so randomized tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
