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

/// The text of every token id, precomputed once: decimal ids or token strings, as flat bytes owned by this
/// object (raw pointers, so worker threads read them without reference counting).
final class TokenText: @unchecked Sendable {
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let offsets: UnsafeMutableBufferPointer<Int32>

    private init(_ pieces: [[UInt8]]) {
        let flat = pieces.flatMap { $0 }
        var offsets: [Int32] = [0]
        for p in pieces { offsets.append(offsets.last! + Int32(p.count)) }
        self.bytes = .allocate(capacity: max(1, flat.count))
        _ = self.bytes.initialize(from: flat)
        self.offsets = .allocate(capacity: offsets.count)
        _ = self.offsets.initialize(from: offsets)
    }

    deinit { bytes.deallocate(); offsets.deallocate() }

    /// Decimal ids 0..<count.
    static func ids(count: Int) -> TokenText { TokenText((0..<count).map { Array(String($0).utf8) }) }

    /// Token strings of a vocabulary.
    static func tokens(_ vocabulary: Vocabulary) -> TokenText { TokenText(vocabulary.tokens.map { Array($0.utf8) }) }

    /// Appends the texts of `ids`, separated by single spaces.
    func append(_ ids: [Int32], to output: inout [UInt8]) {
        let b = bytes.baseAddress!, o = offsets.baseAddress!
        for (k, id) in ids.enumerated() {
            if k > 0 { output.append(0x20) }
            let lo = Int(o[Int(id)]), hi = Int(o[Int(id) + 1])
            output.append(contentsOf: UnsafeBufferPointer(start: b + lo, count: hi - lo))
        }
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
