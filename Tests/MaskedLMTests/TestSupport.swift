import Foundation
import Testing
import WordPiece


/// Paths inside the repository, found from this file's location.
enum Repo {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The fetched all-MiniLM-L6-v2 vocabulary (bert-base-uncased's 30,522 tokens).
    static func realVocabulary() throws -> Vocabulary {
        try Vocabulary(contentsOf: path(".assets/minilm/vocab.txt"))
    }
}
