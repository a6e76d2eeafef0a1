/// Errors of fine-tuning data, checkpoints and settings. Each names the file (and line) or option at fault and
/// says what to do.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A record without a label in a file used for training or evaluation.
    case missingLabel(path: String, line: Int)
    /// An evaluation label that the training data never had.
    case unknownLabel(path: String, line: Int, label: String, known: [String])
    /// Training data whose labels are all one class.
    case singleClass(path: String, label: String)
    /// A file with no usable record.
    case emptyDataset(path: String)
    /// A batch size larger than the training examples.
    case batchLargerThanData(batchSize: Int, examples: Int, path: String)
    /// A setting out of range (option name and why).
    case invalidSetting(option: String, reason: String)
    /// `--resume` without a checkpoint in the output folder.
    case noCheckpoint(directory: String)
    /// A checkpoint written for other data or settings.
    case incompatibleCheckpoint(path: String, reason: String)
    /// A file that could not be written or read.
    case fileError(path: String, reason: String)
    /// The metrics log could not be opened, written or read.
    case metricsLogUnavailable(path: String, reason: String)
    /// A line of the metrics log is not a training event. `line` is 1-based, `byteOffset` 0-based from the
    /// start of the file.
    case invalidMetricsLogLine(path: String, line: Int, byteOffset: Int, reason: String)

    public var description: String {
        switch self {
        case let .missingLabel(path, line):
            return "\(path):\(line): the record has no label; give every row a label or choose the column with --label-column"
        case let .unknownLabel(path, line, label, known):
            let list = known.prefix(20).map { "'\($0)'" }.joined(separator: ", ") + (known.count > 20 ? ", ..." : "")
            return "\(path):\(line): label '\(label)' does not occur in the training data (labels: \(list)); "
                + "fix the row or add examples of it to the training file"
        case let .singleClass(path, label):
            return "\(path): every record has the label '\(label)'; a classifier needs at least two classes"
        case let .emptyDataset(path):
            return "\(path): no record with text; check the file and the --text-column/--label-column options"
        case let .batchLargerThanData(batchSize, examples, path):
            return "--batch-size \(batchSize) is larger than the \(examples) training example\(examples == 1 ? "" : "s") of \(path); "
                + "use --batch-size \(max(1, examples)) or less"
        case let .invalidSetting(option, reason):
            return "\(option): \(reason)"
        case let .noCheckpoint(directory):
            return "\(directory): no checkpoint to resume from (\(directory)/checkpoints/latest is missing); run without --resume"
        case let .incompatibleCheckpoint(path, reason):
            return "\(path): cannot resume from this checkpoint: \(reason); resume with the same data and options, or start a new --output"
        case let .fileError(path, reason):
            return "\(path): \(reason)"
        case let .metricsLogUnavailable(path, reason):
            return "cannot use metrics log '\(path)': \(reason)"
        case let .invalidMetricsLogLine(path, line, byteOffset, reason):
            return "\(path):\(line) (byte offset \(byteOffset)): not a training event: \(reason); "
                + "remove the line or start the run without --resume"
        }
    }
}
