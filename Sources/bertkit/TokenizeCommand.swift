import ArgumentParser
import LineIO
import WordPiece

/// `bertkit tokenize`: one line of token ids (or token strings) per input line.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "WordPiece-tokenize UTF-8 text, one example per line, byte-exact with HF tokenizers.",
        discussion: """
            Each input line gives one output line: token ids separated by single spaces (or token strings with \
            --tokens), without [CLS]/[SEP]; an empty line gives an empty line. Input is streamed: memory stays \
            near threads x 1 MiB x 3 plus the longest line, whatever the file size. A file output is written to a \
            temporary file and renamed only when the run succeeds. A summary goes to standard error.
            """)

    @Option(help: "Vocabulary: a BERT vocab.txt, or a tokenizer.json with a WordPiece model.")
    var vocab: String

    @Flag(help: "Cased tokenization: no lowercasing, accents kept (default: uncased).")
    var cased = false

    @Flag(help: "Write token strings instead of ids.")
    var tokens = false

    @OptionGroup var io: LineIOOptions
    @OptionGroup var options: RunOptions

    @Option(help: "Normalize each line with a language profile first: persian, portuguese, english or bert.")
    var normalize: String?

    @OptionGroup var persian: PersianOptions

    func validate() throws {
        try persian.validate(profile: normalize, flag: "--normalize")
    }

    func run() throws {
        let vocabulary = try loadVocabulary(vocab)
        let configuration: WordPieceTokenizer.Configuration = cased ? .cased : .init()
        if tokens { try refuseLineBreaksInEmittedTokens(vocabulary, path: vocab, special: configuration.specialTokens) }
        let normalizer = try normalize.map {
            try makeNormalizer(profile: $0, form: nil, persian: persian)
        }
        let tokenizer = WordPieceTokenizer(
            vocabulary: vocabulary, configuration: configuration, normalizer: normalizer)
        let pipeline = LinePipeline(configuration: .init(threads: options.threads, lossy: io.lossy))
        let progress = ProgressLine(enabled: !options.quiet)
        let text = tokens ? TokenText.tokens(vocabulary) : TokenText.ids(count: vocabulary.count)
        let (stats, transforms) = try pipeline.run(inputPath: io.input, outputPath: io.output, progress: progress.update) {
            TokenizeTransform(tokenizer: tokenizer, text: text)
        }
        progress.finish()
        guard !options.quiet else { return }
        let tokenCount = transforms.reduce(0) { $0 + $1.tokenCount }
        let unknown = transforms.reduce(0) { $0 + $1.unknownCount }
        let rate = tokenCount == 0 ? 0 : 100 * Double(unknown) / Double(tokenCount)
        printError(
            "tokenize: \(stats.lines) lines, \(tokenCount) tokens, \(unknown) [UNK] (\(format(rate, 3))%), "
                + "\(throughput(stats, threads: pipeline.configuration.threads)), \(cased ? "cased" : "uncased")"
                + (normalize.map { ", profile \($0)" } ?? ""))
    }
}

/// Turns one line into its ids (or tokens) as text, counting tokens and unknowns.
struct TokenizeTransform: LineTransform {
    let tokenizer: WordPieceTokenizer
    let text: TokenText
    let unknownID: Int32
    /// Reused id buffer, grown to the longest line's bound.
    var ids: [Int32] = []
    /// Reused buffer for the normalized line when the tokenizer has a normalizer.
    var normalized: [UInt8] = []
    var tokenCount = 0
    var unknownCount = 0

    init(tokenizer: WordPieceTokenizer, text: TokenText) {
        self.tokenizer = tokenizer
        self.text = text
        self.unknownID = tokenizer.vocabulary.unknownID
    }

    mutating func transform(line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) throws {
        guard let normalizer = tokenizer.normalizer else { return tokenize(line, into: &output) }
        normalized.removeAll(keepingCapacity: true)
        normalizer.normalize(line, into: &normalized)
        let text = normalized
        normalized = []
        defer { normalized = text }
        text.withUnsafeBufferPointer { tokenize($0, into: &output) }
    }

    /// Tokenizes text that has already been through the tokenizer's normalizer.
    mutating func tokenize(_ line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        let bound = WordPieceTokenizer.maxTokens(forByteCount: line.count)
        if ids.count < bound { ids = [Int32](repeating: 0, count: max(bound, 2 * ids.count)) }
        let (tokenizer, text, unk) = (tokenizer, text, unknownID)
        let unknown = ids.withUnsafeMutableBufferPointer { buffer -> Int in
            let n = tokenizer.tokenIDs(utf8: line, writingIDsTo: buffer.baseAddress!)
            let written = UnsafeBufferPointer(rebasing: buffer[0..<n])
            text.append(written, to: &output)
            tokenCount += n
            var unknown = 0
            for id in written where id == unk { unknown += 1 }
            return unknown
        }
        unknownCount += unknown
    }
}
