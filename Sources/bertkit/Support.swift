import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TextNormalization
import WordPiece
import InputEncoding
import LineIO

/// Loads `vocab.txt`, or the WordPiece model of a `tokenizer.json` (`isTokenizerJSON`).
func loadVocabulary(_ path: String) throws -> Vocabulary {
    try isTokenizerJSON(path) ? Vocabulary(tokenizerJSON: path) : Vocabulary(contentsOf: path)
}

/// Whether a vocabulary file is a tokenizer.json rather than a vocab.txt: its name ends in `.json` in any case
/// (`tokenizer.JSON`), or its first byte after leading whitespace is `{` (an extension-less copy). A vocab.txt
/// starts with a token such as `[PAD]`; one whose first token begins with `{` needs another first line.
func isTokenizerJSON(_ path: String) -> Bool {
    if path.lowercased().hasSuffix(".json") { return true }
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    let head = (try? handle.read(upToCount: 64)) ?? Data()
    return head.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{")
}

/// A run-time error of a subcommand whose message is the whole story (no usage text follows it).
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Refuses a vocabulary whose unknown token or a special token (the ones `tokenize --tokens` can write whole)
/// holds a line break: written out, it would split one output line in two and misalign every line after it.
func refuseLineBreaksInEmittedTokens(_ vocabulary: Vocabulary, path: String, special: [String]) throws {
    for token in [vocabulary.unknownToken] + special where vocabulary.id(of: token) != nil {
        guard token.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { continue }
        throw CommandError(
            "vocabulary '\(path)' has the token \(token.debugDescription) with a line break in it, which --tokens would "
                + "write as two output lines; drop --tokens to write ids, or fix the token")
    }
}

/// Input and output options of the line-oriented subcommands.
struct LineIOOptions: ParsableArguments {
    @Option(help: "Input file (default: standard input).")
    var input: String?

    @Option(help: "Output file (default: standard output).")
    var output: String?

    @Flag(help: "Replace invalid UTF-8 with U+FFFD instead of stopping with an error.")
    var lossy = false

    /// Refuses a standard stream the process was started with closed (`<&-`, `>&-`) when it is the input or
    /// the output: reading it would see an empty input, and writing it would lose the output silently.
    func validate() throws {
        try refuseClosedStandardStreams(inputs: [input ?? "-"], outputs: [output ?? "-"])
    }
}

/// Refuses an output that is one of the input files (same file, any path to it): the output replaces its path
/// when complete, so the user's input would be replaced by what was made from it.
/// - Throws: `LineIOError.outputIsInput` naming the output.
func refuseOutputsOverInputs(inputs: [String], outputs: [String]) throws {
    for output in outputs {
        for input in inputs { try AtomicOutput.refuseOverwriting(input: input, output: output) }
    }
}

/// Refuses a standard stream the process was started with closed (`<&-`, `>&-`) when one of `inputs` or
/// `outputs` is "-": reading it would see an empty input, and writing it would lose the output silently. The
/// message suggests `--output FILE` unless `outputOption` is false (a command that always prints its result).
func refuseClosedStandardStreams(inputs: [String], outputs: [String], outputOption: Bool = true) throws {
    if inputs.contains("-"), closedStandardDescriptors.contains(0) {
        throw ValidationError("standard input is closed; give --input FILE or redirect a file into bertkit")
    }
    if outputs.contains("-"), closedStandardDescriptors.contains(1) {
        throw ValidationError("standard output is closed, so the output would be lost; "
            + (outputOption ? "give --output FILE or redirect it to a file" : "redirect it to a file"))
    }
}

/// Thread count and summary options of the streaming subcommands.
struct RunOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Worker threads, 1-256 (default: all cores).")
    var threads: Int?

    @Flag(help: "Print no summary.")
    var quiet = false

    func validate() throws { try validateThreads(threads) }
}

/// Most worker threads any subcommand takes: each holds its own buffers (about 1.3 MB for the line
/// subcommands), so an absurd count is refused before anything is allocated.
let maximumThreads = 256

/// Rejects a `--threads` value outside 1...`maximumThreads`, naming the option and the limit.
func validateThreads(_ threads: Int?) throws {
    guard let threads else { return }
    guard threads >= 1, threads <= maximumThreads else {
        throw ValidationError("--threads must be between 1 and \(maximumThreads) (got \(threads))")
    }
}

/// "X MB in S s = R MB/s, T thread(s)": the throughput part of a subcommand's summary.
func throughput(_ stats: LinePipeline.Statistics, threads: Int) -> String {
    let mb = Double(stats.inputBytes) / 1e6
    return "\(format(mb, 2)) MB in \(format(stats.seconds, 3)) s = "
        + "\(format(mb / max(stats.seconds, 1e-9), 1)) MB/s, \(threads) thread(s)"
}

/// Options only the Persian profile takes.
struct PersianOptions: ParsableArguments {
    @Option(help: "Persian profile: digits keep (default), ascii or persian.")
    var digits: String = "keep"

    @Option(help: "Persian profile: write each kept ZWNJ as this character (e.g. · U+00B7), so it survives BERT cleaning as a piece of its own.")
    var zwnjPlaceholder: String?

    /// Rejects these options unless `profile` is persian (`flag` names the option that chose the profile).
    func validate(profile: String?, flag: String) throws {
        let persian = profile?.lowercased() == "persian"
        if let zwnjPlaceholder, zwnjPlaceholder.unicodeScalars.count != 1 || !persian {
            throw ValidationError("--zwnj-placeholder takes one character and applies to \(flag) persian only")
        }
        // A line break or control character would split or merge lines (output no longer one line per input line).
        if let scalar = zwnjPlaceholder?.unicodeScalars.first,
           scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .lineSeparator
            || scalar.properties.generalCategory == .paragraphSeparator {
            throw ValidationError("--zwnj-placeholder must be a visible character, not U+\(String(scalar.value, radix: 16, uppercase: true)) (a control character or line break)")
        }
        if digits != "keep" && !persian { throw ValidationError("--digits applies to \(flag) persian only") }
    }
}

/// The normalizer for a profile name or a Unicode form name (exactly one is given).
func makeNormalizer(profile: String?, form: String?, persian: PersianOptions) throws -> any NormalizationStage {
    if let form { return try UnicodeNormalizer(form: UnicodeForm(name: form)) }
    return try NormalizationProfile(name: profile ?? "").makeNormalizer(
        digits: try DigitStyle(name: persian.digits), zwnjPlaceholder: persian.zwnjPlaceholder?.unicodeScalars.first)
}

/// Writes a line to standard error.
func printError(_ message: String) {
    writeStandardError(message + "\n")
}

/// Writes `text` to standard error with write(2), ignoring failures: a full or broken standard error
/// (`2>/dev/full`) loses the message but never stops the run, where `FileHandle.write` traps.
func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return }
        bytes = bytes.dropFirst(written)
    }
}

/// Opens /dev/null on standard input, output or error where the process was started with one closed
/// (`2>&-`), so the next file bertkit opens (an output's temporary file) cannot take descriptor 0, 1 or 2 and
/// receive messages or be read as input. Called first thing in `main`.
/// Returns the descriptors that were closed.
func reserveStandardDescriptors() -> Set<Int32> {
    var closed: Set<Int32> = []
    for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
        closed.insert(descriptor)
        let opened = open("/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY)
        if opened >= 0 && opened != descriptor {
            _ = dup2(opened, descriptor)
            _ = close(opened)
        }
    }
    return closed
}

/// The standard descriptors (0-2) that were closed when bertkit started; `main` reads it first thing, which
/// runs `reserveStandardDescriptors` once before any file is opened.
let closedStandardDescriptors = reserveStandardDescriptors()

/// A number with a fixed count of decimals.
func format(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

/// The text of every token id, precomputed once, as flat bytes owned by this object (raw pointers, so
/// worker threads read them without reference counting). Each text is stored with a leading space and
/// padded to a multiple of 8 bytes, so short ones (every decimal id) are copied with one 8-byte store.
/// Sendable because the buffers are written only in `init` and read-only afterwards; `deinit` frees them when
/// the last worker has let go.
final class TokenText: @unchecked Sendable {
    /// Per id: byte offset of its padded text, and the text's length including the leading space.
    private let offsets: UnsafeMutableBufferPointer<Int32>
    private let lengths: UnsafeMutableBufferPointer<Int32>
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let longest: Int

    private init(_ pieces: [[UInt8]]) {
        var flat: [UInt8] = []
        var offsets: [Int32] = [], lengths: [Int32] = []
        for piece in pieces {
            offsets.append(Int32(flat.count))
            lengths.append(Int32(piece.count + 1))
            flat.append(0x20)
            flat += piece
            while flat.count % 8 != 0 { flat.append(0) }
        }
        flat += [UInt8](repeating: 0, count: 8)
        self.bytes = .allocate(capacity: flat.count)
        _ = self.bytes.initialize(from: flat)
        self.offsets = .allocate(capacity: max(1, offsets.count))
        _ = self.offsets.initialize(from: offsets)
        self.lengths = .allocate(capacity: max(1, lengths.count))
        _ = self.lengths.initialize(from: lengths)
        self.longest = (lengths.max().map(Int.init) ?? 1)
    }

    deinit { bytes.deallocate(); offsets.deallocate(); lengths.deallocate() }

    /// Decimal ids 0..<count.
    static func ids(count: Int) -> TokenText { TokenText((0..<count).map { Array(String($0).utf8) }) }

    /// Token strings of a vocabulary.
    static func tokens(_ vocabulary: Vocabulary) -> TokenText { TokenText(vocabulary.tokens.map { Array($0.utf8) }) }

    /// Appends the texts of `ids`, separated by single spaces.
    func append(_ ids: UnsafeBufferPointer<Int32>, to output: inout [UInt8]) {
        guard !ids.isEmpty else { return }
        let start = output.count
        let room = ids.count * (longest + 8)
        output.append(contentsOf: repeatElement(0, count: room))
        let used = output.withUnsafeMutableBytes { raw -> Int in
            let out = raw.baseAddress! + start
            let src = UnsafeRawPointer(bytes.baseAddress!)
            var at = 0
            for (k, id) in ids.enumerated() {
                // The first text skips its leading space.
                let skip = k == 0 ? 1 : 0
                let offset = Int(offsets[Int(id)]) + skip, length = Int(lengths[Int(id)]) - skip
                if length <= 8 {
                    out.storeBytes(of: src.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: at, as: UInt64.self)
                } else {
                    (out + at).copyMemory(from: src + offset, byteCount: length)
                }
                at += length
            }
            return at
        }
        output.removeSubrange(start + used..<output.count)
    }
}

/// Progress on standard error for long runs: at most every two seconds, only when stderr is a terminal
/// or BERTKIT_PROGRESS=1. Used from one thread (the one driving the run).
final class ProgressLine {
    private let enabled: Bool
    private var last = ContinuousClock.now
    private var shown = false

    init(enabled: Bool) {
        self.enabled = enabled && (isatty(2) != 0 || ProcessInfo.processInfo.environment["BERTKIT_PROGRESS"] == "1")
    }

    /// Rewrites the progress line with `text` (when two seconds have passed since the last one).
    func show(_ text: String) {
        guard enabled, last.duration(to: .now) > .seconds(2) else { return }
        last = .now
        shown = true
        writeStandardError("\r  \(text)   ")
    }

    /// The line-pipeline figures: lines, lines/s, MB, MB/s.
    func update(_ stats: LinePipeline.Statistics) {
        guard enabled else { return }
        let mb = Double(stats.inputBytes) / 1e6
        let seconds = max(stats.seconds, 1e-9)
        show("\(stats.lines) lines (\(Int(Double(stats.lines) / seconds))/s), \(format(mb, 1)) MB, \(format(mb / seconds, 2)) MB/s")
    }

    /// Ends the progress line, if one was shown.
    func finish() { if shown { writeStandardError("\n") } }
}

/// A whole tokenizer from `--vocab`: a model folder, a tokenizer.json (any name ending in .json, any case),
/// or a vocab.txt (uncased unless `cased`). `cased` overrides what a folder or tokenizer.json says.
func loadTokenizer(_ path: String, cased: Bool, normalizer: (any NormalizationStage)?) throws -> Tokenizer {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    var tokenizer: Tokenizer
    if exists && isDirectory.boolValue {
        tokenizer = try Tokenizer(directory: path, normalizer: normalizer)
    } else if isTokenizerJSON(path) {
        tokenizer = try Tokenizer(tokenizerJSON: path, normalizer: normalizer)
    } else {
        let wordPiece = WordPieceTokenizer(vocabulary: try Vocabulary(contentsOf: path), configuration: cased ? .cased : .init(), normalizer: normalizer)
        return try Tokenizer(wordPiece: wordPiece)
    }
    if cased {
        var configuration = tokenizer.wordPiece.configuration
        configuration.lowercase = false
        configuration.stripAccents = false
        let wordPiece = WordPieceTokenizer(vocabulary: tokenizer.vocabulary, configuration: configuration, normalizer: normalizer)
        tokenizer = try Tokenizer(wordPiece: wordPiece, template: tokenizer.template, truncation: tokenizer.truncation,
                                  padding: tokenizer.padding, decoder: tokenizer.decoder)
    }
    return tokenizer
}
