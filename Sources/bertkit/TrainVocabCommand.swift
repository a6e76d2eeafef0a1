import ArgumentParser
import BertKitSupport
import Dispatch
import Foundation
import InputEncoding
import LineIO
import TextNormalization
import WordPiece

/// `bertkit train-vocab`: a WordPiece vocabulary learned from text or word counts.
struct TrainVocabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-vocab",
        abstract: "Train a WordPiece vocabulary from UTF-8 text, datasets or word counts (HF's or TF.Text's algorithm).",
        discussion: """
            Text is cut into words as BERT's normalizer and pre-tokenizer do (uncased unless --cased), after an \
            optional language profile, and counted on all threads. Plain files are read line by line; a file \
            ending in .gz is inflated, and .csv, .tsv and .jsonl files (or any file with --input-format) are read \
            as datasets, counting the --text-column of each record. With --word-counts each input holds \
            word<TAB>count lines, used as they are, or, with --normalize, each word normalized and cut like text \
            and its count given to every word it becomes. A directory input means every regular file below it, in \
            name order. --algorithm hf (default) builds the vocab.txt HF tokenizers 0.23.3's \
            BertWordPieceTokenizer.train builds, except that the ##c tokens follow code point order where HF's \
            order is random per run; --algorithm wordpiece builds the one TF.Text 2.21.1's wordpiece_vocab learner \
            builds. The output (vocab.txt, or tokenizer.json when the name ends in .json) is written to a \
            temporary file and renamed when complete. A summary goes to standard error.
            """)

    @Option(parsing: .upToNextOption, help: "Input files or directories (UTF-8 text, one or more).")
    var input: [String]

    @Flag(help: "Inputs hold word<TAB>count lines instead of text.")
    var wordCounts = false

    @Option(help: "Read inputs as this dataset format: csv, tsv, jsonl or lines (default: from the extension; .gz inflated).")
    var inputFormat: String?

    @Option(help: "Dataset column (header name or 0-based index) or JSONL key holding the text (default: text).")
    var textColumn: String?

    @Flag(help: "Datasets: skip and count malformed rows instead of stopping.")
    var skipBadRows = false

    @Option(help: "Normalize text (or, with --word-counts, each word) with a language profile first: persian, portuguese, english or bert.")
    var normalize: String?

    @OptionGroup var persian: PersianOptions

    @Flag(help: "Cased words: no lowercasing, accents kept (default: uncased).")
    var cased = false

    @Option(help: "Vocabulary size, special tokens and alphabet included.")
    var vocabSize = 30522

    @Option(help: "hf: smallest pair count that still merges (default 2); wordpiece: smallest count threshold searched (default 10).")
    var minFrequency: Int?

    @Option(help: "Keep at most this many characters (the most frequent).")
    var limitAlphabet = 1000

    @Option(help: "Training algorithm: hf (HF tokenizers' BPE-style WordPiece trainer) or wordpiece (TF.Text's threshold learner).")
    var algorithm = "hf"

    @Option(help: "Worker threads for counting (default: all cores).")
    var threads: Int?

    @Flag(help: "Replace invalid UTF-8 in text with U+FFFD (which BERT cleaning drops) instead of failing.")
    var lossy = false

    @Flag(help: "Print no summary.")
    var quiet = false

    @Option(help: "Output: vocab.txt, or a tokenizer.json when the name ends in .json.")
    var output: String

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input") }
        try refuseClosedStandardStreams(inputs: input, outputs: [output])
        guard algorithm == "hf" || algorithm == "wordpiece" else {
            throw ValidationError("--algorithm must be hf or wordpiece, not '\(algorithm)'")
        }
        guard vocabSize >= 1 else { throw ValidationError("--vocab-size must be at least 1") }
        if let minFrequency, minFrequency < 0 { throw ValidationError("--min-frequency must not be negative") }
        if let inputFormat, !["csv", "tsv", "jsonl", "lines"].contains(inputFormat) {
            throw ValidationError("--input-format must be csv, tsv, jsonl or lines")
        }
        if wordCounts && (inputFormat != nil || textColumn != nil || skipBadRows) {
            throw ValidationError("--input-format, --text-column and --skip-bad-rows apply to text, not to --word-counts")
        }
        guard limitAlphabet >= 0 else { throw ValidationError("--limit-alphabet must not be negative") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        try persian.validate(profile: normalize, flag: "--normalize")
    }

    func run() throws {
        let start = ContinuousClock.now
        let files = try expandInputs(input)
        try refuseOutputsOverInputs(inputs: files, outputs: [output])
        var counts = WordCounts()
        var bytes = 0
        let normalizer = try normalize.map { try makeNormalizer(profile: $0, form: nil, persian: persian) }
        let table = cased ? BertCharacterTable.cased : BertCharacterTable.uncased
        if wordCounts {
            var counter = WordCounter(table: table)
            var scratch: [UInt8] = []
            for file in files {
                for (word, n) in try WordCounts(contentsOf: file).counts {
                    guard let normalizer else { counts.counts[word, default: 0] += n; continue }
                    scratch.removeAll(keepingCapacity: true)
                    word.withUnsafeBufferPointer { normalizer.normalize($0, into: &scratch) }
                    scratch.withUnsafeBufferPointer { counter.count(line: $0, times: n) }
                }
            }
            if normalizer != nil { counts = counter.counts }
        } else {
            let pipeline = LinePipeline(configuration: .init(threads: threads, lossy: lossy))
            let progress = ProgressLine(enabled: !quiet)
            var counter = WordCounter(table: table)
            for file in files {
                if inputFormat != nil || isDataset(file) {
                    bytes += try countDataset(file, into: &counter, table: table, normalizer: normalizer, progress: progress)
                    continue
                }
                let (stats, transforms) = try pipeline.run(inputPath: file, outputPath: nil, progress: progress.update) {
                    CountTransform(counter: WordCounter(table: table), normalizer: normalizer)
                }
                bytes += stats.inputBytes
                for transform in transforms { counter.merge(transform.counter) }
            }
            progress.finish()
            counts = counter.counts
        }
        let counted = ContinuousClock.now
        let chosen = WordPieceTrainer.Algorithm(rawValue: algorithm) ?? .hf
        var configuration = WordPieceTrainer.Configuration(
            vocabSize: vocabSize, minFrequency: minFrequency ?? 2, limitAlphabet: limitAlphabet, algorithm: chosen)
        if chosen == .wordpiece, let minFrequency { configuration.lowerThreshold = minFrequency }
        var trainer = WordPieceTrainer(configuration: configuration)
        let line = UnsafeSendable(ProgressLine(enabled: !quiet))  // used on this thread only
        trainer.progress = { p in
            line.value.show("training: \(p.tokens) tokens" + (p.threshold.map { " at threshold \($0)" } ?? ""))
        }
        let tokens = try trainer.train(counts)
        line.value.finish()
        if output.hasSuffix(".json") {
            let vocabulary = try Vocabulary(tokens: tokens)
            let wordPiece = WordPieceTokenizer(vocabulary: vocabulary, configuration: cased ? .cased : .init())
            try Tokenizer(wordPiece: wordPiece).save(tokenizerJSON: output)
        } else {
            let out = try AtomicOutput(path: output)
            do {
                var text: [UInt8] = []
                for token in tokens { text += token.utf8; text.append(0x0A) }
                try out.write(text)
                try out.commit()
            } catch {
                out.discard()
                throw error
            }
        }
        guard !quiet else { return }
        let seconds = { (d: Duration) in Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        let total = counts.counts.values.reduce(0, &+)
        printError(
            "train-vocab: \(files.count) file(s), \(wordCounts ? "word counts" : "\(format(Double(bytes) / 1e6, 2)) MB of text"), "
                + "\(total) words (\(counts.count) distinct), \(tokens.count) tokens (\(algorithm), \(cased ? "cased" : "uncased")"
                + (normalize.map { ", profile \($0)" } ?? "") + "); counting \(format(seconds(counted - start), 3)) s, "
                + "training \(format(seconds(.now - counted), 3)) s -> \(output)")
    }
}

/// Whether `path` is read as a dataset (gzip or a CSV, TSV or JSONL extension) rather than as plain lines.
private func isDataset(_ path: String) -> Bool {
    let lower = path.lowercased()
    return [".gz", ".csv", ".tsv", ".jsonl"].contains { lower.hasSuffix($0) }
}

extension TrainVocabCommand {
    /// Counts the text column of every record of a dataset file (InputEncoding's readers, .gz inflated), in
    /// batches counted on `threads` threads; returns the bytes read.
    func countDataset(
        _ path: String, into counter: inout WordCounter, table: BertCharacterTable,
        normalizer: (any NormalizationStage)?, progress: ProgressLine
    ) throws -> Int {
        var reader = try DatasetReader(configuration: .init(
            path: path, format: inputFormat.flatMap(DatasetFormat.init(rawValue:)),
            textColumn: textColumn.map(ColumnSelector.init(argument:)), skipBadRows: skipBadRows))
        let workers = max(1, threads ?? Machine.activeProcessorCount)
        var batch: [String] = []
        var batchBytes = 0
        func flush(_ counter: inout WordCounter) {
            let counters = UnsafeMutableBufferPointer<WordCounter>.allocate(capacity: workers)
            counters.initialize(repeating: WordCounter(table: table))
            defer { counters.deinitialize(); counters.deallocate() }
            let texts = batch
            let sink = UnsafeSendable(counters)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var local = WordCounter(table: table)
                var scratch: [UInt8] = []
                for k in stride(from: w, to: texts.count, by: workers) {
                    var text = texts[k]
                    text.withUTF8 { line in
                        guard let normalizer else { return local.count(line: line) }
                        scratch.removeAll(keepingCapacity: true)
                        normalizer.normalize(line, into: &scratch)
                        scratch.withUnsafeBufferPointer { local.count(line: $0) }
                    }
                }
                sink.value[w] = local
            }
            for w in 0..<workers { counter.merge(counters[w]) }
            batch.removeAll(keepingCapacity: true)
            batchBytes = 0
        }
        while let record = try reader.next() {
            batch.append(record.text)
            batchBytes += record.text.utf8.count
            if batchBytes >= 8 << 20 {
                flush(&counter)
                progress.show("\(reader.recordsRead) records, \(format(Double(reader.bytesRead) / 1e6, 1)) MB")
            }
        }
        flush(&counter)
        if reader.skippedRows > 0 && !quiet {
            printError("train-vocab: \(path): skipped \(reader.skippedRows) bad row(s); the first: \(reader.firstSkippedError.map { "\($0)" } ?? "")")
        }
        return reader.bytesRead
    }
}

/// Counts each line's words into a per-thread counter; writes nothing.
struct CountTransform: LineTransform {
    static var defersOutput: Bool { true }
    var counter: WordCounter
    let normalizer: (any NormalizationStage)?
    var normalized: [UInt8] = []

    mutating func transform(line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) throws {
        guard let normalizer else { return counter.count(line: line) }
        normalized.removeAll(keepingCapacity: true)
        normalizer.normalize(line, into: &normalized)
        let text = normalized
        normalized = []
        defer { normalized = text }
        text.withUnsafeBufferPointer { counter.count(line: $0) }
    }
}

/// Files named by `paths`: a file as it is, a directory as every regular file below it, sorted by path.
func expandInputs(_ paths: [String]) throws -> [String] {
    var files: [String] = []
    let manager = FileManager.default
    for path in paths {
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("--input '\(path)' does not exist")
        }
        guard isDirectory.boolValue else { files.append(path); continue }
        var found: [String] = []
        if let walker = manager.enumerator(atPath: path) {
            for case let relative as String in walker {
                let full = (path as NSString).appendingPathComponent(relative)
                var dir: ObjCBool = false
                if manager.fileExists(atPath: full, isDirectory: &dir), !dir.boolValue { found.append(full) }
            }
        }
        guard !found.isEmpty else { throw ValidationError("--input directory '\(path)' holds no file") }
        files += found.sorted()
    }
    return files
}
