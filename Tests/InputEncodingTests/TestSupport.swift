@_exported import BertKitTestSupport
import Foundation
import Testing
import WordPiece

/// Paths inside the repository, found from this file's location.
enum Repo {
    static let root: URL = TestRepository.root
    static func path(_ relative: String) -> String { TestRepository.path(relative) }

    /// The fetched all-MiniLM-L6-v2 vocabulary (bert-base-uncased's 30,522 tokens); tests that call this
    /// carry `.requires(.minilmVocabulary)`.
    static func realVocabulary() throws -> Vocabulary {
        try Vocabulary(contentsOf: TestAsset.minilmVocabulary.path)
    }
}
