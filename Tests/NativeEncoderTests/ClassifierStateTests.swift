import EncoderTraining
import Foundation
import Testing
@testable import NativeEncoder

/// Exact resume: a trainer that saves its state, and a new trainer that loads it, continue with the same bytes as
/// one uninterrupted run; a state that does not fit is refused with the file named.
@Suite struct ClassifierStateTests {
    static func temporaryFolder(_ tag: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-\(tag)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    }

    /// Updates `range` of a run with two micro-batches per update, dropout on, clipping, warmup/decay.
    static func train(_ t: NativeClassifierTrainer, _ range: Range<Int>, _ batches: [TrainingBatch]) throws {
        let schedule = LinearWarmupDecay(peak: 1e-3, warmupRatio: 0.1, totalSteps: 8)
        for update in range {
            for k in 0..<2 {
                _ = try t.accumulateGradients(for: batches[(2 * update + k) % batches.count], lossScale: 0.5, dropoutSeed: UInt64(2 * update + k))
            }
            _ = t.clipGradientNorm(maxNorm: 1)
            try t.applyUpdate(learningRate: schedule.learningRate(atStep: update))
        }
    }

    static func bytes(_ folder: String) throws -> [Data] {
        try [NativeClassifierTrainer.stateTensorsFile, NativeClassifierTrainer.stateFile].map {
            try Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0))
        }
    }

    @Test func resumedRunEqualsUninterruptedRun() throws {
        let batches = try ClassifierTrainerTests.batches()
        let root = Self.temporaryFolder("resume")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let uninterrupted = try ClassifierTrainerTests.trainer(dropout: true)
        try Self.train(uninterrupted, 0..<3, batches)
        try uninterrupted.saveState(to: root + "/after3")
        try Self.train(uninterrupted, 3..<6, batches)
        try uninterrupted.saveState(to: root + "/straight")

        let resumed = try ClassifierTrainerTests.trainer(dropout: true)
        try resumed.loadState(from: root + "/after3")
        #expect(resumed.step == 3)
        try Self.train(resumed, 3..<6, batches)
        try resumed.saveState(to: root + "/resumed")
        #expect(try Self.bytes(root + "/resumed") == Self.bytes(root + "/straight"))
        #expect(try Self.bytes(root + "/after3") != Self.bytes(root + "/straight"))
        for name in resumed.parameterNames where resumed.parameter(named: name) != uninterrupted.parameter(named: name) {
            Issue.record("\(name) differs after resuming")
        }

        // Saving again replaces the folder as a whole, and leaves no temporary folder behind.
        try resumed.saveState(to: root + "/resumed")
        let entries = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
        #expect(entries == ["after3", "resumed", "straight"])
    }

    /// A state saved with length groups is refused by a trainer without them (and the other way round): the
    /// gradients differ in their last bits, so the continuation would not be exact.
    @Test func lengthGroupSettingMustMatch() throws {
        let root = Self.temporaryFolder("groups")
        defer { try? FileManager.default.removeItem(atPath: root) }
        func trainer(_ groups: Bool) throws -> NativeClassifierTrainer {
            try NativeClassifierTrainer(modelDirectory: ClassifierTrainerTests.initial, task: ClassifierTrainerTests.task,
                                        optimizer: OptimizerConfiguration(preset: .bert, learningRate: 1e-3), threads: 2,
                                        groupsByLength: groups)
        }
        try trainer(true).saveState(to: root + "/grouped")
        try trainer(false).saveState(to: root + "/whole")
        try trainer(true).loadState(from: root + "/grouped")
        try trainer(false).loadState(from: root + "/whole")
        let path = root + "/grouped/" + NativeClassifierTrainer.stateFile
        #expect(throws: NativeEncoderError.invalidTrainerState(
            path: path, reason: "it was saved with length groups, and this run has --no-length-groups; resume with the same setting for an exact continuation")) {
            try trainer(false).loadState(from: root + "/grouped")
        }
        #expect(throws: NativeEncoderError.self) { try trainer(true).loadState(from: root + "/whole") }
    }

    @Test func unfitStatesAreRefused() throws {
        let root = Self.temporaryFolder("state")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let t = try ClassifierTrainerTests.trainer()
        try t.saveState(to: root + "/good")
        let other = try ClassifierTrainerTests.trainer(task: ClassificationTask(labels: ["x", "y", "z"]))
        #expect(throws: NativeEncoderError.self) { try other.loadState(from: root + "/good") }
        let fm = FileManager.default
        // A state file with one tensor dropped names the file and the tensor.
        let state = try SafetensorsFile(contentsOf: root + "/good/" + NativeClassifierTrainer.stateTensorsFile)
        let kept = try state.tensors.keys.filter { $0 != "optimizer.exp_avg_sq.classifier.bias" }.map {
            SafetensorsWriter.Tensor(name: $0, shape: try state.info($0).shape, values: try state.floats($0))
        }
        try fm.createDirectory(atPath: root + "/bad", withIntermediateDirectories: true)
        try fm.copyItem(atPath: root + "/good/" + NativeClassifierTrainer.stateFile, toPath: root + "/bad/" + NativeClassifierTrainer.stateFile)
        try SafetensorsWriter.write(kept, to: root + "/bad/" + NativeClassifierTrainer.stateTensorsFile)
        let before = t.parameter(named: "classifier.weight")
        let error = #expect(throws: NativeEncoderError.self) { try t.loadState(from: root + "/bad") }
        #expect(error == .invalidTrainerState(path: root + "/bad/" + NativeClassifierTrainer.stateTensorsFile,
                                              reason: "tensor optimizer.exp_avg_sq.classifier.bias is missing"))
        #expect(t.parameter(named: "classifier.weight") == before)
        #expect(throws: NativeEncoderError.self) { try t.loadState(from: root + "/missing") }
        // A truncated state file says where it ends.
        let json = try Data(contentsOf: URL(fileURLWithPath: root + "/good/" + NativeClassifierTrainer.stateFile))
        try fm.createDirectory(atPath: root + "/cut", withIntermediateDirectories: true)
        try json.prefix(20).write(to: URL(fileURLWithPath: root + "/cut/" + NativeClassifierTrainer.stateFile))
        #expect(throws: NativeEncoderError.invalidTrainerState(
            path: root + "/cut/" + NativeClassifierTrainer.stateFile,
            reason: "it is not valid JSON: the text ends at byte 20 before the JSON value is complete (a truncated file, or an unclosed string, bracket or literal)")) {
            try t.loadState(from: root + "/cut")
        }
    }
}
