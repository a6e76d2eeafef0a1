import Foundation
import Testing
import WordPiece

/// Paths inside the repository, found from this file's location.
enum Repo {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Whether the fetched bert-base-uncased vocabulary is present (the one skip condition of this suite).
    static var hasRealVocabulary: Bool { FileManager.default.fileExists(atPath: path(".assets/minilm/vocab.txt")) }

    /// The fetched all-MiniLM-L6-v2 vocabulary (bert-base-uncased's 30,522 tokens).
    static func realVocabulary() throws -> Vocabulary {
        try Vocabulary(contentsOf: path(".assets/minilm/vocab.txt"))
    }
}

extension Trait where Self == ConditionTrait {
    /// Skips a test that needs `.assets/minilm/vocab.txt`, saying so.
    static var needsRealVocabulary: Self {
        .enabled(if: Repo.hasRealVocabulary, "skipped: .assets/minilm/vocab.txt is missing; run Scripts/fetch-assets.sh")
    }
}
