import Foundation
import LineIO

#if canImport(Glibc)
import Glibc
#endif

/// The JSON-lines log of a training run (`metrics.jsonl`): one `TrainingEvent` a line, appended as it happens.
///
/// Lines are `TrainingEvent.jsonText` (keys in a fixed order). Each line goes to the file in one `write(2)` as soon as it is appended, so a crashed or killed process
/// loses at most the line it was writing; checkpoint lines are also `fsync`ed, so a checkpoint on disk is
/// never newer than the log that names it. `read(from:)` rebuilds the events (for the report's curves), and
/// `resume(at:throughStep:)` drops what a resumed run will redo: the events after its checkpoint's step.
///
/// ```swift
/// let log = try MetricsLog(appendingTo: "out/metrics.jsonl")
/// try log.append(.train(.init(epoch: 1, step: 1, loss: 0.69, learningRate: 5e-5, gradNorm: 1.1, examplesPerSecond: 40)))
/// ```
public final class MetricsLog {
    /// The log file.
    public let path: String
    private var fd: Int32

    /// Opens `path` for appending, creating it (mode 0644) when missing.
    /// - Throws: `TrainingError.metricsLogUnavailable`.
    public init(appendingTo path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw TrainingError.metricsLogUnavailable(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit { close() }

    /// Writes `event` as one line, in one write; `fsync`s after checkpoint events.
    /// - Throws: `TrainingError.metricsLogUnavailable` when the log was closed or the write failed.
    public func append(_ event: TrainingEvent) throws {
        guard fd >= 0 else { throw TrainingError.metricsLogUnavailable(path: path, reason: "the log is closed") }
        let line = Array((event.jsonText + "\n").utf8)
        try line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TrainingError.metricsLogUnavailable(path: path, reason: String(cString: strerror(errno)))
                }
                offset += n
            }
        }
        if case .checkpoint = event, fsync(fd) != 0 {
            throw TrainingError.metricsLogUnavailable(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Closes the file; later appends throw. Safe to call twice.
    public func close() {
        if fd >= 0 { _ = Glibc.close(fd); fd = -1 }
    }

    /// The events of the log at `path`, in file order. Blank lines are skipped; a last line without its newline
    /// that does not parse is the line a crash cut short and is dropped; any other bad line is an error.
    /// - Throws: `TrainingError.metricsLogUnavailable` (unreadable file) or `.invalidMetricsLogLine`.
    public static func read(from path: String) throws -> [TrainingEvent] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError.metricsLogUnavailable(path: path, reason: "no such readable file")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        var events: [TrainingEvent] = []
        var start = data.startIndex, line = 0
        while start < data.endIndex {
            line += 1
            let newline = data[start...].firstIndex(of: UInt8(ascii: "\n"))
            let end = newline ?? data.endIndex
            let bytes = data[start..<end]
            defer { start = newline.map { $0 + 1 } ?? data.endIndex }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do {
                events.append(try decoder.decode(TrainingEvent.self, from: bytes))
            } catch {
                if newline == nil { break }  // torn last line
                throw TrainingError.invalidMetricsLogLine(
                    path: path, line: line, byteOffset: start - data.startIndex, reason: describe(error))
            }
        }
        return events
    }

    /// Prepares the log of a resumed run: keeps the events of steps up to `step` (the checkpoint resumed from),
    /// rewrites the file with them atomically, and opens it for appending. A missing log starts empty.
    /// - Returns: the log and the kept events (to rebuild curves and the best-checkpoint state).
    public static func resume(at path: String, throughStep step: Int) throws -> (log: MetricsLog, events: [TrainingEvent]) {
        var kept: [TrainingEvent] = []
        if FileManager.default.fileExists(atPath: path) {
            kept = try read(from: path).filter { $0.step <= step }
            let bytes = Array(kept.map { $0.jsonText + "\n" }.joined().utf8)
            let output = try AtomicOutput(path: path)
            do { try output.write(bytes); try output.commit() } catch { output.discard(); throw error }
        }
        return (try MetricsLog(appendingTo: path), kept)
    }

    /// A short reason for a decoding failure.
    static func describe(_ error: Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: return "missing key '\(key.stringValue)'"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case .dataCorrupted(let context)?: return context.debugDescription
        default: return "\(error)"
        }
    }
}
