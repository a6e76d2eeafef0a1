/// Everything that can go wrong while loading a WordPiece vocabulary.
///
/// Each case names the file and, where there is one, the 1-based line, so the message points at the fix.
public enum VocabularyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file holds no token at all.
    case empty(path: String)
    /// A line is not valid UTF-8; `byteOffset` is the offset of the first bad byte in the file.
    case invalidUTF8(path: String, line: Int, byteOffset: Int)
    /// A line is empty (only a final newline may end the file).
    case emptyToken(path: String, line: Int)
    /// A line is longer than `Vocabulary.maximumTokenBytes`; `byteOffset` is where the line starts.
    case tokenTooLong(path: String, line: Int, byteOffset: Int, limit: Int)
    /// The same token appears twice.
    case duplicateToken(path: String, token: String, line: Int, firstLine: Int)
    /// The unknown token (`[UNK]` by default) is not in the vocabulary.
    case missingUnknownToken(path: String, token: String)
    /// A `tokenizer.json` is malformed or does not describe a WordPiece model.
    case invalidTokenizerJSON(path: String, reason: String)
    /// Token ids in a `tokenizer.json` are not exactly 0..<count.
    case nonContiguousIDs(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read vocabulary '\(path)': \(reason)"
        case let .empty(path):
            return "vocabulary '\(path)' is empty; expected one token per line"
        case let .invalidUTF8(path, line, byteOffset):
            return "vocabulary '\(path)' line \(line) is not valid UTF-8 (byte offset \(byteOffset)); re-save the file as UTF-8"
        case let .emptyToken(path, line):
            return "vocabulary '\(path)' line \(line) is empty; every line must hold one token"
        case let .tokenTooLong(path, line, byteOffset, limit):
            return "vocabulary '\(path)' line \(line) (byte offset \(byteOffset)) is longer than \(limit) bytes, the most a token may have; check that the file is a vocab.txt (one token per line)"
        case let .duplicateToken(path, token, line, firstLine):
            return "vocabulary '\(path)' line \(line) repeats token '\(token)' first seen on line \(firstLine); remove the duplicate"
        case let .missingUnknownToken(path, token):
            return "vocabulary '\(path)' has no unknown token '\(token)'; add it or pass the unknown token your vocabulary uses"
        case let .invalidTokenizerJSON(path, reason):
            return "tokenizer file '\(path)' is not a usable WordPiece tokenizer.json: \(reason)"
        case let .nonContiguousIDs(path, reason):
            return "tokenizer file '\(path)' has token ids that are not 0..<count: \(reason)"
        }
    }
}
