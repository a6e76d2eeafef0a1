import Foundation
import WordPiece
import InputEncoding

/// Loads `vocab.txt`, or the WordPiece model of a `tokenizer.json` when the name ends in `.json`.
func loadVocabulary(_ path: String) throws -> Vocabulary {
    path.hasSuffix(".json") ? try Vocabulary(tokenizerJSON: path) : try Vocabulary(contentsOf: path)
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// A number with a fixed count of decimals.
func format(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

/// The text of every token id, precomputed once: decimal ids or token strings, as flat bytes.
struct TokenText: Sendable {
    private let bytes: [UInt8]
    private let offsets: [Int32]

    private init(_ pieces: [[UInt8]]) {
        var bytes: [UInt8] = []
        var offsets: [Int32] = [0]
        for p in pieces { bytes += p; offsets.append(Int32(bytes.count)) }
        self.bytes = bytes
        self.offsets = offsets
    }

    /// Decimal ids 0..<count.
    static func ids(count: Int) -> TokenText { TokenText((0..<count).map { Array(String($0).utf8) }) }

    /// Token strings of a vocabulary.
    static func tokens(_ vocabulary: Vocabulary) -> TokenText { TokenText(vocabulary.tokens.map { Array($0.utf8) }) }

    /// Appends the text of `id`.
    @inline(__always)
    func append(_ id: Int32, to output: inout [UInt8]) {
        let lo = Int(offsets[Int(id)]), hi = Int(offsets[Int(id) + 1])
        bytes.withUnsafeBufferPointer { output.append(contentsOf: UnsafeBufferPointer(rebasing: $0[lo..<hi])) }
    }
}

/// Progress on standard error for long runs: at most every two seconds, only when stderr is a terminal
/// or BERTKIT_PROGRESS=1.
final class ProgressReporter: @unchecked Sendable {
    private let enabled: Bool
    private var last = ContinuousClock.now
    private var shown = false

    init(enabled: Bool) {
        self.enabled = enabled && (isatty(2) != 0 || ProcessInfo.processInfo.environment["BERTKIT_PROGRESS"] == "1")
    }

    func update(_ stats: InputEncoding.LinePipeline.Statistics) {
        guard enabled, last.duration(to: .now) > .seconds(2) else { return }
        last = .now
        shown = true
        let mb = Double(stats.inputBytes) / 1e6
        FileHandle.standardError.write(Data("\r  \(stats.lines) lines, \(format(mb, 1)) MB, \(format(mb / max(stats.seconds, 1e-9), 1)) MB/s   ".utf8))
    }

    func finish() { if shown { FileHandle.standardError.write(Data("\n".utf8)) } }
}
