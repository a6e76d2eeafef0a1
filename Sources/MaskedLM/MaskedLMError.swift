/// Errors of masked-LM example generation.
public enum MaskedLMError: Error, Equatable, CustomStringConvertible {
    /// An option out of its range.
    case invalidOption(option: String, reason: String)
    /// An input file cannot be read.
    case unreadableInput(path: String, reason: String)
    /// An input line is not UTF-8.
    case invalidUTF8(path: String, line: Int, byteOffset: Int)
    /// The vocabulary lacks a token the instances need.
    case missingToken(token: String)
    /// A line longer than the streaming reader takes.
    case lineTooLong(path: String, line: Int, limit: Int)
    /// An output file cannot be written.
    case unwritableOutput(path: String, reason: String)
    /// The input holds no sentence with any token.
    case emptyCorpus(paths: [String])

    /// A lower-case sentence saying what went wrong and what to do.
    public var description: String {
        switch self {
        case let .invalidOption(option, reason):
            return "\(option) \(reason)"
        case let .unreadableInput(path, reason):
            return "\(path): cannot read the input (\(reason))"
        case let .invalidUTF8(path, line, byteOffset):
            return "\(path):\(line): invalid UTF-8 at byte offset \(byteOffset) of the file; convert the file to UTF-8"
        case let .missingToken(token):
            return "the vocabulary has no \(token) token; use a BERT vocabulary with [CLS], [SEP] and [MASK]"
        case let .lineTooLong(path, line, limit):
            return "\(path):\(line): the line is longer than \(limit >> 20) MiB; give one sentence per line"
        case let .unwritableOutput(path, reason):
            return "\(path): cannot write the output (\(reason))"
        case let .emptyCorpus(paths):
            return "no document with any token in \(paths.joined(separator: ", ")); give one sentence per line, a blank line between documents"
        }
    }
}
