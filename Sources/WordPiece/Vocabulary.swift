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

    /// This vocabulary with another `maxInputCharsPerWord`, sharing the token list and index (no re-indexing).
    public func withMaxInputCharsPerWord(_ limit: Int) -> Vocabulary {
        Vocabulary(copying: self, maxInputCharsPerWord: limit)
    }

    private init(copying other: Vocabulary, maxInputCharsPerWord: Int) {
        tokens = other.tokens
        index = other.index
        unknownToken = other.unknownToken
        unknownID = other.unknownID
        continuingSubwordPrefix = other.continuingSubwordPrefix
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
    /// The longest token line a `vocab.txt` may hold, in bytes (1 MiB). Real vocabularies stay under 100 bytes;
    /// the limit keeps a damaged or hostile file (one 1 GB line) from being read whole into memory.
    public static let maximumTokenBytes = 1 << 20

    /// Loads a BERT `vocab.txt`: one token per line, id = 0-based line number.
    ///
    /// Like HF `tokenizers`, trailing whitespace (including `\r`) is trimmed from each line. Unlike it, a
    /// duplicate token or an empty line is an error instead of a silent id shift, and a line longer than
    /// `maximumTokenBytes` is an error found after reading at most that much of it. The file is streamed, so
    /// a FIFO or a device reads like a file.
    public init(contentsOf path: String, unknownToken: String = "[UNK]") throws {
        let input = try Self.open(path)
        var tokens: [String] = []
        var buffer: [UInt8] = []
        var consumed = 0  // file offset of buffer[0]
        var scanned = 0  // bytes of buffer already searched for a newline
        var line = 1
        var eof = false
        func take(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws {
            var end = range.upperBound
            // HF trims trailing whitespace (Rust `trim_end`); vocab tokens never end in spaces.
            while end > range.lowerBound, bytes[end - 1] == 0x0D || bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 {
                end -= 1
            }
            if end == range.lowerBound { throw VocabularyError.emptyToken(path: path, line: line) }
            if end - range.lowerBound > Self.maximumTokenBytes {
                throw VocabularyError.tokenTooLong(path: path, line: line, byteOffset: consumed + range.lowerBound, limit: Self.maximumTokenBytes)
            }
            let slice = UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<end])
            if let bad = UTF8Validation.firstInvalidByte(in: slice) {
                throw VocabularyError.invalidUTF8(path: path, line: line, byteOffset: consumed + range.lowerBound + bad)
            }
            tokens.append(String(decoding: slice, as: UTF8.self))
            line += 1
        }
        while !eof {
            do { eof = try input.read(into: &buffer, upTo: 1 << 16) } catch let LineIOError.unreadableInput(_, reason) {
                throw VocabularyError.unreadable(path: path, reason: reason)
            }
            let start = try buffer.withUnsafeBufferPointer { bytes -> Int in
                var start = 0
                for i in scanned..<bytes.count where bytes[i] == 0x0A {
                    try take(bytes, start..<i)
                    start = i + 1
                }
                if eof && start < bytes.count {
                    try take(bytes, start..<bytes.count)
                    start = bytes.count
                }
                return start
            }
            buffer.removeSubrange(0..<start)
            consumed += start
            scanned = buffer.count
            // An unfinished line already past the limit (plus room for a trimmed "\r\n") is refused now.
            if buffer.count > Self.maximumTokenBytes + 2 {
                throw VocabularyError.tokenTooLong(path: path, line: line, byteOffset: consumed, limit: Self.maximumTokenBytes)
            }
        }
        try self.init(tokens: tokens, unknownToken: unknownToken, source: path)
    }

    /// Loads the WordPiece model of a Hugging Face `tokenizer.json` (`model.type == "WordPiece"`).
    public init(tokenizerJSON path: String) throws {
        let data = try Self.readAll(path)
        func fail(_ reason: String) -> VocabularyError { .invalidTokenizerJSON(path: path, reason: reason) }
        let object: [String: Any]
        do { object = try JSONValue.parseObject(data) } catch { throw fail(error.reason) }
        guard let model = object["model"] as? [String: Any] else {
            throw fail("no \"model\" object")
        }
        guard (model["type"] as? String) == "WordPiece" else {
            throw fail("model type is \(JSONValue.describe(model["type"])), expected \"WordPiece\"")
        }
        guard let vocab = model["vocab"] as? [String: Any], !vocab.isEmpty else { throw fail("no \"model.vocab\" table") }
        var tokens = [String?](repeating: nil, count: vocab.count)
        for (token, value) in vocab {
            // Integer literals only: true, 1.0, 5.5 or 1e30 are not ids (HF's serde rejects them too), never
            // truncated or read as 1.
            guard let id = JSONValue.integer(value) else {
                throw fail("id of '\(token)' is \(JSONValue.describe(value)), not a whole number")
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
            guard let value = JSONValue.integer(raw), value >= 0, value <= Int(Int32.max) else {
                throw fail("max_input_chars_per_word is \(JSONValue.describe(raw)); it must be a whole number from 0 to \(Int32.max)")
            }
            maxChars = value
        }
        try self.init(
            tokens: tokens.map { $0! }, unknownToken: unk, continuingSubwordPrefix: prefix,
            maxInputCharsPerWord: maxChars, source: path)
    }

    /// Opens a file for reading, with the loaders' messages for a missing file or a folder.
    private static func open(_ path: String) throws -> LineInput {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw VocabularyError.unreadable(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw VocabularyError.unreadable(path: path, reason: "is a directory") }
        do { return try LineInput(path: path) } catch let LineIOError.unreadableInput(_, reason) {
            throw VocabularyError.unreadable(path: path, reason: reason)
        }
    }

    /// The whole file (a tokenizer.json), read like `init(contentsOf:)` reads: FIFOs and devices included.
    private static func readAll(_ path: String) throws -> Data {
        let input = try open(path)
        var bytes: [UInt8] = []
        var eof = false
        while !eof {
            do { eof = try input.read(into: &bytes, upTo: 1 << 16) } catch let LineIOError.unreadableInput(_, reason) {
                throw VocabularyError.unreadable(path: path, reason: reason)
            }
        }
        return Data(bytes)
    }
}
