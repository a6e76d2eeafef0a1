import Foundation
import InputEncoding
import LineIO
import NativeEncoder
import TextNormalization
import WordPiece

/// One fuzzing target: a BertKit loader, reader or transform fed arbitrary bytes.
///
/// `run` must never trap, hang or grow without bound, whatever the bytes: a thrown error is the expected
/// answer to bad input and is ignored. The invariants a correct result must keep (ids inside the vocabulary,
/// offsets inside the input, one output line per input line, …) are checked with `precondition`, so a broken
/// invariant is a crash the fuzzer reports like any other. Where a harness has settings (casing, block size,
/// header or not), the first input byte picks them and the rest is the file, so one corpus covers them all.
///
/// Run them with libFuzzer under ASan (`Scripts/fuzz.sh`) or, in any build, with the built-in mutator
/// (`bertkit-fuzz mutate`, and `BertKitFuzzingTests` in `swift test`).
package enum FuzzHarness: String, CaseIterable, Sendable {
    /// `Vocabulary(contentsOf:)` on a vocab.txt, then a tokenizer built over it (the trie and its links).
    case vocabularyText = "vocab-txt"
    /// `Tokenizer(tokenizerJSON:)` on a tokenizer.json, then an encode and decode with it.
    case tokenizerJSON = "tokenizer-json"
    /// `WordPieceTokenizer` over arbitrary bytes (four settings), plain and aligned, and `Tokenizer.encode`.
    case tokenize
    /// Every language profile and Unicode form over arbitrary bytes, with and without alignment.
    case normalize
    /// `SafetensorsFile(data:path:)` and reading every tensor it lists.
    case safetensors
    /// `BertConfiguration(contentsOf:)` on a config.json.
    case configJSON = "config-json"
    /// `DatasetReader` on a CSV file (header, skipping and block size from the first byte).
    case csv
    /// `DatasetReader` on a TSV file.
    case tsv
    /// `DatasetReader` on a JSON Lines file.
    case jsonl
    /// `DatasetReader` on a gzip-compressed CSV file (arbitrary bytes, so mostly a broken stream).
    case gzip
    /// `LinePipeline` (the CLI's tokenize/normalize engine) over a text file: one output line per input line.
    case lines
    /// `DatasetReader` on an IMDB-style class folder (`DIR/<class>/*.txt`) built from the input: NUL-separated
    /// entries, each a file (or a stray folder) whose first byte picks its class folder and name.
    case folder

    /// Feeds one input to the target and returns whether it was accepted (loaded or read to the end without
    /// an error), so tests can check that seeds reach past the parser. Scratch files live in `scratch`.
    @discardableResult
    package func run(_ bytes: UnsafeBufferPointer<UInt8>, scratch: ScratchDirectory) -> Bool {
        let settings = bytes.first ?? 0
        let body = UnsafeBufferPointer(rebasing: bytes.dropFirst())
        switch self {
        case .vocabularyText: return Self.vocabularyText(bytes, scratch)
        case .tokenizerJSON: return Self.tokenizerJSON(bytes, scratch)
        case .tokenize: return Self.tokenize(body, settings: settings)
        case .normalize: return Self.normalize(bytes)
        case .safetensors: return Self.safetensors(bytes)
        case .configJSON: return Self.configJSON(bytes, scratch)
        case .csv: return Self.dataset(settings: settings, scratch.file("fuzz.csv", bytes: body))
        case .tsv: return Self.dataset(settings: settings, scratch.file("fuzz.tsv", bytes: body))
        case .jsonl: return Self.dataset(settings: settings, scratch.file("fuzz.jsonl", bytes: body))
        case .gzip: return Self.dataset(settings: settings, scratch.file("fuzz.csv.gz", bytes: body))
        case .lines: return Self.lines(body, settings: settings, scratch)
        case .folder: return Self.folder(body, settings: settings, scratch)
        }
    }

    // MARK: loaders

    private static func vocabularyText(_ bytes: UnsafeBufferPointer<UInt8>, _ scratch: ScratchDirectory) -> Bool {
        guard let vocabulary = try? Vocabulary(contentsOf: scratch.file("vocab.txt", bytes: bytes)) else { return false }
        let tokenizer = WordPieceTokenizer(vocabulary: vocabulary)
        checkIDs(tokenizer.tokenIDs(Samples.text), count: vocabulary.count)
        return true
    }

    private static func tokenizerJSON(_ bytes: UnsafeBufferPointer<UInt8>, _ scratch: ScratchDirectory) -> Bool {
        guard var tokenizer = try? Tokenizer(tokenizerJSON: scratch.file("tokenizer.json", bytes: bytes)) else { return false }
        for truncation in [tokenizer.truncation, Truncation(maxLength: 8, stride: 2)] {
            tokenizer.truncation = truncation
            guard let encoding = try? tokenizer.encode(Samples.text, pair: Samples.pair) else { continue }
            _ = try? tokenizer.decode(encoding.ids)
        }
        return true
    }

    private static func safetensors(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let file = try? SafetensorsFile(data: Data(buffer: bytes), path: "fuzz.safetensors") else { return false }
        for name in file.tensors.keys.sorted() {
            _ = try? file.floats(name)
            _ = try? file.doubles(name)
            // Throws (never traps) on NaN, infinite or out-of-range values; once a libFuzzer find.
            _ = try? file.integers(name)
        }
        return true
    }

    private static func configJSON(_ bytes: UnsafeBufferPointer<UInt8>, _ scratch: ScratchDirectory) -> Bool {
        guard let configuration = try? BertConfiguration(contentsOf: scratch.file("config.json", bytes: bytes)) else { return false }
        _ = configuration.checkedParameterCount
        _ = configuration.headSize
        return true
    }

    // MARK: transforms

    private static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, settings: UInt8) -> Bool {
        let tokenizer = Samples.tokenizers[Int(settings) % Samples.tokenizers.count]
        let count = tokenizer.vocabulary.count
        var ids: [Int32] = []
        tokenizer.tokenIDs(utf8: bytes, into: &ids)
        checkIDs(ids, count: count)
        var aligned: [AlignedToken] = []
        tokenizer.tokenizeAligned(utf8: bytes, into: &aligned)
        precondition(aligned.map(\.id) == ids, "tokenizeAligned disagrees with tokenIDs")
        for token in aligned {
            precondition(0 <= token.start && token.start <= token.end && Int(token.end) <= bytes.count, "token range outside the input")
        }
        // The encode path: special tokens, truncation with overflow windows, a pair split at the first NUL.
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
        guard var whole = try? Tokenizer(wordPiece: tokenizer) else { preconditionFailure("sample vocabulary has [CLS] and [SEP]") }
        whole.truncation = Truncation(maxLength: 6 + Int(settings >> 4), stride: Int(settings >> 6))
        if let encoding = try? whole.encode(String(parts[0]), pair: parts.count > 1 ? String(parts[1]) : nil) {
            checkIDs(encoding.ids, count: count)
            _ = try? whole.decode(encoding.ids)
        }
        return true
    }

    private static func normalize(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for stage in Samples.normalizers {
            var plain: [UInt8] = []
            stage.normalize(bytes, into: &plain)
            var output: [UInt8] = []
            var alignment: [Int32]? = []
            stage.normalize(bytes, into: &output, alignment: &alignment)
            precondition(output == plain, "\(stage): output differs with alignment on")
            let map = alignment ?? []
            precondition(map.count == output.count, "\(stage): \(map.count) offsets for \(output.count) bytes")
            for offset in map { precondition(offset >= 0 && Int(offset) < bytes.count, "\(stage): offset \(offset) outside the input") }
        }
        return true
    }

    private static func dataset(settings: UInt8, _ path: String) -> Bool {
        let configuration = DatasetReader.Configuration(
            path: path, hasHeader: settings & 1 == 0, skipBadRows: settings & 2 != 0,
            maxRecordBytes: settings & 4 == 0 ? 64 << 20 : 16, blockSize: [1 << 20, 1, 3, 64][Int(settings >> 3) & 3])
        guard var reader = try? DatasetReader(configuration: configuration) else { return false }
        var line = 0
        do {
            while let record = try reader.next() {
                precondition(record.line >= max(line, 1), "record line \(record.line) after line \(line)")
                line = record.line
            }
        } catch {
            return false
        }
        return true
    }

    private static func lines(_ bytes: UnsafeBufferPointer<UInt8>, settings: UInt8, _ scratch: ScratchDirectory) -> Bool {
        let input = scratch.file("input.txt", bytes: bytes)
        let output = scratch.path("output.txt")
        let configuration = LinePipeline.Configuration(
            threads: 1 + Int(settings & 1), blockSize: [4096, 1, 5, 64][Int(settings >> 1) & 3], lossy: settings & 8 != 0)
        let tokenizer = Samples.tokenizers[Int(settings >> 4) % Samples.tokenizers.count]
        guard (try? LinePipeline(configuration: configuration).run(inputPath: input, outputPath: output) {
            IDLines(tokenizer: tokenizer)
        }) != nil else { return false }
        guard let written = FileManager.default.contents(atPath: output) else { preconditionFailure("no output after success") }
        let newlines = bytes.count(where: { $0 == 0x0A })
        let expected = newlines + (bytes.last.map { $0 == 0x0A ? 0 : 1 } ?? 0)
        precondition(written.count(where: { $0 == 0x0A }) == expected, "output line count differs from the input's")
        return true
    }

    /// Class folders as the fuzzer builds them: names with a space, non-ASCII letters, a hidden folder (left
    /// out by the reader) and the root itself (its files belong to no class and are left out too).
    private static let folderClasses = ["neg", "pos", "x y", "\u{646}\u{638}\u{631}", ".hidden", ""]

    private static func folder(_ bytes: UnsafeBufferPointer<UInt8>, settings: UInt8, _ scratch: ScratchDirectory) -> Bool {
        let root = scratch.path("folder")
        try? FileManager.default.removeItem(atPath: root)
        // Each entry: its first byte picks the class (low 3 bits), a `.txt` name or not (bit 3), a file or a
        // folder named like one (bit 4); the rest is the file's content. At most 16 entries.
        var expected: [(label: String, name: String, content: ArraySlice<UInt8>)] = []
        for (k, entry) in bytes.split(separator: 0, omittingEmptySubsequences: false).prefix(16).enumerated() {
            let choice = entry.first ?? 0
            let label = folderClasses[Int(choice & 7) % folderClasses.count]
            let directory = label.isEmpty ? root : root + "/" + label
            let name = "f\(k)" + (choice & 8 == 0 ? ".txt" : ".text")
            guard (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil else {
                preconditionFailure("cannot create the scratch folder \(directory)")
            }
            if choice & 16 != 0 {
                _ = try? FileManager.default.createDirectory(atPath: directory + "/" + name, withIntermediateDirectories: true)
                continue
            }
            let content = Array(entry.dropFirst())
            content.withUnsafeBufferPointer { ScratchDirectory.store($0, at: directory + "/" + name) }
            if !label.isEmpty && !label.hasPrefix(".") && name.hasSuffix(".txt") { expected.append((label, name, content[...])) }
        }
        // The reader's order: classes, then files, in byte order of their names.
        expected.sort { ($0.label.utf8.lexicographicallyPrecedes($1.label.utf8)) || ($0.label == $1.label && $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)) }
        let configuration = DatasetReader.Configuration(
            path: root, format: .folder, skipBadRows: settings & 2 != 0, maxRecordBytes: settings & 4 == 0 ? 64 << 20 : 16)
        guard var reader = try? DatasetReader(configuration: configuration) else {
            precondition(expected.isEmpty, "class folders with \(expected.count) files refused")
            return false
        }
        var records: [DatasetRecord] = []
        do {
            while let record = try reader.next() { records.append(record) }
        } catch {
            return false
        }
        precondition(records.count + reader.skippedRows == expected.count,
                     "\(records.count) records and \(reader.skippedRows) skips from \(expected.count) files")
        // Each record is its file's whole text (a BOM dropped), labelled by its folder, in order.
        var next = 0
        for record in records {
            while next < expected.count && !record.path.hasSuffix("/" + expected[next].label + "/" + expected[next].name) { next += 1 }
            precondition(next < expected.count, "record from \(record.path) out of order or unknown")
            let file = expected[next]
            precondition(record.label == file.label, "label \(record.label ?? "nil") for a file in \(file.label)")
            let body = file.content.starts(with: [0xEF, 0xBB, 0xBF]) ? file.content.dropFirst(3) : file.content
            precondition(Array(record.text.utf8) == Array(body), "text of \(file.name) differs from the file")
            next += 1
        }
        return true
    }

    private static func checkIDs(_ ids: [Int32], count: Int) {
        for id in ids { precondition(id >= 0 && Int(id) < count, "id \(id) outside the vocabulary of \(count)") }
    }
}

/// The tokenize transform of the `lines` harness: ids separated by spaces, as `bertkit tokenize` writes.
private struct IDLines: LineTransform {
    let tokenizer: WordPieceTokenizer
    var ids: [Int32] = []

    mutating func transform(line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) throws {
        ids.removeAll(keepingCapacity: true)
        tokenizer.tokenIDs(utf8: line, into: &ids)
        for (i, id) in ids.enumerated() {
            if i > 0 { output.append(0x20) }
            output.append(contentsOf: String(id).utf8)
        }
    }
}
