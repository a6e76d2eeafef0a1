/// Errors of the training module; each names the file it concerns and, for content errors, the line.
public enum EncoderTrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The metrics log could not be opened, written or read.
    case metricsLogUnavailable(path: String, reason: String)
    /// A line of the metrics log is not a training event. `line` is 1-based, `byteOffset` 0-based from the
    /// start of the file.
    case invalidMetricsLogLine(path: String, line: Int, byteOffset: Int, reason: String)

    public var description: String {
        switch self {
        case let .metricsLogUnavailable(path, reason):
            return "cannot use metrics log '\(path)': \(reason)"
        case let .invalidMetricsLogLine(path, line, byteOffset, reason):
            return "\(path):\(line) (byte offset \(byteOffset)): not a training event: \(reason); "
                + "remove the line or start the run without --resume"
        }
    }
}
