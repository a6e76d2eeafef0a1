import ArgumentParser
import InputEncoding
import LineIO

/// `bertkit decode`: one line of space-separated token ids in, one line of text out (HF's WordPiece decoder).
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Turn lines of token ids back into text, as HF tokenizers' WordPiece decoder does.",
        discussion: """
            Pieces are joined with spaces, a `##` piece is glued to the one before it, and the spaces BERT puts \
            before punctuation and English contractions are removed (clean_up_tokenization_spaces). Special \
            tokens ([CLS], [SEP], [PAD], ...) are dropped unless --keep-special-tokens. An id outside the \
            vocabulary, or a field that is not a decimal id, stops the run with its line and byte offset. \
            Streams like `tokenize`; a file output is renamed into place only when complete.
            """)

    @Option(help: "Vocabulary: vocab.txt, tokenizer.json, or a model folder.")
    var vocab: String
    @Flag(help: "Keep special tokens in the text.")
    var keepSpecialTokens = false
    @OptionGroup var io: LineIOOptions
    @OptionGroup var options: RunOptions

    func run() throws {
        let tokenizer = try loadTokenizer(vocab, cased: false, normalizer: nil)
        let pipeline = LinePipeline(configuration: .init(threads: options.threads, lossy: io.lossy))
        let progress = ProgressLine(enabled: !options.quiet)
        let (stats, _) = try pipeline.run(inputPath: io.input, outputPath: io.output, progress: progress.update) {
            DecodeTransform(tokenizer: tokenizer, skipSpecialTokens: !keepSpecialTokens)
        }
        progress.finish()
        if !options.quiet {
            printError("decode: \(stats.lines) lines, \(throughput(stats, threads: pipeline.configuration.threads))")
        }
    }
}

/// Parses one line of ids and appends its text.
struct DecodeTransform: LineTransform {
    let tokenizer: Tokenizer
    let skipSpecialTokens: Bool
    var ids: [Int32] = []

    mutating func transform(line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) throws {
        ids.removeAll(keepingCapacity: true)
        var value: Int64 = 0, digits = 0, start = 0
        func finish(at end: Int) throws {
            guard digits > 0 else { return }
            guard value < Int64(tokenizer.vocabulary.count) else {
                throw DecodeLineError("id \(value) at byte \(start + 1) is outside the vocabulary (0..<\(tokenizer.vocabulary.count))")
            }
            ids.append(Int32(value))
            value = 0
            digits = 0
        }
        for (k, byte) in line.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits == 0 { start = k }
                digits += 1
                // Cap the value (the vocabulary check reports it) instead of overflowing on a long digit run.
                value = min(value * 10 + Int64(byte - UInt8(ascii: "0")), Int64(Int32.max) + 1)
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                try finish(at: k)
            default:
                throw DecodeLineError("byte \(k + 1) ('\(Character(Unicode.Scalar(byte)))') is not part of a decimal token id; give ids separated by spaces")
            }
        }
        try finish(at: line.count)
        let text = try tokenizer.decode(ids, skipSpecialTokens: skipSpecialTokens)
        // A vocabulary token holding a line break (possible in a tokenizer.json) would split this output line.
        if let id = ids.first(where: { tokenizer.vocabulary.token(of: $0)?.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) == true }),
           text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            let token = tokenizer.vocabulary.token(of: id) ?? ""
            throw DecodeLineError("id \(id) is the token \(token.debugDescription), whose line break would split this output line in two")
        }
        output.append(contentsOf: text.utf8)
    }
}

/// Why a line of ids could not be decoded (the pipeline adds the file, line and byte offset).
struct DecodeLineError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
