import ArgumentParser
import Foundation
import LineIO
import NativeEncoder
import InputEncoding

/// `bertkit embed`: one JSON array of floats per input line, from the native encoder.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed text with a BERT model folder on the native OpenBLAS encoder, one JSON array per line.",
        discussion: """
            Each line is tokenized as the model folder says (tokenizer.json, or vocab.txt with \
            tokenizer_config.json's do_lower_case), wrapped in the template ([CLS] ... [SEP]), cut to \
            --max-length tokens, encoded (--batch-size lines of similar length per pass, padded and masked), and pooled: mean over the tokens (as sentence-transformers does for \
            all-MiniLM-L6-v2) or the [CLS] hidden state. No L2 normalization unless --normalize. The CPU's \
            features, the kernels in use and why are reported on standard error.
            """)

    /// How a sequence's hidden states become one vector.
    enum Pooling: String, ExpressibleByArgument, CaseIterable { case mean, cls }

    @Option(help: "Model folder: config.json, model.safetensors, tokenizer.json or vocab.txt.") var model: String
    @Option(help: "Pooling: mean (over real tokens) or cls.") var pooling: Pooling = .mean
    @Option(help: "Longest sequence in tokens, [CLS] and [SEP] included (default: 128, at most the model's positions).")
    var maxLength: Int?
    @Flag(help: "Scale every embedding to unit L2 norm.") var normalize = false
    @Flag(help: "Print nothing on standard error (no kernel line, progress or summary).") var quiet = false
    @Option(help: "Lines per encoder pass; lines are grouped by length within each 256 KiB block of input.")
    var batchSize: Int = 32
    @OptionGroup var io: LineIOOptions
    @OptionGroup var blas: BLASOptions

    /// Most lines per encoder pass: the activation plan grows with it, so larger values are refused up front.
    static let maximumBatchSize = 1024

    func validate() throws {
        guard batchSize >= 1, batchSize <= Self.maximumBatchSize else {
            throw ValidationError("--batch-size must be between 1 and \(Self.maximumBatchSize) (got \(batchSize))")
        }
    }

    func run() throws {
        try blas.applyKernelPolicy()
        // Forward passes only: one set of layer buffers.
        let encoder = try BertEncoder(directory: model, threads: blas.workerCount, options: .init(inferenceOnly: true))
        let config = encoder.configuration
        var tokenizer = try Tokenizer(directory: model)
        guard tokenizer.vocabulary.count == config.vocabularySize else {
            throw ValidationError("\(model): the vocabulary has \(tokenizer.vocabulary.count) tokens but config.json says vocab_size \(config.vocabularySize); the files do not belong together")
        }
        let length = maxLength ?? min(128, config.maxPositions)
        let specials = tokenizer.template.addedTokens(pair: false)
        guard length > specials, length <= config.maxPositions else {
            throw ValidationError("--max-length must be in \(specials + 1)...\(config.maxPositions) (room for the template's special tokens, at most the model's positions)")
        }
        tokenizer.truncation = Truncation(maxLength: length)
        tokenizer.padding = nil
        blas.printKernelReport(command: "embed", quiet: quiet)
        if !quiet { printError("embed: \(blas.workerCount) worker thread(s)") }
        // One pipeline thread: the encoder parallelizes each forward pass over the worker threads itself.
        // 256 KiB blocks: a block is a few thousand lines (plenty to batch by length) and progress, shown per
        // block on a terminal, moves every few seconds.
        let pipeline = LinePipeline(configuration: .init(threads: 1, blockSize: 256 << 10, lossy: io.lossy))
        let progress = ProgressLine(enabled: !quiet)
        let (stats, _) = try pipeline.run(inputPath: io.input, outputPath: io.output, progress: progress.update) {
            EmbedTransform(encoder: encoder, tokenizer: tokenizer, pooling: pooling, normalize: normalize, batchSize: batchSize)
        }
        progress.finish()
        if !quiet { printError("embed: \(stats.lines) lines in \(format(stats.seconds, 3)) s") }
    }
}

/// Tokenizes each line; at the end of each pipeline chunk, encodes the chunk's lines in batches of similar
/// length (sorted by token count, so padding stays small) and writes every line's JSON array in input order.
struct EmbedTransform: LineTransform {
    static var defersOutput: Bool { true }

    let encoder: BertEncoder
    /// Truncates to the maximum length; does not pad (batches are padded together below).
    let tokenizer: Tokenizer
    let pooling: EmbedCommand.Pooling
    let normalize: Bool
    let batchSize: Int
    /// Encodings of the chunk's lines so far, with the template's special tokens, cut to the maximum length.
    var pending: [Encoding] = []

    mutating func transform(line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) throws {
        var encoding = try tokenizer.encode(String(decoding: line, as: UTF8.self), options: EncodeOptions(alignment: false))
        encoding.overflowing = []
        pending.append(encoding)
    }

    mutating func finishChunk(into output: inout [UInt8]) throws {
        defer { pending.removeAll(keepingCapacity: true) }
        let h = encoder.configuration.hiddenSize
        var vectors = [[Float]](repeating: [], count: pending.count)
        // Longest first: the encoder lays out its buffers for the first batch and reuses them for the shorter rest.
        let order = pending.indices.sorted { (pending[$1].count, $0) < (pending[$0].count, $1) }
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let members = Array(order[start..<min(start + batchSize, order.count)])
            var encodings = members.map { pending[$0] }
            tokenizer.padding(.longest).apply(to: &encodings)
            let batch = try EncoderBatch(encodings: encodings)
            try encoder.forward(batch)
            switch pooling {
            case .mean:
                for (k, vector) in encoder.meanPooled(batch).enumerated() { vectors[members[k]] = vector }
            case .cls:
                let hidden = encoder.lastHiddenState(), s = batch.sequenceLength
                for (k, line) in members.enumerated() { vectors[line] = Array(hidden[k * s * h..<(k * s + 1) * h]) }
            }
        }
        for var vector in vectors {
            // JSON has no NaN or infinity: a model that produces them (bad weights) stops the run with a clear
            // error instead of writing `[nan,...]`, which no JSON reader accepts.
            guard vector.allSatisfy(\.isFinite) else { throw EmbedError.nonFiniteOutput }
            if normalize {
                let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                if norm > 0 { vector = vector.map { $0 / norm } }
            }
            output.append(0x5B)
            for (k, v) in vector.enumerated() {
                if k > 0 { output.append(0x2C) }
                output.append(contentsOf: v.description.utf8)
            }
            output.append(0x5D)
            output.append(0x0A)
        }
    }
}

/// Errors of `bertkit embed` that are not the libraries' own.
enum EmbedError: Error, CustomStringConvertible {
    /// The encoder produced NaN or an infinite value.
    case nonFiniteOutput

    var description: String {
        switch self {
        case .nonFiniteOutput:
            return "the model produced NaN or infinite values, which JSON cannot hold; model.safetensors probably "
                + "holds NaN or infinite weights (check it with safetensors/torch)"
        }
    }
}
