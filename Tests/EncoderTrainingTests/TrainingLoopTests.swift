import BertKitTestSupport
import EncoderTraining
import Foundation
import InputEncoding
import Testing

/// The loop driven through the protocol with a pure-Swift backend (BagOfWordsTrainer): determinism, resume,
/// accumulation scaling, evaluation, best model, early stopping, data errors.
@Suite struct TrainingLoopTests {
    static let tokenizer: Tokenizer = {
        var t = try! Tokenizer(directory: TestRepository.path("Fixtures/tiny-bert"))
        t.truncation = Truncation(maxLength: 16)
        return t
    }()

    /// A folder with a `label,text` CSV of `rows` seeded rows (pos: "great fun" words, neg: "the a is").
    static func makeData(rows: Int, seed: Int = 1, labels: [String] = ["neg", "pos"]) throws -> (dir: String, csv: String) {
        let dir = NSTemporaryDirectory() + "bertkit-loop-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var text = "label,text\n"
        for i in 0..<rows {
            let c = (i * 7 + seed) % labels.count
            let words = c == 1 ? ["great", "fun", "film"] : ["the", "a", "is"]
            text += "\(labels[c]),\((0..<(3 + i % 5)).map { words[($0 + i) % 3] }.joined(separator: " "))\n"
        }
        let csv = dir + "/train.csv"
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        return (dir, csv)
    }

    static func dataset(_ path: String, labels: ClassificationDataset.LabelSource = .discover) throws -> ClassificationDataset {
        try ClassificationDataset(reading: .init(path: path), tokenizer: tokenizer, labels: labels)
    }

    static func recipe(epochs: Int = 2, batch: Int = 4, accumulation: Int = 1) -> TrainingConfiguration {
        var c = TrainingConfiguration(optimizer: OptimizerConfiguration(preset: .bert, learningRate: 0.05))
        c.epochs = epochs
        c.batchSize = batch
        c.gradientAccumulation = accumulation
        c.saveEvery = 3
        return c
    }

    @Test func datasetDiscoversSortedLabelsAndPadsBatches() throws {
        let (dir, csv) = try Self.makeData(rows: 10, labels: ["zeta", "alpha"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = try Self.dataset(csv)
        #expect(data.labels == ["alpha", "zeta"])
        #expect(data.records == 10 && data.examples.count == 10)
        let batch = data.batch([0, 1], padID: 0, task: ClassificationTask(labels: data.labels))
        let longest = max(data.examples[0].tokenIDs.count, data.examples[1].tokenIDs.count)
        #expect(batch.sequenceLength == longest && batch.tokenIDs.count == 2 * longest)
        #expect(batch.attentionMask.reduce(0, +) == Int32(data.examples[0].tokenIDs.count + data.examples[1].tokenIDs.count))
        // Row 0 of makeData is class (0*7+1)%2 = 1 = "alpha"... labels sorted: alpha = 0.
        #expect(batch.targets == .classes([data.examples[0].classes[0], data.examples[1].classes[0]]))
        #expect(data.examples[0].classes == [0] && data.examples[1].classes == [1])
    }

    @Test func permutationIsSeededAndComplete() {
        let a = TrainingLoop.permutation(count: 100, seed: 7, epoch: 0)
        #expect(a.sorted() == Array(0..<100))
        #expect(a == TrainingLoop.permutation(count: 100, seed: 7, epoch: 0))
        #expect(a != TrainingLoop.permutation(count: 100, seed: 7, epoch: 1))
        #expect(a != TrainingLoop.permutation(count: 100, seed: 8, epoch: 0))
    }

    @Test func resumeAfterACrashEndsWithTheSameParameters() throws {
        let (dir, csv) = try Self.makeData(rows: 37)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = try Self.dataset(csv)
        let task = ClassificationTask(labels: data.labels)
        let whole = BagOfWordsTrainer(task: task, vocabularySize: 64)
        _ = try TrainingLoop(trainer: whole, train: data, eval: data, configuration: Self.recipe(), padID: 0,
                             outputDirectory: dir + "/whole").run(resume: false)

        let crashed = BagOfWordsTrainer(task: task, vocabularySize: 64)
        crashed.failAfterMicroBatches = 14  // epoch 1 of 10 micro-batches each, after the checkpoint at update 12
        #expect(throws: BagOfWordsTrainer.Crash.self) {
            try TrainingLoop(trainer: crashed, train: data, eval: data, configuration: Self.recipe(), padID: 0,
                             outputDirectory: dir + "/resumed").run(resume: false)
        }
        let resumed = BagOfWordsTrainer(task: task, vocabularySize: 64)
        var events: [TrainingLoop.Event] = []
        let loop = TrainingLoop(trainer: resumed, train: data, eval: data, configuration: Self.recipe(), padID: 0,
                                outputDirectory: dir + "/resumed")
        loop.onEvent = { events.append($0) }
        let summary = try loop.run(resume: true)
        guard case let .resumed(update, epoch, _)? = events.first else { Issue.record("no resume event"); return }
        #expect(update == 12 && epoch == 1)
        #expect(summary.updates == 20)
        #expect(resumed.updates == whole.updates)
        #expect(resumed.bias == whole.bias)
        #expect(resumed.velocity == whole.velocity)
        #expect(resumed.weight == whole.weight)
        #expect(resumed.seeds == Array(whole.seeds.suffix(8)))
    }

    @Test func accumulationOfTwoHalfBatchesEqualsOneBatch() throws {
        let (dir, csv) = try Self.makeData(rows: 32)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = try Self.dataset(csv)
        let task = ClassificationTask(labels: data.labels)
        let full = BagOfWordsTrainer(task: task, vocabularySize: 64), halves = BagOfWordsTrainer(task: task, vocabularySize: 64)
        var a = Self.recipe(epochs: 1, batch: 8), b = Self.recipe(epochs: 1, batch: 4, accumulation: 2)
        a.saveEvery = nil; b.saveEvery = nil
        _ = try TrainingLoop(trainer: full, train: data, eval: nil, configuration: a, padID: 0, outputDirectory: dir + "/a").run(resume: false)
        _ = try TrainingLoop(trainer: halves, train: data, eval: nil, configuration: b, padID: 0, outputDirectory: dir + "/b").run(resume: false)
        #expect(full.updates == 4 && halves.updates == 4)
        for (x, y) in zip(full.weight + full.bias, halves.weight + halves.bias) { #expect(abs(x - y) <= 1e-5) }
    }

    @Test func evaluationRecordsTheBestModelAndStopsEarly() throws {
        let (dir, csv) = try Self.makeData(rows: 24)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = try Self.dataset(csv)
        let trainer = BagOfWordsTrainer(task: ClassificationTask(labels: data.labels), vocabularySize: 64)
        var recipe = Self.recipe(epochs: 50, batch: 8)
        recipe.earlyStoppingPatience = 2
        recipe.bestMetric = .accuracy
        var evaluations: [(record: TrainingEvent.Evaluation, isBest: Bool)] = []
        let loop = TrainingLoop(trainer: trainer, train: data, eval: data, configuration: recipe, padID: 0, outputDirectory: dir + "/out")
        loop.onEvent = { if case let .evaluation(e, best) = $0 { evaluations.append((e, best)) } }
        let summary = try loop.run(resume: false)
        // Separable data: accuracy reaches 1 and cannot improve on it, so two more evaluations stop the run.
        #expect(summary.stoppedEarly)
        #expect(evaluations.last?.record.metrics.accuracy == 1)
        #expect(evaluations.count < 50)
        #expect(summary.bestUpdate.map { u in evaluations.last { $0.isBest }?.record.step == u } == true)
        #expect(FileManager.default.fileExists(atPath: dir + "/out/best/model.json"))
        // The log holds every update, each evaluation, and the checkpoints (best exports included).
        let logged = try MetricsLog.read(from: dir + "/out/metrics.jsonl")
        #expect(logged.filter { if case .train = $0 { true } else { false } }.count == summary.updates)
        #expect(logged.filter { if case .eval = $0 { true } else { false } }.count == evaluations.count)
        #expect(logged.contains { if case let .checkpoint(c) = $0 { c.isBest && c.step == summary.bestUpdate } else { false } })
    }

    @Test func badDataIsNamed() throws {
        let (dir, csv) = try Self.makeData(rows: 6)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let eval = dir + "/eval.csv"
        try "label,text\nneg,the a\nmaybe,great\n".write(toFile: eval, atomically: true, encoding: .utf8)
        #expect(throws: TrainingError.unknownLabel(path: eval, line: 3, label: "maybe", known: ["neg", "pos"])) {
            try Self.dataset(eval, labels: .fixed(["neg", "pos"]))
        }
        let one = dir + "/one.csv"
        try "label,text\nneg,the a\nneg,great\n".write(toFile: one, atomically: true, encoding: .utf8)
        #expect(throws: TrainingError.singleClass(path: one, label: "neg")) { try Self.dataset(one) }
        let empty = dir + "/empty.csv"
        try "label,text\nneg,\npos,great\nneg,the\n".write(toFile: empty, atomically: true, encoding: .utf8)
        #expect(try Self.dataset(empty).skippedEmpty == 1)
        let data = try Self.dataset(csv)
        let trainer = BagOfWordsTrainer(task: ClassificationTask(labels: data.labels), vocabularySize: 64)
        #expect(throws: TrainingError.batchLargerThanData(batchSize: 32, examples: 6, path: csv)) {
            var r = Self.recipe()
            r.batchSize = 32
            return try TrainingLoop(trainer: trainer, train: data, eval: nil, configuration: r, padID: 0, outputDirectory: dir + "/x").run(resume: false)
        }
        #expect(throws: TrainingError.noCheckpoint(directory: dir + "/y")) {
            try TrainingLoop(trainer: trainer, train: data, eval: nil, configuration: Self.recipe(), padID: 0, outputDirectory: dir + "/y").run(resume: true)
        }
    }
}
