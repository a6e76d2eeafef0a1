import Foundation
import Testing

/// The one skip policy of the test suite.
///
/// Most tests use only committed files (`Fixtures/`, `Vocab/`). Some need files that are fetched, never
/// committed: the real all-MiniLM-L6-v2 model and vocabulary, corpus text, Unicode's test vectors, the Python
/// reference environment. Those tests carry the `.requires(...)` trait, which skips them when an asset is
/// missing, and Swift Testing prints the skip with the message naming the missing file and the command that
/// fetches it. `Scripts/test.sh` fetches everything and sets `BERTKIT_TEST_ASSETS=required`, under which
/// nothing is skipped: a missing asset then fails the test that reads it.
///
/// ```swift
/// @Suite(.requires(.minilmVocabulary)) struct ParityTests { … }
/// ```
public enum TestAsset: String, Sendable, CaseIterable, CustomStringConvertible {
    /// `.assets/minilm/vocab.txt`: bert-base-uncased's 30,522 tokens, as shipped with all-MiniLM-L6-v2.
    case minilmVocabulary
    /// `.assets/minilm/tokenizer.json`: the HF tokenizer file of all-MiniLM-L6-v2.
    case minilmTokenizerJSON
    /// `.assets/minilm/{config.json,model.safetensors}`: the all-MiniLM-L6-v2 weights (91 MB).
    case minilmModel
    /// `.assets/text/*.txt`: the fa/pt/en corpus lines the parity digests were made from.
    case corpusText
    /// `.assets/unicode/NormalizationTest.txt`: Unicode's normalization test vectors (Debian unicode-data).
    case unicodeNormalizationTest
    /// `.venv/ref`: the Python reference environment (torch, transformers, tokenizers, safetensors, …).
    case referenceEnvironment

    /// The files this asset consists of, relative to the repository root.
    public var relativePaths: [String] {
        switch self {
        case .minilmVocabulary: [".assets/minilm/vocab.txt"]
        case .minilmTokenizerJSON: [".assets/minilm/tokenizer.json"]
        case .minilmModel: [".assets/minilm/config.json", ".assets/minilm/model.safetensors"]
        case .corpusText: TestAsset.corpora.map { ".assets/text/\($0).txt" }
        case .unicodeNormalizationTest: [".assets/unicode/NormalizationTest.txt"]
        case .referenceEnvironment: [".venv/ref/bin/python", ".venv/ref/.complete"]
        }
    }

    /// The command that makes this asset, run from the repository root.
    public var command: String {
        switch self {
        case .corpusText: "Scripts/fetch-assets.sh && python3 Scripts/prepare-corpus.py"
        case .referenceEnvironment: "Scripts/make-venvs.sh"
        default: "Scripts/fetch-assets.sh"
        }
    }

    /// The corpus files `Scripts/prepare-corpus.py` writes under `.assets/text/`.
    public static let corpora = ["en-rotten-tomatoes", "en-bbc", "fa-chatterbot", "pt-chatterbot", "en-chatterbot"]

    /// Whether every file of the asset exists.
    public var isPresent: Bool {
        relativePaths.allSatisfy { FileManager.default.fileExists(atPath: TestRepository.path($0)) }
    }

    /// Absolute path of the asset's first (or only) file.
    public var path: String { TestRepository.path(relativePaths[0]) }

    public var description: String { relativePaths.joined(separator: ", ") }

    /// Whether `BERTKIT_TEST_ASSETS=required` asks that nothing be skipped (Scripts/test.sh sets it).
    public static let skippingForbidden = ProcessInfo.processInfo.environment["BERTKIT_TEST_ASSETS"] == "required"
}

/// The repository the tests run in, found from this file's location.
public enum TestRepository {
    /// The repository root (the folder holding Package.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The absolute path of `relative`, a path inside the repository.
    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test or suite only when every asset listed is present; otherwise it is skipped with a message
    /// naming the missing files and the command that makes them. See `TestAsset` for the policy.
    public static func requires(_ assets: TestAsset..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        let missing = assets.filter { !$0.isPresent }
        let reason = missing.map { "\($0) (run \($0.command))" }.joined(separator: "; ")
        return .enabled(if: missing.isEmpty || TestAsset.skippingForbidden,
                        Comment(rawValue: "needs fetched assets, missing: \(reason)"), sourceLocation: sourceLocation)
    }
}
