#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LineIO
import TextNormalization
import WordPiece

/// Reads documents the way `create_training_instances` does: one sentence per line, a blank line between
/// documents, each line stripped of Python whitespace and tokenized; lines without tokens are dropped, and
/// documents without sentences too. Files are read whole (Google holds the corpus in memory; this mode exists
/// to prove compatibility) and lines split on `\n` only, as TensorFlow's `GFile.readline` does.
public struct GoogleDocumentReader: Sendable {
    /// The tokenizer sentences go through.
    public let tokenizer: WordPieceTokenizer
    /// Whether each line is a paragraph to split into sentences with ICU (`--split-sentences`; not in Google's
    /// script, which takes each line as one sentence).
    public let splitSentences: Bool

    /// A reader over an already configured tokenizer (see `googleTokenizer(vocabulary:cased:)`).
    public init(tokenizer: WordPieceTokenizer, splitSentences: Bool = false) {
        self.tokenizer = tokenizer
        self.splitSentences = splitSentences
    }

    /// The closest this package has to Google's `FullTokenizer`: BertKit's (HF-exact) WordPiece with no special
    /// tokens matched in the text (Google splits `[MASK]` written in the text into `[`, `mask`, `]`) and words
    /// of up to 200 characters (Google's `max_input_chars_per_word`; HF's is 100). Differences that remain, all
    /// outside ordinary text: Google keeps private-use characters (Co) that HF deletes; Google's whitespace is
    /// space, tab, CR, LF and Zs only (U+2028, U+0085 stay inside words); Google lowercases a whole word with
    /// Python's `str.lower` (final sigma, `İ` to `i̇`) before stripping accents; and Python 3.11's Unicode 14
    /// tables differ from this package's for code points assigned later.
    /// A `normalizer` (a language profile) runs on each line first; Google's script has no such step.
    public static func googleTokenizer(
        vocabulary: Vocabulary, cased: Bool, normalizer: (any NormalizationStage)? = nil
    ) throws -> WordPieceTokenizer {
        let google = vocabulary.withMaxInputCharsPerWord(200)
        let configuration = cased
            ? WordPieceTokenizer.Configuration(lowercase: false, stripAccents: false, specialTokens: [])
            : WordPieceTokenizer.Configuration(lowercase: true, specialTokens: [])
        return WordPieceTokenizer(vocabulary: google, configuration: configuration, normalizer: normalizer)
    }

    /// The files behind `--input` arguments, in order: a file as given, a folder's regular files (not hidden ones)
    /// in name order. Files whose name ends in `.gz` are inflated as they are read.
    public static func inputFiles(_ arguments: [String]) throws -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                throw MaskedLMError.unreadableInput(path: argument, reason: "no such file or folder")
            }
            var found: [String] = [argument]
            if isDirectory.boolValue {
                let names: [String]
                do { names = try manager.contentsOfDirectory(atPath: argument) } catch {
                    throw MaskedLMError.unreadableInput(path: argument, reason: error.localizedDescription)
                }
                found = names.filter { !$0.hasPrefix(".") }.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })
                    .map { argument.hasSuffix("/") ? argument + $0 : argument + "/" + $0 }
                    .filter { path in
                        var sub: ObjCBool = false
                        return manager.fileExists(atPath: path, isDirectory: &sub) && !sub.boolValue
                    }
            }
            files += found
        }
        return files
    }

    /// The documents of `paths`, read in order; a document may run from one file into the next, as in Google's
    /// reader, which only starts a new document at a blank line.
    public func documents(paths: [String]) throws -> [GoogleReference.Document] {
        var documents: [GoogleReference.Document] = [[]]
        let splitter = try makeSplitter()
        for path in paths {
            let bytes = try Self.readFile(path)
            try bytes.withUnsafeBufferPointer { try appendDocuments(bytes: $0, path: path, splitter: splitter, to: &documents) }
        }
        return documents.filter { !$0.isEmpty }
    }

    /// The whole file (any kind that `read` works on: regular files, pipes, devices; inflated when its name ends
    /// in `.gz`), or the system's reason.
    static func readFile(_ path: String) throws -> [UInt8] {
        let file = try InputFile(path: path)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try file.read(into: $0.baseAddress!, count: $0.count) }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    /// The ICU sentence splitter when `splitSentences`, else nil.
    func makeSplitter() throws -> SentenceSplitter? {
        guard splitSentences else { return nil }
        do { return try SentenceSplitter() } catch {
            throw MaskedLMError.invalidOption(option: "--split-sentences", reason: "cannot start: \(error)")
        }
    }

    /// Splits `bytes` into lines and adds their sentences to `documents`.
    func appendDocuments(
        bytes: UnsafeBufferPointer<UInt8>, path: String, splitter: SentenceSplitter? = nil,
        to documents: inout [GoogleReference.Document]
    ) throws {
        if let bad = UTF8Validation.firstInvalidByte(in: bytes) {
            let line = bytes[..<bad].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw MaskedLMError.invalidUTF8(path: path, line: line, byteOffset: bad)
        }
        var start = 0
        var ids: [Int32] = []
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if try !readLine(line, splitter: splitter, ids: &ids, into: &documents[documents.count - 1]) {
                documents.append([])
            }
            start = end + 1
        }
    }

    /// Google's rule for one line (without its `\n`, valid UTF-8): returns false when it is blank after Python's
    /// `strip()` (a document boundary); otherwise appends its sentence (or, with a splitter, its sentences) to
    /// `document` unless they have no tokens, and returns true.
    func readLine(
        _ bytes: UnsafeBufferPointer<UInt8>, splitter: SentenceSplitter?, ids: inout [Int32], into document: inout GoogleReference.Document
    ) throws -> Bool {
        let kept = Self.pythonStrip(utf8: bytes)
        if kept.isEmpty { return false }
        let line = UnsafeBufferPointer(rebasing: bytes[kept])
        if let splitter {
            var start = 0
            for end in try splitter.sentenceEnds(utf8: line) {
                appendSentence(UnsafeBufferPointer(rebasing: line[start..<end]), to: &document, ids: &ids)
                start = end
            }
        } else {
            appendSentence(line, to: &document, ids: &ids)
        }
        return true
    }

    /// Tokenizes one sentence and appends it to the last document unless it has no tokens.
    private func appendSentence(_ sentence: UnsafeBufferPointer<UInt8>, to document: inout GoogleReference.Document, ids: inout [Int32]) {
        ids.removeAll(keepingCapacity: true)
        tokenizer.tokenIDs(utf8: sentence, into: &ids)
        // A fresh array of exactly the ids: storing `ids` itself (or `Array(ids[...])`, which shares its buffer)
        // would keep the tokenizer's worst-case capacity, 2 ids per byte of the longest line so far, for every
        // sentence: 35 MB of memory per MB of input instead of ~4.
        if !ids.isEmpty { document.append(ids.withUnsafeBufferPointer { Array($0) }) }
    }

    /// `str.strip()`: removes leading and trailing characters for which Python's `str.isspace()` is true.
    static func pythonStrip(_ line: String) -> Substring {
        var line = line
        let kept = line.withUTF8 { pythonStrip(utf8: $0) }
        let utf8 = line.utf8
        return Substring(line[utf8.index(utf8.startIndex, offsetBy: kept.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: kept.upperBound)])
    }

    /// `str.strip()` on valid UTF-8, without making a String (once per input line): the byte range that stays
    /// (empty when the line is all Python whitespace).
    static func pythonStrip(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        func scalar(at i: Int) -> (value: UInt32, length: Int) {
            let b = UInt32(bytes[i])
            if b < 0x80 { return (b, 1) }
            if b < 0xE0 { return ((b & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F), 2) }
            if b < 0xF0 { return ((b & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F), 3) }
            return ((b & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F), 4)
        }
        var start = 0
        while start < bytes.count {
            let (value, length) = scalar(at: start)
            guard isPythonSpace(value) else { break }
            start += length
        }
        var end = bytes.count
        while end > start {
            var lead = end - 1
            while bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
            guard isPythonSpace(scalar(at: lead).value) else { break }
            end = lead
        }
        return start..<end
    }

    /// Python's `str.isspace()` (bidirectional class WS, B or S, or category Zs): the 29 code points below.
    static func isPythonSpace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
