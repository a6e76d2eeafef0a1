import ArgumentParser
import LineIO
import TextNormalization

/// `bertkit normalize`: one normalized line per input line, with a language profile or a Unicode form.
struct NormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Normalize UTF-8 text line by line with a language profile or a Unicode normalization form.",
        discussion: """
            Profiles: persian (Persian letters, marks, presentation forms, ZWNJ rules, invisible characters), \
            portuguese (NFC, accents and case kept), english (mojibake repair, ligatures, full-width forms, NFC), \
            bert (Hugging Face BERT clean-text only). Forms: NFC, NFD, NFKC, NFKD, NFKC_CF (through ICU). \
            Input is streamed in bounded memory; invalid UTF-8 stops the run with its line and byte offset \
            (or is replaced with U+FFFD under --lossy); a file output appears only when the run succeeds.
            """)

    @Option(help: "Language profile: persian, portuguese, english or bert.")
    var profile: String?

    @Option(help: "Unicode form: NFC, NFD, NFKC, NFKD or NFKC_CF.")
    var form: String?

    @OptionGroup var persian: PersianOptions

    @OptionGroup var io: LineIOOptions
    @OptionGroup var options: RunOptions

    func validate() throws {
        if (profile == nil) == (form == nil) { throw ValidationError("give exactly one of --profile and --form") }
        try persian.validate(profile: profile, flag: "--profile")
    }

    func run() throws {
        let normalizer = try makeNormalizer(profile: profile, form: form, persian: persian)
        let pipeline = LinePipeline(configuration: .init(threads: options.threads, lossy: io.lossy))
        let progress = ProgressLine(enabled: !options.quiet)
        let (stats, _) = try pipeline.run(inputPath: io.input, outputPath: io.output, progress: progress.update) {
            NormalizeTransform(normalizer: normalizer)
        }
        progress.finish()
        guard !options.quiet else { return }
        printError(
            "normalize: \(stats.lines) lines, \(throughput(stats, threads: pipeline.configuration.threads)), \(form.map { "form \($0)" } ?? "profile \(profile ?? "")")")
    }
}

/// Normalizes one line into the output buffer (no per-line String).
struct NormalizeTransform: LineTransform {
    let normalizer: any NormalizationStage

    mutating func transform(line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) throws {
        normalizer.normalize(line, into: &output)
    }
}
