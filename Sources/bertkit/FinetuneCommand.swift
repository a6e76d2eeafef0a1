import ArgumentParser
import EncoderTraining
import Foundation
import InputEncoding
import NativeEncoder

/// `bertkit finetune`: fine-tunes a BERT model folder for text classification on the native backend.
struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Fine-tune a BERT model for text classification (single-label, multi-label, sentence pairs).",
        discussion: """
            Reads --train (and --eval) as `bertkit encode` does (CSV/TSV with a header whose first column is the label \
            and second the text by default, JSONL, text lines, class folders), encodes each record to --max-length \
            tokens, and trains a classification head on the model's pooler (Hugging Face BertForSequenceClassification) \
            with AdamW, linear warmup then decay, gradient clipping, shuffled seeded batches padded to their longest \
            example. Evaluates on --eval at the end of each epoch (and every --eval-every updates), keeps the best \
            model by --best-metric, checkpoints at the end of each epoch (and every --save-every updates). \
            --output DIR receives the model (the best evaluated one when --eval is given, else the last): \
            model.safetensors, config.json with id2label, the tokenizer files, bertkit.json; plus metrics.jsonl, \
            checkpoints/ and best/. --resume continues the run in DIR from its newest checkpoint, exactly. \
            Memory: the encoded data (4 bytes a token) plus the model, its gradients and AdamW moments (4 x the \
            parameters) and the activations of one batch.
            """)

    @Option(help: "Model folder (config.json, model.safetensors with a pooler, vocab.txt or tokenizer.json).") var model: String
    @Option(help: "Training data: a .csv, .tsv, .jsonl or .txt file (optionally .gz) or a folder of class folders.") var train: String
    @Option(help: "Evaluation data, same shape as --train.") var eval: String?
    @OptionGroup var columns: LabelledColumnOptions
    @Flag(help: "Several labels per example, separated by , | or ; in the label column (sigmoid + binary cross-entropy).") var multiLabel = false
    @Option(help: "Multi-label decision threshold.") var threshold: Float = 0.5
    @Option(help: "Normalize texts with a language profile first: persian, portuguese, english or bert.") var normalize: String?
    @Option(help: "Passes over the training data.") var epochs: Int = 3
    @Option(help: "Examples per batch.") var batchSize: Int = 32
    @Option(help: "Longest input in tokens, special tokens included (longer texts are truncated).") var maxLength: Int = 128
    @Option(help: "Peak learning rate.") var lr: Float = 5e-5
    @Option(help: "Warmup as a fraction of all updates.") var warmup: Double = 0.1
    @Option(help: "Weight decay (not applied to biases and LayerNorm weights; default 0.01 with the bert preset, 0 with hf).") var weightDecay: Float?
    @Option(help: "AdamW preset: bert (epsilon 1e-6, weight decay 0.01) or hf (Hugging Face Trainer: epsilon 1e-8, weight decay 0).") var optimizerPreset: String = "bert"
    @Option(help: "Batches whose gradients are summed before each update.") var gradAccum: Int = 1
    @Option(help: "Gradient clipping by global norm (0: off).") var maxGradNorm: Float = 1.0
    @Option(help: "Class weights for the loss: `balanced` (n / (classes x count)) or one weight per label in label order, comma-separated.") var classWeights: String?
    @Option(help: "Seed of the data order, dropout and the head's initialization.") var seed: UInt64 = 42
    @Option(help: "Also evaluate every N updates.") var evalEvery: Int?
    @Option(help: "Also checkpoint every N updates.") var saveEvery: Int?
    @Option(help: "Stop after N evaluations without improvement.") var earlyStopping: Int?
    @Option(help: "Metric for the best model and early stopping: macro_f1, accuracy or loss.") var bestMetric: String = "macro_f1"
    @Flag(help: "Evaluate long texts over all their --max-length windows (window logits averaged) instead of the first.") var windows = false
    @Flag(help: "Run each batch padded whole instead of as groups of similar length (slower; the same gradients up to rounding; --resume refuses a checkpoint saved with the other setting, so that the continuation stays exact).") var noLengthGroups = false
    @Flag(help: "Continue the run in --output from its newest checkpoint.") var resume = false
    @Flag(help: "Print no progress.") var quiet = false
    @Option(help: "Folder for the model, metrics, checkpoints.") var output: String
    @OptionGroup var blas: BLASOptions
    @OptionGroup var persian: PersianOptions

    func validate() throws {
        try persian.validate(profile: normalize, flag: "--normalize")
        guard OptimizerConfiguration.Preset(rawValue: optimizerPreset) != nil else { throw ValidationError("--optimizer-preset must be bert or hf") }
        guard TrainingConfiguration.BestMetric(rawValue: bestMetric) != nil else { throw ValidationError("--best-metric must be macro_f1, accuracy or loss") }
        guard maxLength >= 3 && maxLength <= 4096 else { throw ValidationError("--max-length must be between 3 and 4096 (got \(maxLength))") }
        guard maxGradNorm >= 0 && maxGradNorm.isFinite else { throw ValidationError("--max-grad-norm must be 0 (off) or positive") }
        guard threshold > 0 && threshold < 1 else { throw ValidationError("--threshold must be between 0 and 1") }
        guard batchSize * maxLength <= 65_536 else {
            throw ValidationError("--batch-size x --max-length must be at most 65536 tokens a batch (got \(batchSize) x \(maxLength)); use --grad-accum for larger effective batches")
        }
        try recipe.validate()
    }

    /// The loop's settings from the options.
    var recipe: TrainingConfiguration {
        let preset = OptimizerConfiguration.Preset(rawValue: optimizerPreset) ?? .bert
        var optimizer = OptimizerConfiguration(preset: preset, learningRate: lr)
        if let weightDecay { optimizer.weightDecay = weightDecay }
        var c = TrainingConfiguration(optimizer: optimizer)
        c.epochs = epochs
        c.batchSize = batchSize
        c.gradientAccumulation = gradAccum
        c.maxGradNorm = maxGradNorm == 0 ? nil : maxGradNorm
        c.warmupRatio = warmup
        c.seed = seed
        c.evalEvery = evalEvery
        c.saveEvery = saveEvery
        c.earlyStoppingPatience = earlyStopping
        c.bestMetric = TrainingConfiguration.BestMetric(rawValue: bestMetric) ?? .macroF1
        return c
    }

    func run() throws {
        try blas.applyKernelPolicy()
        try checkOutputFolder()
        let normalizer = try normalize.map { try makeNormalizer(profile: $0, form: nil, persian: persian) }
        var tokenizer = try loadTokenizer(model, cased: false, normalizer: normalizer)
        tokenizer.truncation = Truncation(maxLength: maxLength)
        tokenizer.padding = nil
        let readStart = ContinuousClock.now
        try requireKnownFormat(train, option: "--train")
        if let eval { try requireKnownFormat(eval, option: "--eval") }
        try columns.refuseWithoutColumns([(train, nil)] + (eval.map { [($0, nil)] } ?? []))
        let trainData = try ClassificationDataset(reading: columns.readerConfiguration(path: train), tokenizer: tokenizer, labels: .discover, multiLabel: multiLabel)
        let evalData = try eval.map {
            try ClassificationDataset(reading: columns.readerConfiguration(path: $0), tokenizer: tokenizer, labels: .fixed(trainData.labels),
                                      multiLabel: multiLabel, windows: windows)
        }
        if !quiet {
            for data in [trainData] + (evalData.map { [$0] } ?? []) {
                printError("finetune: \(data.path): \(data.records) records, \(data.examples.count) examples, \(data.truncated) truncated to \(maxLength) tokens"
                    + (data.skippedEmpty > 0 ? ", \(data.skippedEmpty) empty texts skipped" : "")
                    + (data.skippedMalformed > 0 ? ", \(data.skippedMalformed) malformed rows skipped" : ""))
            }
            printError("finetune: labels \(trainData.labels.joined(separator: ", ")) (read and encoded in \(format(seconds(ContinuousClock.now - readStart), 1)) s)")
        }
        var task = ClassificationTask(labels: trainData.labels, multiLabel: multiLabel, threshold: threshold)
        task.classWeights = try weights(for: trainData)
        let recipe = self.recipe
        let trainer = try NativeClassifierTrainer(
            modelDirectory: model, task: task, optimizer: recipe.optimizer, threads: blas.workerCount, dropout: true, initSeed: seed,
            groupsByLength: !noLengthGroups)
        blas.printKernelReport(command: "finetune", quiet: quiet)
        guard maxLength <= trainer.maxSequenceLength else {
            throw ValidationError("--max-length \(maxLength) exceeds the model's \(trainer.maxSequenceLength) positions")
        }
        let loop = TrainingLoop(trainer: trainer, train: trainData, eval: evalData, configuration: recipe,
                                padID: tokenizer.padding(.longest).padID, outputDirectory: output)
        if let kill = ProcessInfo.processInfo.environment["BERTKIT_FAULT_KILL_AFTER_UPDATE"].flatMap(Int.init) { loop.killAfterUpdate = kill }
        let progress = ProgressLine(enabled: !quiet)
        let epochs = self.epochs
        loop.onEvent = { event in
            switch event {
            case let .update(u, total, elapsed):
                let eta = elapsed / Double(max(u.step, 1)) * Double(total - u.step)
                progress.show("epoch \(u.epoch)/\(epochs) update \(u.step)/\(total) loss \(format(u.loss, 4)) "
                    + "lr \(String(format: "%.2e", u.learningRate)) \(format(u.examplesPerSecond, 1)) examples/s ETA \(Self.duration(eta))")
            case let .evaluation(e, isBest):
                guard !quiet else { return }
                progress.finish()
                printError("finetune: eval epoch \(e.epoch) update \(e.step): accuracy \(format(e.metrics.accuracy, 4)) "
                    + "macro_f1 \(format(e.metrics.macroF1, 4)) loss \(format(e.metrics.loss ?? .nan, 4))\(isBest ? " (best)" : "")")
            case let .resumed(update, epoch, path):
                if !quiet { printError("finetune: resumed from \(path) (update \(update), epoch \(epoch + 1))") }
            case let .earlyStop(update):
                if !quiet { printError("finetune: early stopping after update \(update)") }
            case .checkpoint: break
            }
        }
        let summary = try loop.run(resume: resume)
        progress.finish()
        try placeFinalModel(trainer: trainer, summary: summary)
        try ClassifierRecipe(labels: task.labels, multiLabel: multiLabel, threshold: threshold, maxLength: maxLength,
                             normalize: normalize, digits: normalize?.lowercased() == "persian" ? persian.digits : nil)
            .write(modelDirectory: output)
        let report = output + "/report.html"
        try writeReport(to: report, log: loop.metricsLogPath, task: task, trainData: trainData, evalData: evalData)
        if !quiet {
            let best = summary.bestUpdate.map { " (the best evaluation, update \($0))" } ?? " (the last update)"
            printError("finetune: \(summary.updates) updates, \(summary.epochsCompleted) epochs\(summary.stoppedEarly ? ", stopped early" : ""); model in \(output)\(best); report \(report)")
        }
    }

    /// The HTML report from the metrics log: recipe, machine, curves, the best evaluation's metrics.
    func writeReport(to path: String, log: String, task: ClassificationTask, trainData: ClassificationDataset,
                     evalData: ClassificationDataset?) throws {
        let events = try MetricsLog.read(from: log)
        let best = events.compactMap { event -> TrainingEvent.Checkpoint? in
            if case let .checkpoint(c) = event, c.isBest { return c } else { return nil }
        }.last
        let bestMetrics = best.flatMap { b in
            events.compactMap { event -> ClassificationMetrics? in
                if case let .eval(e) = event, e.step == b.step { return e.metrics } else { return nil }
            }.last
        }
        let c = recipe
        let recipeRows: [TrainingReport.Entry] = [
            .init("model", model), .init("training data", "\(train) (\(trainData.records) records, \(trainData.truncated) truncated)"),
            .init("evaluation data", evalData.map { "\($0.path) (\($0.records) records)" } ?? "none"),
            .init("labels", task.labels.joined(separator: ", ") + (task.multiLabel ? " (multi-label)" : "")),
            .init("epochs", "\(c.epochs)"), .init("batch size", "\(c.batchSize) x \(c.gradientAccumulation) accumulated"),
            .init("max length", "\(maxLength) tokens"), .init("normalization", normalize ?? "none"),
            .init("optimizer", "AdamW (\(optimizerPreset) preset): lr \(c.optimizer.learningRate), eps \(c.optimizer.epsilon), weight decay \(c.optimizer.weightDecay) (not on biases and LayerNorm)"),
            .init("schedule", "linear warmup \(c.warmupRatio) then linear decay"),
            .init("gradient clipping", c.maxGradNorm.map { "global norm \($0)" } ?? "off"),
            .init("class weights", task.classWeights.map { $0.map { format(Double($0), 3) }.joined(separator: ", ") } ?? "none"),
            .init("best metric", c.bestMetric.rawValue), .init("seed", "\(c.seed)"), .init("threads", "\(blas.workerCount)"),
        ]
        let content = TrainingReport.Content(
            title: "Fine-tuning \(URL(fileURLWithPath: model).lastPathComponent) on \(URL(fileURLWithPath: train).lastPathComponent)",
            recipe: recipeRows, machine: TrainingReport.machineDescription(kernels: blas.kernelDescription), events: events,
            finalMetrics: bestMetrics, finalMetricsTitle: "Best evaluation (update \(best?.step ?? 0), the saved model)")
        try TrainingReport(content: content).write(to: path)
    }

    /// Refuses an output folder that holds another run unless --resume.
    func checkOutputFolder() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ValidationError("--output \(output) is a file; give a folder (it receives the model, metrics.jsonl, report.html and checkpoints)")
        }
        let checkpoints = output + "/checkpoints"
        let exists = FileManager.default.fileExists(atPath: checkpoints)
        if exists && !resume {
            throw ValidationError("\(output) already holds a run (\(checkpoints)); pass --resume to continue it, or choose another --output")
        }
    }

    /// --class-weights as numbers per label.
    func weights(for data: ClassificationDataset) throws -> [Float]? {
        guard let classWeights else { return nil }
        let k = data.labels.count
        if classWeights == "balanced" {
            var counts = [Int](repeating: 0, count: k)
            for e in data.examples { for c in e.classes { counts[Int(c)] += 1 } }
            let n = Float(data.examples.count)
            return counts.map { $0 == 0 ? 1 : n / (Float(k) * Float($0)) }
        }
        let parts = classWeights.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == k, parts.allSatisfy({ $0 != nil && $0! > 0 && $0!.isFinite }) else {
            throw ValidationError("--class-weights must be `balanced` or \(k) positive numbers, one per label in order: \(data.labels.joined(separator: ","))")
        }
        return parts.map { $0! }
    }

    /// Moves the best (or, without evaluation data, the last) model's files into the output folder.
    func placeFinalModel(trainer: NativeClassifierTrainer, summary: TrainingSummary) throws {
        let source: String
        if let best = summary.bestModelDirectory {
            source = best
        } else {
            source = output + "/.final"
            try? FileManager.default.removeItem(atPath: source)
            try trainer.exportModel(to: source)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: source)
        for name in files {
            // Copied beside the target and renamed over it, so a crash never leaves a half-written file.
            let target = output + "/" + name, partial = output + "/." + name + ".partial"
            try? FileManager.default.removeItem(atPath: partial)
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: partial)
            guard rename(partial, target) == 0 else { throw ValidationError("cannot rename \(partial) to \(target) (errno \(errno))") }
        }
        if summary.bestModelDirectory == nil { try? FileManager.default.removeItem(atPath: source) }
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? "\(t / 3600)h\(String(format: "%02d", t % 3600 / 60))m" : "\(t / 60)m\(String(format: "%02d", t % 60))s"
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
}
