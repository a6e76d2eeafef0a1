import ArgumentParser
import EncoderTraining
import Foundation
import InputEncoding

/// `bertkit evaluate`: metrics of a fine-tuned classifier on labelled data, as one JSON object.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a fine-tuned model on labelled data: accuracy, macro_f1, per_class, confusion_matrix as one JSON object.",
        discussion: """
            Reads --data as `bertkit finetune` reads its data (a label,text CSV by default). Labels must be the \
            model's (config.json id2label); an unknown label is an error naming the file and line. Prints one JSON \
            object on standard output: accuracy, macro_f1 (sklearn's conventions: macro over all the model's labels, \
            0 where a score is undefined), per_class (precision, recall, f1, support by label), confusion_matrix \
            (rows: true labels, columns: predicted, in label order), loss, examples.
            """)

    @Option(help: "Fine-tuned model folder.") var model: String
    @Option(help: "Labelled data: a .csv, .tsv, .jsonl file (optionally .gz) or a folder of class folders.") var data: String
    @OptionGroup var columns: LabelledColumnOptions
    @Flag(help: "Classify long texts over all their windows (window logits averaged).") var windows = false
    @Option(help: "Examples per forward pass.") var batchSize: Int = 64
    @Flag(help: "Print no progress or summary on standard error.") var quiet = false
    @OptionGroup var blas: BLASOptions

    func validate() throws {
        guard batchSize >= 1 && batchSize <= 4096 else { throw ValidationError("--batch-size must be between 1 and 4096") }
        // The metrics are printed on standard output.
        try refuseClosedStandardStreams(inputs: [data], outputs: ["-"], outputOption: false)
        try requireKnownFormat(data, option: "--data")
        try columns.refuseWithoutColumns([(data, nil)])
    }

    func run() throws {
        try blas.applyKernelPolicy()
        let classifier = try LoadedClassifier(directory: model, threads: blas.workerCount)
        blas.printKernelReport(command: "evaluate", quiet: quiet)
        let dataset = try ClassificationDataset(
            reading: columns.readerConfiguration(path: data),
            tokenizer: classifier.tokenizer, labels: .fixed(classifier.recipe.labels), multiLabel: classifier.recipe.multiLabel, windows: windows)
        let start = ContinuousClock.now
        let logits = try RecordLogits(trainer: classifier.trainer, dataset: dataset, batchSize: batchSize, padID: classifier.padID)
        let metrics = ClassificationMetrics(logits: logits, dataset: dataset, task: classifier.recipe.task)
        print(metrics.jsonText)
        if !quiet {
            let d = ContinuousClock.now - start
            let s = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            printError("evaluate: \(dataset.records) records (\(dataset.examples.count) examples) in \(format(s, 2)) s"
                + (dataset.skippedEmpty > 0 ? ", \(dataset.skippedEmpty) empty texts skipped" : "")
                + (dataset.skippedMalformed > 0 ? ", \(dataset.skippedMalformed) malformed rows skipped" : ""))
        }
    }
}
