import EncoderTraining
import Foundation
import Testing
@testable import NativeEncoder

/// The exported Hugging Face folder: its config.json, reloading it with the head, and (with the reference venv)
/// `transformers` loading it as `BertForSequenceClassification` with logits within 1e-4 of `logits(for:)`
/// (Scripts/golden/check-export.py).
@Suite struct ClassifierExportTests {
    static func trained(multiLabel: Bool) throws -> (NativeClassifierTrainer, TrainingBatch) {
        let golden = try ClassifierParityTests.golden()
        let task = ClassificationTask(labels: ["negative", "neutral", "positive"], multiLabel: multiLabel)
        let trainer = try NativeClassifierTrainer(
            modelDirectory: ClassifierTrainerTests.initial, task: task,
            optimizer: OptimizerConfiguration(preset: .bert, learningRate: 1e-2), threads: 2)
        for step in 0..<3 {
            _ = try trainer.accumulateGradients(
                for: ClassifierParityTests.batch(golden.batches[step], multiLabel: multiLabel), lossScale: 1, dropoutSeed: UInt64(step))
            try trainer.applyUpdate(learningRate: 1e-2)
        }
        return (trainer, ClassifierParityTests.batch(golden.probe, multiLabel: multiLabel))
    }

    @Test(arguments: [false, true])
    func exportedFolderHasTheConfigAndReloadsWithItsHead(multiLabel: Bool) throws {
        let (trainer, probe) = try Self.trained(multiLabel: multiLabel)
        let folder = ClassifierStateTests.temporaryFolder("export")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try trainer.exportModel(to: folder + "/model")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/model").sorted()
        #expect(files == ["config.json", "model.safetensors", "tokenizer_config.json", "vocab.txt"])
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/model/config.json"))
        let config = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(config["architectures"] as? [String] == ["BertForSequenceClassification"])
        #expect(config["id2label"] as? [String: String] == ["0": "negative", "1": "neutral", "2": "positive"])
        #expect(config["label2id"] as? [String: Int] == ["negative": 0, "neutral": 1, "positive": 2])
        #expect(config["problem_type"] as? String == (multiLabel ? "multi_label_classification" : "single_label_classification"))
        #expect((config["hidden_size"] as? NSNumber)?.intValue == 32 && config["initializer_range"] != nil)
        let weights = try SafetensorsFile(contentsOf: folder + "/model/model.safetensors")
        #expect(Set(weights.tensors.keys) == Set(trainer.parameterNames))
        #expect(weights.tensors.keys.allSatisfy { $0.hasPrefix("bert.") || $0.hasPrefix("classifier.") })

        let reloaded = try NativeClassifierTrainer(
            modelDirectory: folder + "/model", task: trainer.task,
            optimizer: OptimizerConfiguration(preset: .bert, learningRate: 1e-3), threads: 2)
        #expect(reloaded.headWasLoaded)
        #expect(try reloaded.logits(for: probe) == trainer.logits(for: probe))
        let initial = try ClassifierTrainerTests.trainer()
        #expect(try initial.logits(for: probe) != trainer.logits(for: probe), "training must have moved the model")
    }

    @Test(.requires(.referenceEnvironment), arguments: [false, true])
    func transformersLoadsTheExportWithTheSameLogits(multiLabel: Bool) throws {
        let (trainer, probe) = try Self.trained(multiLabel: multiLabel)
        let folder = ClassifierStateTests.temporaryFolder("hf-export")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try trainer.exportModel(to: folder + "/model")
        let rows = (0..<probe.batchSize).map { r in (r * probe.sequenceLength)..<((r + 1) * probe.sequenceLength) }
        let inputs: [String: Any] = [
            "input_ids": rows.map { Array(probe.tokenIDs[$0]) }, "token_type_ids": rows.map { Array(probe.tokenTypeIDs[$0]) },
            "attention_mask": rows.map { Array(probe.attentionMask[$0]) },
        ]
        try JSONSerialization.data(withJSONObject: inputs).write(to: URL(fileURLWithPath: folder + "/inputs.json"))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestAsset.referenceEnvironment.path)
        process.arguments = [Paths.root + "/Scripts/golden/check-export.py", folder + "/model", folder + "/inputs.json"]
        var environment = ProcessInfo.processInfo.environment
        environment["HF_HUB_OFFLINE"] = "1"
        process.environment = environment
        // Files, not pipes: nothing to drain while the child runs.
        for name in ["stdout", "stderr"] { _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: nil) }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/stdout"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/stderr"))
        try process.run()
        process.waitUntilExit()
        let stderr = (try? String(contentsOfFile: folder + "/stderr", encoding: .utf8)) ?? ""
        try #require(process.terminationStatus == 0, "check-export.py failed: \(stderr)")
        let output = try Data(contentsOf: URL(fileURLWithPath: folder + "/stdout"))
        let result = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        #expect(result["architecture"] as? String == "BertForSequenceClassification")
        #expect(result["problem_type"] as? String == (multiLabel ? "multi_label_classification" : "single_label_classification"))
        #expect(result["id2label"] as? [String: String] == ["0": "negative", "1": "neutral", "2": "positive"])
        let reference = try #require(result["logits"] as? [[NSNumber]]).flatMap { $0.map(\.floatValue) }
        let difference = ClassifierParityTests.maxDifference(try trainer.logits(for: probe), reference)
        print("HF round trip (multi-label \(multiLabel)): logits max |native - transformers| \(difference)")
        #expect(difference <= 1e-4)
    }
}
