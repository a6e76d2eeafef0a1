import Foundation
import LineIO

/// Word frequencies to train a vocabulary from: each distinct pre-tokenized word and how often it occurs.
///
/// Words are keyed by their UTF-8 bytes, not by `String` equality: Swift's `String` equates canonically
/// equivalent spellings (precomposed "é" and "e" + U+0301), which HF's trainer keeps apart.
public struct WordCounts: Sendable, Equatable {
    /// The count of each word, by its UTF-8 bytes (every count is at least 1).
    public var counts: [[UInt8]: Int]

    /// Wraps counts made elsewhere.
    public init(_ counts: [[UInt8]: Int] = [:]) { self.counts = counts }

    /// The number of distinct words.
    public var count: Int { counts.count }

    /// Adds `n` occurrences of `word`.
    public mutating func add(_ word: String, count n: Int = 1) { counts[Array(word.utf8), default: 0] += n }

    /// The count of `word`, 0 when absent.
    public subscript(word: String) -> Int { counts[Array(word.utf8)] ?? 0 }

    /// Reads `word<TAB>count` lines (UTF-8; `\n` or `\r\n` endings; blank lines are skipped). A word listed twice
    /// has its counts added.
    ///
    /// ```swift
    /// let counts = try WordCounts(contentsOf: "counts.tsv")
    /// ```
    public init(contentsOf path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw VocabularyTrainingError.unreadable(path: path, reason: error.localizedDescription)
        }
        var counts: [[UInt8]: Int] = [:]
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            var line = 0
            while start < bytes.count {
                line += 1
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
                var stop = end
                if stop > start && bytes[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
                defer { start = end + 1 }
                if stop == start { continue }
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<stop])
                if let bad = UTF8Validation.firstInvalidByte(in: slice) {
                    throw VocabularyTrainingError.invalidUTF8(path: path, line: line, byteOffset: start + bad)
                }
                guard let tab = slice.lastIndex(of: UInt8(ascii: "\t")) else {
                    throw VocabularyTrainingError.malformedCount(path: path, line: line, byteOffset: start, reason: "no tab")
                }
                if tab == 0 {
                    throw VocabularyTrainingError.malformedCount(path: path, line: line, byteOffset: start, reason: "empty word")
                }
                let word = Array(slice[..<tab])
                let digits = String(decoding: UnsafeBufferPointer(rebasing: slice[(tab + 1)...]), as: UTF8.self)
                guard let n = Int(digits), n >= 1 else {
                    throw VocabularyTrainingError.malformedCount(
                        path: path, line: line, byteOffset: start + tab + 1, reason: "count '\(digits)' is not a positive integer")
                }
                let (sum, overflow) = counts[word, default: 0].addingReportingOverflow(n)
                if overflow {
                    throw VocabularyTrainingError.malformedCount(path: path, line: line, byteOffset: start + tab + 1, reason: "count overflows")
                }
                counts[word] = sum
            }
        }
        self.counts = counts
    }
}
