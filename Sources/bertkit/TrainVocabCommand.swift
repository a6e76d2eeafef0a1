import ArgumentParser
import Foundation
import InputEncoding
import LineIO
import TextNormalization
import WordPiece

/// `bertkit train-vocab`: a WordPiece vocabulary learned from text or word counts.
struct TrainVocabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-vocab",
        abstract: "Train a WordPiece vocabulary from UTF-8 text or word counts, as HF tokenizers' WordPieceTrainer.",
        discussion: """
            Text is cut into words as BERT's normalizer and pre-tokenizer do (uncased unless --cased), after an \
            optional language profile, counted on all threads, then trained with the hf algorithm: the vocab.txt \
            HF tokenizers 0.23.3's BertWordPieceTokenizer.train builds, except that the ##c tokens follow code \
            point order where HF's order is random per run. With --word-counts each input holds word<TAB>count \
            lines, used as they are. A directory input means every regular file below it, in name order. The \
            output (vocab.txt, or tokenizer.json when the name ends in .json) is written to a temporary file and \
            renamed when complete. A summary goes to standard error.
            """)

    @Option(parsing: .upToNextOption, help: "Input files or directories (UTF-8 text, one or more).")
    var input: [String]

    @Flag(help: "Inputs hold word<TAB>count lines instead of text.")
    var wordCounts = false

    @Option(help: "Normalize text with a language profile first: persian, portuguese, english or bert.")
    var normalize: String?

    @OptionGroup var persian: PersianOptions

    @Flag(help: "Cased words: no lowercasing, accents kept (default: uncased).")
    var cased = false

    @Option(help: "Vocabulary size, special tokens and alphabet included.")
    var vocabSize = 30522

    @Option(help: "Smallest pair count that still merges.")
    var minFrequency = 2

    @Option(help: "Keep at most this many characters (the most frequent).")
    var limitAlphabet = 1000

    @Option(help: "Training algorithm: hf (HF tokenizers' BPE-style WordPiece trainer).")
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
        guard algorithm == "hf" || algorithm == "wordpiece" else {
            throw ValidationError("--algorithm must be hf or wordpiece, not '\(algorithm)'")
        }
        guard algorithm == "hf" else { throw ValidationError("--algorithm wordpiece is not implemented yet; use hf") }
        guard vocabSize >= 1 else { throw ValidationError("--vocab-size must be at least 1") }
        guard minFrequency >= 0 else { throw ValidationError("--min-frequency must not be negative") }
        guard limitAlphabet >= 0 else { throw ValidationError("--limit-alphabet must not be negative") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if wordCounts && normalize != nil { throw ValidationError("--normalize applies to text, not to --word-counts") }
        try persian.validate(profile: normalize, flag: "--normalize")
    }

    func run() throws {
        let start = ContinuousClock.now
        let files = try expandInputs(input)
        var counts = WordCounts()
        var bytes = 0
        if wordCounts {
            for file in files {
                for (word, n) in try WordCounts(contentsOf: file).counts { counts.counts[word, default: 0] += n }
            }
        } else {
            let normalizer = try normalize.map { try makeNormalizer(profile: $0, form: nil, persian: persian) }
            let table = cased ? BertCharacterTable.cased : BertCharacterTable.uncased
            let pipeline = LinePipeline(configuration: .init(threads: threads, lossy: lossy))
            let progress = ProgressLine(enabled: !quiet)
            var counter = WordCounter(table: table)
            for file in files {
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
        let trainer = WordPieceTrainer(configuration: .init(
            vocabSize: vocabSize, minFrequency: minFrequency, limitAlphabet: limitAlphabet))
        let tokens = try trainer.train(counts)
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
