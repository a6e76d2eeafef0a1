import Foundation

/// Where the loop stands: everything besides the backend's own state that a resume needs.
struct LoopState: Codable, Equatable {
    /// 0-based epoch in progress.
    var epoch = 0
    /// Next micro-batch of the epoch (always at an update boundary when saved).
    var microBatch = 0
    /// Updates done.
    var update = 0
    /// Best metric value so far (higher is better) and the update it was reached at.
    var bestValue: Double?
    var bestUpdate: Int?
    /// Evaluations since the last improvement.
    var evaluationsWithoutImprovement = 0
    /// Early stopping fired.
    var stopped = false
}

/// `loop.json` inside a checkpoint: the loop state plus what must not change between the run and its resume.
struct CheckpointRecord: Codable {
    var format = 1
    var state: LoopState
    var configuration: TrainingConfiguration
    var task: ClassificationTask
    /// Training examples and a hash of their token ids and classes.
    var trainExamples: Int
    var trainFingerprint: UInt64
}

extension TrainingLoop {
    var checkpointsDirectory: String { outputDirectory + "/checkpoints" }
    var bestDirectory: String { outputDirectory + "/best" }

    /// FNV-1a over the training examples (ids, segment ids, classes), so a resume refuses other data.
    var trainFingerprint: UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ v: Int32) { h = (h ^ UInt64(UInt32(bitPattern: v))) &* 0x100_0000_01B3 }
        for e in train.examples {
            e.tokenIDs.forEach(mix); mix(-1)
            e.typeIDs.forEach(mix); mix(-2)
            e.classes.forEach(mix); mix(-3)
        }
        return h
    }

    /// Writes the backend state and `loop.json` to `checkpoints/step-N` (through a partial folder renamed when
    /// complete), points `checkpoints/latest` at it, and removes checkpoints beyond `keepCheckpoints`.
    func saveCheckpoint() throws {
        let name = String(format: "step-%08d", state.update)
        let final = checkpointsDirectory + "/" + name, partial = checkpointsDirectory + "/.partial-" + name
        try? FileManager.default.removeItem(atPath: partial)
        try trainer.saveState(to: partial)
        let record = CheckpointRecord(state: state, configuration: configuration, task: trainer.task,
                                      trainExamples: train.examples.count, trainFingerprint: trainFingerprint)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeFile(partial + "/loop.json", try encoder.encode(record))
        try? FileManager.default.removeItem(atPath: final)
        try rename(partial, final)
        try writeFile(checkpointsDirectory + "/latest", Data((name + "\n").utf8))
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: checkpointsDirectory)) ?? [])
            .filter { $0.hasPrefix("step-") }.sorted()
        for old in names.dropLast(configuration.keepCheckpoints) where old != name {
            try? FileManager.default.removeItem(atPath: checkpointsDirectory + "/" + old)
        }
        let event = TrainingEvent.Checkpoint(epoch: max(1, state.microBatch == 0 ? state.epoch : state.epoch + 1), step: state.update,
                                             path: "checkpoints/" + name)
        try log?.append(.checkpoint(event))
        onEvent?(.checkpoint(event))
    }

    /// Loads the checkpoint `checkpoints/latest` names and checks it belongs to this data and recipe.
    func restoreNewestCheckpoint() throws {
        let latestPath = checkpointsDirectory + "/latest"
        guard let latest = FileManager.default.contents(atPath: latestPath),
              let name = String(data: latest, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty
        else { throw TrainingError.noCheckpoint(directory: outputDirectory) }
        let directory = checkpointsDirectory + "/" + name
        let recordPath = directory + "/loop.json"
        guard let data = FileManager.default.contents(atPath: recordPath) else {
            throw TrainingError.incompatibleCheckpoint(path: recordPath, reason: "loop.json is missing")
        }
        let record: CheckpointRecord
        do { record = try JSONDecoder().decode(CheckpointRecord.self, from: data) } catch {
            throw TrainingError.incompatibleCheckpoint(path: recordPath, reason: "loop.json is not readable (\(error))")
        }
        guard record.task == trainer.task else {
            throw TrainingError.incompatibleCheckpoint(path: recordPath, reason: "it was trained for labels \(record.task.labels), not \(trainer.task.labels)")
        }
        guard record.trainExamples == train.examples.count, record.trainFingerprint == trainFingerprint else {
            throw TrainingError.incompatibleCheckpoint(path: recordPath, reason: "the training data differ (\(record.trainExamples) examples then, \(train.examples.count) now)")
        }
        guard record.configuration == configuration else {
            throw TrainingError.incompatibleCheckpoint(path: recordPath, reason: "the training options differ from the checkpoint's")
        }
        try trainer.loadState(from: directory)
        state = record.state
        onEvent?(.resumed(update: state.update, epoch: state.epoch, path: directory))
    }

    func makeDirectory(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw TrainingError.fileError(path: path, reason: "cannot create the folder (\(error.localizedDescription))")
        }
    }

    func writeFile(_ path: String, _ data: Data) throws {
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw TrainingError.fileError(path: path, reason: "cannot write (\(error.localizedDescription))")
        }
    }

    func rename(_ from: String, _ to: String) throws {
        guard Foundation.rename(from, to) == 0 else {
            throw TrainingError.fileError(path: to, reason: "cannot rename \(from) to it (errno \(errno))")
        }
    }
}
