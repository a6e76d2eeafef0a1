import ArgumentParser
import Foundation
import BertKitSupport
import MaskedLM
import WordPiece

/// `bertkit pretraining-data`: masked-LM / next-sentence pretraining instances from documents, written as
/// `run_pretraining.py`'s TFRecord (or JSONL), the same instances as Google's `create_pretraining_data.py`.
struct PretrainingDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretraining-data",
        abstract: "Make masked-LM pretraining data (Google's create_pretraining_data.py): TFRecord or JSONL.",
        discussion: """
            Input: one sentence per line, a blank line between documents (UTF-8; several files, or folders whose \
            files are read in name order). With --reference google the output is the one Google's script \
            (PyPI bert-tensorflow 1.0.4) writes for the same input, vocabulary and --seed, record for record: \
            the corpus and all instances are held in memory, as there. Features: input_ids, input_mask, \
            segment_ids, masked_lm_positions, masked_lm_ids, masked_lm_weights (float), next_sentence_labels. \
            --output takes one path, or comma-separated paths that instances are dealt to in turn (as Google's \
            --output_file). Each file is written to a temporary file and renamed when complete. Without \
            --reference the input is streamed in bounded memory (a window of the last 1,000 documents for random \
            next segments, a 50,000-instance shuffle buffer; MaskedLM's StreamingPretraining says what differs \
            from Google's sampling).
            """)

    @Option(help: "Vocabulary: vocab.txt, tokenizer.json, or a model folder holding one of them.")
    var vocab: String
    @Flag(help: "Cased tokenization: no lowercasing, accents kept (Google's --do_lower_case=False).")
    var cased = false
    @Option(help: "Normalize each line with a language profile first: persian, portuguese, english or bert (not in Google's script).")
    var normalize: String?
    @Option(parsing: .upToNextOption, help: "Input files or folders: one sentence per line, blank lines between documents.")
    var input: [String]
    @Option(help: "Output file, or comma-separated files written round-robin.")
    var output: String
    @Option(name: .customLong("format"), help: "Output format: tfrecord (default) or jsonl.")
    var outputFormat: String = "tfrecord"
    @Option(help: "Tokens per instance, [CLS] and [SEP]s included.")
    var maxSeqLength = 128
    @Option(help: "Most masked positions per instance.")
    var maxPredictionsPerSeq = 20
    @Option(help: "Fraction of tokens to mask.")
    var maskedLmProb = 0.15
    @Option(help: "Passes over the corpus, each with fresh segments and masks.")
    var dupeFactor = 10
    @Option(help: "Probability of a shorter target length for a document.")
    var shortSeqProb = 0.1
    @Flag(help: "Mask whole words (a word's ## pieces together), as google-research/bert's --do_whole_word_mask.")
    var wholeWordMask = false
    @Flag(help: "RoBERTa's FULL-SENTENCES packing without next-sentence pairs (streaming mode): whole sentences packed up to --max-seq-length, across documents.")
    var noNsp = false
    @Flag(help: "Each line is a paragraph: split it into sentences with ICU's sentence rules (not in Google's script).")
    var splitSentences = false
    @Option(help: "Reproduce a reference implementation exactly: google.")
    var reference: String?
    @Option(help: "Random seed (Google's --random_seed; default 12345).")
    var seed = 12345
    @Option(help: "Split the output into N shards (streaming mode): files PATH-00000-of-0000N.EXT, ..., documents dealt by index.")
    var shards: Int?
    @Option(help: "Write only this shard (0-based) of --shards: N processes write the files one process with --shards N writes.")
    var shardIndex: Int?
    @Option(help: "Worker threads for the streaming mode (default: all cores; the output never depends on it). The --reference google mode runs on one.")
    var threads: Int?
    @Flag(help: "Print no summary.")
    var quiet = false

    func validate() throws {
        if let reference, reference != "google" { throw ValidationError("--reference takes google, got \(reference)") }
        guard PretrainingWriter.Format(rawValue: outputFormat) != nil else {
            throw ValidationError("--format takes tfrecord or jsonl, got \(outputFormat)")
        }
        if noNsp && reference != nil {
            throw ValidationError("--no-nsp applies to the streaming mode; Google's script has no such option (drop --reference google)")
        }
        if let shards {
            guard shards >= 1 else { throw ValidationError("--shards must be at least 1, got \(shards)") }
            if reference != nil { throw ValidationError("--shards applies to the streaming mode; Google's script writes one stream (drop --reference google)") }
            if output.contains(",") { throw ValidationError("--shards names its files from one --output path (PATH-00000-of-0000N...); give one path") }
            if let shardIndex, !(0..<shards).contains(shardIndex) {
                throw ValidationError("--shard-index must be in 0..<\(shards), got \(shardIndex)")
            }
        } else if shardIndex != nil {
            throw ValidationError("--shard-index needs --shards")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if input.isEmpty { throw ValidationError("--input needs at least one file or folder") }
        try refuseClosedStandardStreams(inputs: input, outputs: output.split(separator: ",").map(String.init))
        let outputs = output.split(separator: ",", omittingEmptySubsequences: false)
        if outputs.contains(where: \.isEmpty) {
            throw ValidationError("--output has an empty path; give FILE or FILE1,FILE2,...")
        }
        if let twice = outputs.indices.first(where: { outputs[..<$0].contains(outputs[$0]) }) {
            throw ValidationError("--output names '\(outputs[twice])' twice; give each file once")
        }
    }

    func run() throws {
        let started = ContinuousClock.now
        let configuration = PretrainingConfiguration(
            maxSeqLength: maxSeqLength, maxPredictionsPerSeq: maxPredictionsPerSeq, maskedLMProb: maskedLmProb,
            dupeFactor: dupeFactor, shortSeqProb: shortSeqProb, wholeWordMask: wholeWordMask, seed: seed)
        try configuration.validate()
        let vocabulary = try loadVocabulary(vocabularyFile(vocab))
        let normalizer = try normalize.map { try makeNormalizer(profile: $0, form: nil, persian: PersianOptions()) }
        let tokenizer = try GoogleDocumentReader.googleTokenizer(vocabulary: vocabulary, cased: cased, normalizer: normalizer)
        let files = try GoogleDocumentReader.inputFiles(input)
        let outputs = shards.map { n in (shardIndex.map { [$0] } ?? Array(0..<n)).map { Self.shardPath(output, $0, n) } }
            ?? output.split(separator: ",").map(String.init)
        try refuseOutputsOverInputs(inputs: files, outputs: outputs)
        let reader = GoogleDocumentReader(tokenizer: tokenizer, splitSentences: splitSentences)
        let outputKind = PretrainingWriter.Format(rawValue: outputFormat) ?? .tfrecord
        var documents = 0, sentences = 0, tokens = 0, written = 0, fileCount = 0
        if reference != nil {
            let paths = output.split(separator: ",").map(String.init)
            let writer = try PretrainingWriter(
                paths: paths, format: outputKind, maxSeqLength: maxSeqLength, maxPredictionsPerSeq: maxPredictionsPerSeq)
            let all = try reader.documents(paths: files)
            guard !all.isEmpty else { throw MaskedLMError.emptyCorpus(paths: input) }
            for instance in try GoogleReference(vocabulary: vocabulary, configuration: configuration).makeInstances(documents: all) {
                try writer.write(instance)
            }
            try writer.finish()
            documents = all.count
            sentences = all.reduce(0) { $0 + $1.count }
            tokens = all.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
            written = writer.count
            fileCount = paths.count
        } else {
            // Shard s of n: its own generator and file; documents are dealt by their index in the input.
            let n = shards ?? 1
            let mine = shardIndex.map { [$0] } ?? Array(0..<n)
            let workers = threads ?? Machine.activeProcessorCount
            var writers: [Int: StreamingPretrainingWriter] = [:]
            for s in mine {
                let generator = try StreamingPretraining(vocabulary: vocabulary, configuration: configuration, shard: s, fullSentences: noNsp)
                let paths = shards == nil ? output.split(separator: ",").map(String.init) : [Self.shardPath(output, s, n)]
                let files = try PretrainingWriter(
                    paths: paths, format: outputKind, maxSeqLength: maxSeqLength, maxPredictionsPerSeq: maxPredictionsPerSeq)
                writers[s] = StreamingPretrainingWriter(generator: generator, writer: files, threads: workers)
                fileCount += paths.count
            }
            var index = 0
            let statistics = try DocumentStream(reader: reader).forEachDocumentBatch(paths: files, threads: workers) { batch in
                var dealt = [[(document: GoogleReference.Document, index: Int)]](repeating: [], count: n)
                for document in batch {
                    if writers[index % n] != nil {
                        dealt[index % n].append((document, index))
                        tokens += document.reduce(0) { $0 + $1.count }
                        sentences += document.count
                        documents += 1
                    }
                    index += 1
                }
                for s in mine where !dealt[s].isEmpty { try writers[s]?.add(batch: dealt[s]) }
            }
            guard statistics.documents > 0 else { throw MaskedLMError.emptyCorpus(paths: input) }
            for s in mine { written += try writers[s]?.finish() ?? 0 }
        }

        guard !quiet else { return }
        let seconds = (ContinuousClock.now - started).seconds
        let inputBytes = files.reduce(0) { total, path in
            total + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
        let mb = Double(inputBytes) / 1e6
        printError(
            "pretraining-data: \(documents) documents, \(sentences) sentences, \(tokens) tokens, "
                + "\(written) instances written to \(fileCount) file(s), "
                + "\(format(mb, 2)) MB in \(format(seconds, 3)) s = \(format(mb / max(seconds, 1e-9), 2)) MB/s, "
                + (reference != nil ? "reference google" : "streaming"))
    }

    /// Shard `index` of `count`'s file: `train.tfrecord` becomes `train-00001-of-00004.tfrecord`.
    static func shardPath(_ path: String, _ index: Int, _ count: Int) -> String {
        func five(_ n: Int) -> String { let d = String(n); return String(repeating: "0", count: max(0, 5 - d.count)) + d }
        let tag = "-\(five(index))-of-\(five(count))"
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        if let dot = path[slash...].lastIndex(of: "."), dot != slash {
            return String(path[..<dot]) + tag + String(path[dot...])
        }
        return path + tag
    }

    /// `--vocab` as a file: a folder's vocab.txt, else its tokenizer.json.
    private func vocabularyFile(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return path }
        for name in ["vocab.txt", "tokenizer.json"] where FileManager.default.fileExists(atPath: path + "/" + name) {
            return path + "/" + name
        }
        throw ValidationError("--vocab \(path): the folder has no vocab.txt or tokenizer.json")
    }
}
