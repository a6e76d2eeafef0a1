@_exported import BertKitSupport
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
