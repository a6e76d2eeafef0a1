import LineIO
import Foundation

/// A WordPiece vocabulary: token strings indexed by id, plus the model settings that go with them.
///
/// ```swift
/// let vocab = try Vocabulary(contentsOf: "vocab.txt")
/// vocab.id(of: "hello")  // 7592 for bert-base-uncased
/// ```
public struct Vocabulary: Sendable {
    /// Token strings; a token's id is its index.
    public let tokens: [String]
    /// The token emitted for a word that cannot be split into vocabulary pieces.
    public let unknownToken: String
    /// The id of `unknownToken`.
    public let unknownID: Int32
    /// The prefix that marks a piece continuing a word (`##`).
    public let continuingSubwordPrefix: String
    /// Words with more Unicode scalars than this become `unknownToken` whole (HF default 100).
    public let maxInputCharsPerWord: Int
    private let index: [String: Int32]

    /// Builds a vocabulary from tokens in id order.
    /// - Throws: `VocabularyError` for duplicates, an empty list or a missing unknown token.
    public init(
        tokens: [String], unknownToken: String = "[UNK]", continuingSubwordPrefix: String = "##",
        maxInputCharsPerWord: Int = 100, source: String = "<memory>"
    ) throws {
        precondition(!continuingSubwordPrefix.isEmpty, "continuing-subword prefix must not be empty")
        guard !tokens.isEmpty else { throw VocabularyError.empty(path: source) }
        var index = [String: Int32](minimumCapacity: tokens.count)
        for (i, token) in tokens.enumerated() {
            if let first = index[token] {
                throw VocabularyError.duplicateToken(path: source, token: token, line: i + 1, firstLine: Int(first) + 1)
            }
            index[token] = Int32(i)
        }
        guard let unk = index[unknownToken] else {
            throw VocabularyError.missingUnknownToken(path: source, token: unknownToken)
        }
        self.tokens = tokens
        self.index = index
        self.unknownToken = unknownToken
        self.unknownID = unk
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
    }

    /// Number of tokens.
    public var count: Int { tokens.count }

    /// The id of a token, or nil when it is not in the vocabulary.
    public func id(of token: String) -> Int32? { index[token] }

    /// The token string of an id, or nil when the id is out of range.
    public func token(of id: Int32) -> String? {
        id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : nil
    }
}

extension Vocabulary {
    /// Loads a BERT `vocab.txt`: one token per line, id = 0-based line number.
    ///
    /// Like HF `tokenizers`, trailing whitespace (including `\r`) is trimmed from each line. Unlike it, a
    /// duplicate token or an empty line is an error instead of a silent id shift.
    public init(contentsOf path: String, unknownToken: String = "[UNK]") throws {
        let data = try Self.readFile(path)
        var tokens: [String] = []
        tokens.reserveCapacity(data.count / 8)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lineStart = 0
            var line = 1
            while lineStart < bytes.count {
                var end = lineStart
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                let next = end + 1
                // HF trims trailing whitespace (Rust `trim_end`); vocab tokens never end in spaces.
                while end > lineStart, bytes[end - 1] == 0x0D || bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 {
                    end -= 1
                }
                if end == lineStart { throw VocabularyError.emptyToken(path: path, line: line) }
                let slice = UnsafeBufferPointer(rebasing: bytes[lineStart..<end])
                if let bad = UTF8Validation.firstInvalidByte(in: slice) {
                    throw VocabularyError.invalidUTF8(path: path, line: line, byteOffset: lineStart + bad)
                }
                tokens.append(String(decoding: slice, as: UTF8.self))
                lineStart = next
                line += 1
            }
        }
        try self.init(tokens: tokens, unknownToken: unknownToken, source: path)
    }

    /// Loads the WordPiece model of a Hugging Face `tokenizer.json` (`model.type == "WordPiece"`).
    public init(tokenizerJSON path: String) throws {
        let data = try Self.readFile(path)
        func fail(_ reason: String) -> VocabularyError { .invalidTokenizerJSON(path: path, reason: reason) }
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw fail("not valid JSON (\(error.localizedDescription))")
        }
        guard let object = root as? [String: Any], let model = object["model"] as? [String: Any] else {
            throw fail("no \"model\" object")
        }
        guard (model["type"] as? String) == "WordPiece" else {
            throw fail("model type is \(model["type"].map { "\"\($0)\"" } ?? "missing"), expected \"WordPiece\"")
        }
        guard let vocab = model["vocab"] as? [String: Any], !vocab.isEmpty else { throw fail("no \"model.vocab\" table") }
        var tokens = [String?](repeating: nil, count: vocab.count)
        for (token, value) in vocab {
            // Exact integers only: 5.5 or 1e30 are not ids (HF's serde rejects them too), never truncated.
            guard let number = value as? NSNumber, let id = Int(exactly: number.doubleValue) else {
                throw fail("id of '\(token)' is \(value), not a whole number")
            }
            guard id >= 0 && id < vocab.count else {
                throw VocabularyError.nonContiguousIDs(path: path, reason: "'\(token)' has id \(id), outside 0..<\(vocab.count)")
            }
            if let other = tokens[id] {
                throw VocabularyError.nonContiguousIDs(path: path, reason: "'\(token)' and '\(other)' share id \(id)")
            }
            tokens[id] = token
        }
        let unk = model["unk_token"] as? String ?? "[UNK]"
        let prefix = model["continuing_subword_prefix"] as? String ?? "##"
        guard !prefix.isEmpty else { throw fail("empty continuing_subword_prefix") }
        var maxChars = 100
        if let raw = model["max_input_chars_per_word"] {
            // HF reads it as an unsigned integer; a negative, fractional or absurd value is refused, not clamped.
            guard let number = raw as? NSNumber, let value = Int(exactly: number.doubleValue), value >= 0, value <= Int(Int32.max) else {
                throw fail("max_input_chars_per_word is \(raw); it must be a whole number from 0 to \(Int32.max)")
            }
            maxChars = value
        }
        try self.init(
            tokens: tokens.map { $0! }, unknownToken: unk, continuingSubwordPrefix: prefix,
            maxInputCharsPerWord: maxChars, source: path)
    }

    private static func readFile(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw VocabularyError.unreadable(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw VocabularyError.unreadable(path: path, reason: "is a directory") }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw VocabularyError.unreadable(path: path, reason: error.localizedDescription)
        }
    }
}
