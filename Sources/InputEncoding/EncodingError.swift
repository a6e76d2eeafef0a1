/// Errors of encoding, decoding, tokenizer files and dataset encoding jobs; each message says what to change.
/// (Dataset reading and output writing have their own: `DatasetError`, `WriterError`.)
public enum EncodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The maximum length leaves no room for the text once the template's special tokens are counted.
    case maxLengthTooSmall(maxLength: Int, specialTokens: Int)
    /// A window would not advance: the stride is not smaller than the room a text has in a window.
    case strideTooLarge(stride: Int, windowLength: Int)
    /// `only_second` truncation was asked for a single text.
    case secondSequenceMissing
    /// The text that `only_first` / `only_second` may cut is too short to bring the pair under the limit.
    case sequenceTooShort(strategy: String, length: Int, excess: Int)
    /// A token id outside the vocabulary (decoding).
    case unknownID(Int64, vocabularySize: Int)
    /// A template is malformed (unknown piece, special token not in the vocabulary, ...).
    case invalidTemplate(String)
    /// A padding or truncation setting is out of range.
    case invalidSetting(String)
    /// A tokenizer file or model folder BertKit cannot use, with the reason and what to do.
    case invalidTokenizerFile(path: String, reason: String)
    /// A dataset record's label is not in the label list (or the record has none while others do).
    case unknownLabel(path: String, line: Int, label: String?, known: [String])
    /// A dataset record could not be encoded with the settings (e.g. `only_first` on a too short first text).
    case recordFailed(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case let .maxLengthTooSmall(maxLength, specialTokens):
            return "max length \(maxLength) leaves no room for text: the template adds \(specialTokens) special tokens; use a larger max length"
        case let .strideTooLarge(stride, windowLength):
            return "stride \(stride) must be smaller than the \(windowLength) tokens a text gets in each window (the max length less the special tokens, split between the texts of a pair); use a smaller stride"
        case .secondSequenceMissing:
            return "truncation only_second needs a pair text; give a pair column or use longest_first / only_first"
        case let .sequenceTooShort(strategy, length, excess):
            return "\(strategy) truncation cannot remove \(excess) tokens from a text of \(length) tokens; use longest_first or a larger max length"
        case let .unknownID(id, size):
            return "token id \(id) is outside the vocabulary (0..<\(size))"
        case let .invalidTemplate(reason):
            return "invalid template: \(reason)"
        case let .invalidSetting(reason):
            return reason
        case let .invalidTokenizerFile(path, reason):
            return "\(path): \(reason)"
        case let .unknownLabel(path, line, label, known):
            let list = known.prefix(20).joined(separator: ", ") + (known.count > 20 ? ", ..." : "")
            guard let label else { return "\(path):\(line): the record has no label; every record needs one (labels: \(list))" }
            return "\(path):\(line): label '\(label)' is not in the label list (\(list)); add it to --labels or fix the row"
        case let .recordFailed(path, line, reason):
            return "\(path):\(line): \(reason)"
        }
    }
}
