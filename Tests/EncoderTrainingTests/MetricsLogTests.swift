import EncoderTraining
import Foundation
import Testing

/// A fresh temporary folder per test.
func temporaryFolder(_ name: String = #function) throws -> String {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("bertkit-encodertraining-\(getpid())-\(name.filter(\.isLetter))").path
    try? FileManager.default.removeItem(atPath: folder)
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}

@Suite struct MetricsLogTests {
    static let metrics = ClassificationMetrics(predicted: [0, 1, 1], truth: [0, 1, 0], labels: ["fresh", "rotten"], loss: 0.5)

    /// The exact line of each event kind, `event` first.
    @Test func lineShapes() throws {
        let folder = try temporaryFolder()
        let path = folder + "/metrics.jsonl"
        let log = try MetricsLog(appendingTo: path)
        try log.append(.train(.init(epoch: 1, step: 1, loss: 0.75, learningRate: 2.5e-05, gradNorm: 1.5, examplesPerSecond: 40)))
        try log.append(.eval(.init(epoch: 1, step: 2, metrics: Self.metrics)))
        try log.append(.checkpoint(.init(epoch: 1, step: 2, path: "checkpoint-2", isBest: true, metric: "macro_f1", value: 0.5)))
        try log.append(.train(.init(epoch: 2, step: 3, loss: .nan, learningRate: 0, gradNorm: .infinity, examplesPerSecond: 1)))
        log.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5 && lines[4].isEmpty)
        #expect(lines[0] == #"{"event":"train","epoch":1,"step":1,"loss":0.75,"learning_rate":2.5e-05,"grad_norm":1.5,"examples_per_second":40}"#)
        #expect(lines[1].hasPrefix(#"{"event":"eval","epoch":1,"step":2,"accuracy":0.6666666666666666,"macro_f1":0.6666666666666666,"per_class":{"fresh":"#))
        #expect(lines[1].hasSuffix(#""confusion_matrix":[[1,1],[0,1]],"labels":["fresh","rotten"],"examples":3,"loss":0.5}"#))
        #expect(lines[2] == #"{"event":"checkpoint","epoch":1,"step":2,"path":"checkpoint-2","best":true,"metric":"macro_f1","value":0.5}"#)
        #expect(lines[3] == #"{"event":"train","epoch":2,"step":3,"loss":"NaN","learning_rate":0,"grad_norm":"Infinity","examples_per_second":1}"#)
        let events = try MetricsLog.read(from: path)
        #expect(events.count == 4)
        #expect(events[1] == .eval(.init(epoch: 1, step: 2, metrics: Self.metrics)))
        #expect(events[2] == .checkpoint(.init(epoch: 1, step: 2, path: "checkpoint-2", isBest: true, metric: "macro_f1", value: 0.5)))
        guard case .train(let last) = events[3] else { Issue.record("not a train event"); return }
        #expect(last.loss.isNaN && last.gradNorm == .infinity)
        #expect(throws: TrainingError.metricsLogUnavailable(path: path, reason: "the log is closed")) {
            try log.append(.checkpoint(.init(epoch: 1, step: 1, path: "x")))
        }
    }

    /// Appending to an existing log keeps its lines; a torn last line (a crash mid-write) is dropped.
    @Test func appendAndTornLastLine() throws {
        let path = try temporaryFolder() + "/metrics.jsonl"
        try Data((#"{"event":"checkpoint","epoch":1,"step":4,"path":"c","best":false}"# + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let log = try MetricsLog(appendingTo: path)
        try log.append(.train(.init(epoch: 1, step: 5, loss: 1, learningRate: 1, gradNorm: 1, examplesPerSecond: 1)))
        log.close()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"event":"train","epoch":1,"st"#.utf8))
        try handle.close()
        #expect(try MetricsLog.read(from: path).map(\.step) == [4, 5])
    }

    /// A bad line that is not the torn last line is an error naming the file, line and byte offset.
    @Test func badLineIsPositioned() throws {
        let path = try temporaryFolder() + "/metrics.jsonl"
        let first = #"{"event":"checkpoint","epoch":1,"step":4,"path":"c","best":false}"# + "\n"
        try Data((first + "\n" + #"{"event":"lunch","epoch":1,"step":5}"# + "\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TrainingError.invalidMetricsLogLine(
            path: path, line: 3, byteOffset: first.utf8.count + 1,
            reason: "unknown event 'lunch' (expected train, eval or checkpoint)")) { try MetricsLog.read(from: path) }
        try Data((#"{"event":"train","epoch":1,"step":5,"loss":1}"# + "\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TrainingError.invalidMetricsLogLine(path: path, line: 1, byteOffset: 0, reason: "missing key 'learning_rate'")) {
            try MetricsLog.read(from: path)
        }
        #expect(throws: TrainingError.metricsLogUnavailable(path: path + ".missing", reason: "no such readable file")) {
            try MetricsLog.read(from: path + ".missing")
        }
    }

    /// Resuming from the checkpoint of step 2 drops the later events from the file and appends after them.
    @Test func resumeTruncatesAfterTheCheckpointStep() throws {
        let path = try temporaryFolder() + "/metrics.jsonl"
        let log = try MetricsLog(appendingTo: path)
        for step in 1...4 {
            try log.append(.train(.init(epoch: 1, step: step, loss: Double(step), learningRate: 1, gradNorm: 1, examplesPerSecond: 1)))
            if step == 2 { try log.append(.checkpoint(.init(epoch: 1, step: 2, path: "checkpoint-2"))) }
        }
        log.close()
        let (resumed, kept) = try MetricsLog.resume(at: path, throughStep: 2)
        #expect(kept.map(\.step) == [1, 2, 2])
        try resumed.append(.train(.init(epoch: 1, step: 3, loss: 30, learningRate: 1, gradNorm: 1, examplesPerSecond: 1)))
        resumed.close()
        let events = try MetricsLog.read(from: path)
        #expect(events.map(\.step) == [1, 2, 2, 3])
        guard case .train(let third) = events[3] else { Issue.record("not a train event"); return }
        #expect(third.loss == 30)
        let (fresh, none) = try MetricsLog.resume(at: path + ".new", throughStep: 7)
        #expect(none.isEmpty && fresh.path == path + ".new")
    }
}
