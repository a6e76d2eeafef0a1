import ArgumentParser
import Foundation
import InputEncoding
import LineIO

/// `bertkit encode`: a dataset to model-input files ([CLS]/[SEP], segments, masks, truncation, padding,
/// windows, offsets), the same tensors as HF `tokenizers` for the same settings.
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode a dataset (CSV, TSV, JSONL, text lines, class folders) into BERT inputs: JSONL, safetensors, NPY or TFRecord.",
        discussion: """
            Records stream from --input (format from the extension, .gz inflated, or --input-format); each is \
            encoded as HF tokenizers does with the same settings: the template ([CLS] A [SEP] / [CLS] A [SEP] B [SEP]), \
            truncation to --max-length (special tokens included), padding. With --return-overflowing every \
            window is a row of its own, in input order, with overflow_to_sample_mapping = the record's 0-based index \
            (header excluded; skipped rows get no index). Labels (--label-column, or a CSV's `label,text` shape) \
            map to ids in sorted order, or in the order of --labels; the map is written to OUTPUT.label_map.json. \
            --padding longest pads to the longest row of the whole input (read once more to find it). \
            Default padding: none for JSONL, max_length for the tensor formats (which need rows of one length). \
            Output is written to a temporary file and renamed when complete. Memory: three batches of records \
            in flight (one read, one encoded, one written; 4,096 records per thread each, at most 4 MiB of text \
            per thread) plus the longest record.
            """)

    @Option(help: "Vocabulary: vocab.txt, tokenizer.json, or a model folder (tokenizer.json, or vocab.txt + tokenizer_config.json).")
    var vocab: String
    @Flag(help: "Cased tokenization (no lowercasing, accents kept), whatever the vocabulary's files say.")
    var cased = false
    @Option(help: "Normalize texts with a language profile first: persian, portuguese, english or bert. Offsets still point into the original text.")
    var normalize: String?
    @Option(help: "Longest row in tokens, special tokens included.")
    var maxLength: Int
    @Option(help: "Which text loses tokens: longest_first (default), only_first, only_second or none.")
    var truncation: String = "longest_first"
    @Option(help: "Which end loses tokens: right (default) or left.")
    var truncationSide: String = "right"
    @Option(help: "Padding: longest (of the whole input), max_length or none (default: none for jsonl, max_length otherwise).")
    var padding: String?
    @Option(help: "Round the padded length up to a multiple of N.")
    var padToMultipleOf: Int?
    @Option(help: "Tokens each overflowing window repeats from the one before it (default 0).")
    var stride: Int = 0
    @Flag(help: "Write every window of a long record as a row, with overflow_to_sample_mapping.")
    var returnOverflowing = false
    @Flag(help: "Write offset_mapping: [start, end] character offsets into the input text ([0, 0] for special and padding tokens).")
    var returnOffsets = false
    @Flag(help: "Write special_tokens_mask.")
    var returnSpecialTokensMask = false
    @OptionGroup var columns: LabelledColumnOptions
    @Option(help: "Comma-separated label list in id order (default: the sorted distinct labels of the input).")
    var labels: String?
    @Flag(help: "The CSV/TSV input has no header row: columns by index only.")
    var noHeader = false
    @Option(parsing: .unconditional, help: "Worker threads, 1-256 (default: all cores).")
    var threads: Int?
    @Option(help: "Input: a .csv, .tsv, .jsonl or .txt file (optionally .gz) or a folder of class folders.")
    var input: String
    @Option(help: "Input format when the extension does not tell: csv, tsv, jsonl, lines or folder.")
    var inputFormat: String?
    @Option(help: "Output file (a folder for npy).")
    var output: String
    @Option(name: .customLong("format"), help: "Output format: jsonl, safetensors, npy or tfrecord (default: from the output's extension, else jsonl).")
    var formatName: String?
    @Flag(help: "Print no progress or summary.")
    var quiet = false
    @OptionGroup var persian: PersianOptions

    func validate() throws {
        try persian.validate(profile: normalize, flag: "--normalize")
        try validateThreads(threads)
        try refuseClosedStandardStreams(inputs: [input], outputs: [output])
        guard maxLength >= 1 else { throw ValidationError("--max-length must be at least 1") }
        guard stride >= 0 else { throw ValidationError("--stride must not be negative") }
        if let padToMultipleOf, padToMultipleOf < 1 { throw ValidationError("--pad-to-multiple-of must be at least 1") }
        guard truncation == "none" || Truncation.Strategy(rawValue: truncation) != nil else {
            throw ValidationError("--truncation must be longest_first, only_first, only_second or none")
        }
        guard Truncation.Side(rawValue: truncationSide) != nil else { throw ValidationError("--truncation-side must be right or left") }
        if let padding, !["longest", "max_length", "none"].contains(padding) {
            throw ValidationError("--padding must be longest, max_length or none")
        }
        if let formatName, OutputFormat(rawValue: formatName) == nil { throw ValidationError("--format must be jsonl, safetensors, npy or tfrecord") }
        if let inputFormat, DatasetFormat(rawValue: inputFormat) == nil {
            throw ValidationError("--input-format must be csv, tsv, jsonl, lines or folder")
        }
        if returnOverflowing && truncation == "none" { throw ValidationError("--return-overflowing needs truncation (not --truncation none)") }
        if truncation == "only_second" && columns.pairColumn == nil { throw ValidationError("--truncation only_second needs --pair-column") }
        if outputFormat != .jsonl && (padding ?? "max_length") == "none" {
            throw ValidationError("--format \(outputFormat.rawValue) needs rows of one length: use --padding max_length or longest")
        }
    }

    /// The output format: the option, else the output's extension, else JSONL.
    var outputFormat: OutputFormat {
        if let formatName, let f = OutputFormat(rawValue: formatName) { return f }
        let lower = output.lowercased()
        if lower.hasSuffix(".safetensors") { return .safetensors }
        if lower.hasSuffix(".tfrecord") || lower.hasSuffix(".tfrecords") { return .tfrecord }
        if lower.hasSuffix(".npy") || lower.hasSuffix("/") { return .npy }
        return .jsonl
    }

    func run() throws {
        try AtomicOutput.refuseOverwriting(input: input, output: output)
        let normalizer = try normalize.map { try makeNormalizer(profile: $0, form: nil, persian: persian) }
        var tokenizer = try loadTokenizer(vocab, cased: cased, normalizer: normalizer)
        let kind = outputFormat
        let paddingMode = padding ?? (kind == .jsonl ? "none" : "max_length")
        tokenizer.truncation = Truncation.Strategy(rawValue: truncation).map {
            Truncation(maxLength: maxLength, strategy: $0, side: Truncation.Side(rawValue: truncationSide)!, stride: stride)
        }
        switch paddingMode {
        case "longest": tokenizer.padding = tokenizer.padding(.longest, multiple: padToMultipleOf)
        case "max_length": tokenizer.padding = tokenizer.padding(.fixed(maxLength), multiple: padToMultipleOf)
        default: tokenizer.padding = nil
        }
        let labelList = labels.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        if let labelList, labelList.contains(where: \.isEmpty) { throw ValidationError("--labels holds an empty label; list labels separated by single commas") }
        let job = DatasetEncoding(tokenizer: tokenizer, configuration: .init(
            returnOverflowing: returnOverflowing, returnOffsets: returnOffsets, returnSpecialTokensMask: returnSpecialTokensMask,
            labels: labelList, threads: threads))
        let datasetFormat = inputFormat.flatMap(DatasetFormat.init(rawValue:))
        try columns.refuseWithoutColumns([(input, datasetFormat)])
        let reader = columns.readerConfiguration(path: input, format: datasetFormat, hasHeader: !noHeader)
        let total = (try? FileManager.default.attributesOfItem(atPath: input)[.size] as? Int) ?? nil
        let progress = ProgressLine(enabled: !quiet)
        let summary = try job.run(reader: reader, format: kind, output: output) { summary, bytesRead in
            let share = total.map { " (\(format(100 * Double(bytesRead) / Double(max($0, 1)), 1))%)" } ?? ""
            progress.show("\(summary.records) records\(share), \(summary.rows) rows, "
                + "\(format(Double(summary.textBytes) / 1e6 / max(summary.seconds, 1e-9), 1)) MB/s")
        }
        progress.finish()
        if !summary.labels.isEmpty { try writeLabelMap(summary.labels) }
        guard !quiet else { return }
        var line = "encode: \(summary.records) records -> \(summary.rows) rows (\(kind.rawValue)"
            + (summary.paddedLength.map { ", length \($0)" } ?? ", unpadded") + "), \(summary.tokens) text tokens, "
            + (summary.truncatedRecords.map { "\($0) truncated, " } ?? "") + "\(summary.labels.count) labels, "
            + "\(format(Double(summary.textBytes) / 1e6, 2)) MB of text in \(format(summary.seconds, 3)) s = "
            + "\(format(Double(summary.textBytes) / 1e6 / max(summary.seconds, 1e-9), 1)) MB/s, \(job.configuration.threads) thread(s)"
        if summary.skippedRows > 0 {
            line += "\nencode: skipped \(summary.skippedRows) malformed row(s); the first: \(summary.firstSkipped.map { "\($0)" } ?? "?")"
        }
        printError(line)
    }

    /// `OUTPUT.label_map.json`: `label2id` and `id2label` as HF `transformers` configs hold them (on standard
    /// error, prefixed `encode: label map `, when the output is standard output).
    func writeLabelMap(_ labels: [String]) throws {
        let label2id = labels.enumerated().map { "\(Tokenizer.jsonString($1)): \($0)" }.joined(separator: ", ")
        let id2label = labels.enumerated().map { "\"\($0)\": \(Tokenizer.jsonString($1))" }.joined(separator: ", ")
        let text = "{\"label2id\": {\(label2id)}, \"id2label\": {\(id2label)}}\n"
        if output == "-" {
            printError("encode: label map " + text.dropLast())
            return
        }
        let path = (output.hasSuffix("/") ? String(output.dropLast()) : output) + ".label_map.json"
        let file = try AtomicOutput(path: path)
        try file.write(Array(text.utf8))
        try file.commit()
    }
}
