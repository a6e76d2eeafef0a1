import ArgumentParser
import EncoderTraining
import Foundation
import InputEncoding
import LineIO
import NativeEncoder
import TextNormalization

/// `bertkit predict`: labels and probabilities for texts, from a fine-tuned classifier folder.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify texts with a fine-tuned model: one JSON line per input with `label` and `probabilities`.",
        discussion: """
            Input: text lines (default, also from standard input), or a .csv/.tsv/.jsonl dataset whose text column \
            is read (--text-column, --pair-column). Every input gets one output line, in input order (an empty \
            line is classified as an empty text; a malformed row skipped by --skip-bad-rows gets none): {"label": "fresh", "probabilities": {"fresh": 0.93, "rotten": 0.07}}; \
            for a multi-label model `label` lists every label whose probability exceeds the model's threshold. \
            Texts are normalized and truncated as at training time (the folder's bertkit.json); --windows \
            classifies a long text over all its windows (logits averaged). Streams: 1,024 records at a time (sorted by length into batches, written in input order).
            """)

    @Option(help: "Fine-tuned model folder (from `bertkit finetune`, or a Hugging Face BertForSequenceClassification folder).") var model: String
    @Option(help: "Input file, or - for standard input (the default; one text a line).") var input: String?
    @Option(help: "Output file (default: standard output).") var output: String?
    @OptionGroup var columns: DatasetColumnOptions
    @Flag(help: "Classify long texts over all their windows (window logits averaged).") var windows = false
    @Option(help: "Examples per forward pass.") var batchSize: Int = 64
    @Flag(help: "Print no progress or summary.") var quiet = false
    @OptionGroup var blas: BLASOptions

    func validate() throws {
        guard batchSize >= 1 && batchSize <= 4096 else { throw ValidationError("--batch-size must be between 1 and 4096") }
        try refuseClosedStandardStreams(inputs: [input ?? "-"], outputs: [output ?? "-"])
        if let input, input != "-" { try requireKnownFormat(input, option: "--input") }
        try columns.refuseWithoutColumns([(input ?? "-", input == nil || input == "-" ? .lines : nil)])
    }

    func run() throws {
        try blas.applyKernelPolicy()
        try AtomicOutput.refuseOverwriting(input: input, output: output)
        let classifier = try LoadedClassifier(directory: model, threads: blas.workerCount)
        blas.printKernelReport(command: "predict", quiet: quiet)
        // No --input, or "-": standard input, one text a line.
        let path = input ?? "-"
        let inputFormat: DatasetFormat? = path == "-" ? .lines : nil
        var reader = try DatasetReader(configuration: columns.readerConfiguration(path: path, format: inputFormat))
        let sink = try AtomicOutput(path: output == "-" ? nil : output)
        let start = ContinuousClock.now
        var done = 0
        let progress = ProgressLine(enabled: !quiet)
        while true {
            var taken = 0
            let chunk = try ClassificationDataset(
                path: path, records: { taken < 1024 ? try reader.next().map { taken += 1; return $0 } : nil },
                tokenizer: classifier.tokenizer, labels: .ignore, windows: windows, skipEmpty: false, allowEmpty: true)
            guard chunk.records > 0 else { break }
            let logits = try RecordLogits(trainer: classifier.trainer, dataset: chunk, batchSize: batchSize, padID: classifier.padID)
            var text = ""
            for r in 0..<logits.records { text += classifier.jsonLine(logits: logits, record: r) + "\n" }
            try sink.write(Array(text.utf8))
            done += chunk.records
            let s = seconds(ContinuousClock.now - start)
            progress.show("\(done) texts, \(format(Double(done) / max(s, 1e-9), 1)) texts/s")
            if taken < 1024 { break }
        }
        try sink.commit()
        progress.finish()
        if !quiet {
            let s = seconds(ContinuousClock.now - start)
            if reader.skippedRows > 0 { printError("predict: skipped \(reader.skippedRows) malformed row(s); the first: \(reader.firstSkippedError.map { "\($0)" } ?? "?")") }
            printError("predict: \(done) texts in \(format(s, 2)) s = \(format(Double(done) / max(s, 1e-9), 1)) texts/s, \(blas.workerCount) thread(s)")
        }
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
}

/// A fine-tuned classifier folder ready for inference: its recipe, tokenizer (with the training
/// normalization and length) and backend.
struct LoadedClassifier {
    let recipe: ClassifierRecipe
    let tokenizer: Tokenizer
    let trainer: NativeClassifierTrainer
    let padID: Int32

    init(directory: String, threads: Int) throws {
        let recipe = try ClassifierRecipe(modelDirectory: directory)
        self.recipe = recipe
        let normalizer = try recipe.normalize.map { profile in
            try NormalizationProfile(name: profile).makeNormalizer(digits: try DigitStyle(name: recipe.digits ?? "keep"), zwnjPlaceholder: nil)
        }
        var tokenizer = try loadTokenizer(directory, cased: false, normalizer: normalizer)
        tokenizer.truncation = Truncation(maxLength: recipe.maxLength)
        tokenizer.padding = nil
        self.tokenizer = tokenizer
        padID = tokenizer.padding(.longest).padID
        trainer = try NativeClassifierTrainer(
            modelDirectory: directory, task: recipe.task, optimizer: OptimizerConfiguration(preset: .bert, learningRate: 1e-5),
            threads: threads, dropout: false)
    }

    /// `{"label": ..., "probabilities": {...}}` for record `r`.
    func jsonLine(logits: RecordLogits, record r: Int) -> String {
        let p = logits.probabilities(record: r, multiLabel: recipe.multiLabel)
        let probabilities = zip(recipe.labels, p).map { "\(Tokenizer.jsonString($0)): \(Self.number($1))" }.joined(separator: ", ")
        let label: String
        if recipe.multiLabel {
            label = "[" + zip(recipe.labels, p).filter { $0.1 > Double(recipe.threshold) }.map { Tokenizer.jsonString($0.0) }.joined(separator: ", ") + "]"
        } else {
            label = Tokenizer.jsonString(recipe.labels[Int(logits.predictedClass(record: r))])
        }
        return "{\"label\": \(label), \"probabilities\": {\(probabilities)}}"
    }

    /// Shortest round-tripping text of a probability.
    static func number(_ x: Double) -> String { "\(x)" }
}
