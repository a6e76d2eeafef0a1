/// Everything that can go wrong while training a WordPiece vocabulary or reading its word counts.
///
/// Each case names the file and, where there is one, the 1-based line and the byte offset in the file.
public enum VocabularyTrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The word-count file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// A word-count line is not valid UTF-8; `byteOffset` is the offset of the first bad byte in the file.
    case invalidUTF8(path: String, line: Int, byteOffset: Int)
    /// A word-count line is not `word<TAB>count` with a non-empty word and a positive integer count.
    case malformedCount(path: String, line: Int, byteOffset: Int, reason: String)
    /// There is no word to learn from (an empty corpus or count file).
    case emptyCorpus
    /// The vocabulary size cannot hold the special tokens and the alphabet.
    case vocabularyTooSmall(vocabSize: Int, specialTokens: Int, alphabet: Int)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read word counts '\(path)': \(reason)"
        case let .invalidUTF8(path, line, byteOffset):
            return "word counts '\(path)' line \(line) is not valid UTF-8 (byte offset \(byteOffset)); re-save the file as UTF-8"
        case let .malformedCount(path, line, byteOffset, reason):
            return "word counts '\(path)' line \(line) (byte offset \(byteOffset)): \(reason); expected 'word<TAB>count' with a count of at least 1"
        case .emptyCorpus:
            return "the corpus holds no word; give a non-empty input"
        case let .vocabularyTooSmall(vocabSize, specialTokens, alphabet):
            return "vocabulary size \(vocabSize) is smaller than the \(specialTokens) special tokens plus the \(alphabet) characters of the alphabet; raise --vocab-size or lower --limit-alphabet"
        }
    }
}
