import Foundation
import Testing
import WordPiece
@testable import InputEncoding

/// Flat rows (`appendFirstWindow`, the dataset encoder's fast path) against `encodeFirstWindow` + padding,
/// and the writers' flat-row paths against their row-by-row paths, byte for byte. Needs no fetched assets:
/// a small vocabulary is built here and the texts are the committed HF parity inputs.
@Suite struct EncodedRowsTests {
    /// Specials, every ASCII letter and digit (as words and as `##` pieces), some whole words, and a few
    /// Persian letters: texts split into several pieces, with some `[UNK]`.
    static let tokenizer: Tokenizer = {
        var tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        let symbols = "abcdefghijklmnopqrstuvwxyz0123456789".map(String.init) + [".", ",", "!", "?", "'", "-"]
        tokens += symbols
        tokens += symbols.map { "##" + $0 }
        tokens += ["the", "quick", "fox", "hello", "world", "##ing", "##ed", "un", "##aff", "##able", "café", "سلام", "م", "##ی"]
        let vocabulary = try! Vocabulary(tokens: tokens)  // fixed test data: a duplicate is a bug in this file
        return try! Tokenizer(wordPiece: WordPieceTokenizer(vocabulary: vocabulary))
    }()

    /// (text, pair) from Fixtures/encoding/inputs.jsonl, with and without their pairs.
    static func inputs() throws -> [(String, String?)] {
        let data = try String(contentsOfFile: Repo.path("Fixtures/encoding/inputs.jsonl"), encoding: .utf8)
        var result: [(String, String?)] = []
        for line in data.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let text = try #require(object["text"] as? String)
            result.append((text, nil))
            if let pair = object["pair"] as? String { result.append((text, pair)) }
        }
        return result
    }

    static let truncations: [Truncation?] = [nil] + [5, 9, 16].flatMap { length in
        Truncation.Strategy.allCases.flatMap { strategy in
            Truncation.Side.allCases.map { Truncation(maxLength: length, strategy: strategy, side: $0) }
        }
    }

    static let paddings: [Padding?] = [
        nil, Padding(length: .longest), Padding(length: .fixed(20)), Padding(length: .fixed(20), side: .left),
        Padding(length: .fixed(12), multiple: 8), Padding(length: .fixed(3), padID: 4, padTypeID: 1),
    ]

    @Test(arguments: paddings)
    func flatRowsEqualEncodeThenPad(_ padding: Padding?) throws {
        let inputs = try Self.inputs()
        for truncation in Self.truncations {
            var tokenizer = Self.tokenizer
            tokenizer.truncation = truncation
            tokenizer.padding = padding
            var rows = EncodedRows()
            var expected: [Encoding] = []
            var tokens = 0
            for (k, (text, pair)) in inputs.enumerated() {
                let reference: Encoding
                do { reference = try tokenizer.encodeFirstWindow(text, pair: pair) } catch {
                    // HF refuses the setting for this input (e.g. only_second on a single text): so must we.
                    #expect(throws: EncodingError.self) {
                        try tokenizer.appendFirstWindow(of: text, pair: pair, to: &rows, label: nil, sampleIndex: k)
                    }
                    continue
                }
                var padded = [reference]
                if let padding, padding.length != .longest { padding.apply(to: &padded) }
                expected.append(padded[0])
                tokens += try tokenizer.appendFirstWindow(of: text, pair: pair, to: &rows, label: Int32(k % 3), sampleIndex: k)
            }
            let setting = "truncation \(String(describing: truncation)) padding \(String(describing: padding))"
            try #require(rows.count == expected.count, "\(setting)")
            for (row, encoding) in expected.enumerated() {
                let span = rows.range(ofRow: row)
                #expect(Array(rows.ids[span]) == encoding.ids, "\(setting) row \(row)")
                #expect(Array(rows.typeIDs[span]) == encoding.typeIDs, "\(setting) row \(row)")
                #expect(Array(rows.attentionMask[span]) == encoding.attentionMask, "\(setting) row \(row)")
                #expect(Array(rows.specialTokensMask[span]) == encoding.specialTokensMask, "\(setting) row \(row)")
            }
            #expect(tokens == expected.reduce(0) { $0 + $1.specialTokensMask.reduce(0) { $0 + 1 - Int($1) } }, "\(setting)")
        }
    }

    /// Rows as the dataset encoder hands them over: blocks of flat rows, labelled, padded to 24.
    static func blocks() throws -> [EncodedRows] {
        var tokenizer = Self.tokenizer
        tokenizer.truncation = Truncation(maxLength: 24)
        tokenizer.padding = Padding(length: .fixed(24))
        var blocks: [EncodedRows] = []
        var rows = EncodedRows()
        for (k, (text, pair)) in try Self.inputs().enumerated() {
            try tokenizer.appendFirstWindow(of: text, pair: pair, to: &rows, label: Int32(k % 4), sampleIndex: k)
            if rows.count == 7 {
                blocks.append(rows)
                rows = EncodedRows()
            }
        }
        blocks.append(rows)
        return blocks
    }

    static let flatFields = WriterFields(specialTokensMask: true, offsets: false, overflowMapping: true, labels: true)

    /// Each format's `write(rows:)` writes what `write(_:)` row by row writes.
    @Test(arguments: [OutputFormat.jsonl, .safetensors, .npy, .tfrecord])
    func blockWritingEqualsRowWriting(_ format: OutputFormat) throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let blocks = try Self.blocks()
        let byRow = blocks.flatMap { block in (0..<block.count).map { block.example($0) } }
        try WriterFixture.write(format, to: folder + "/rows", fields: Self.flatFields, examples: byRow)
        var writer = try makeExampleWriter(format: format, path: folder + "/blocks", fields: Self.flatFields)
        for block in blocks { try writer.write(rows: block) }
        try writer.finish()
        try Self.expectSameOutput(folder + "/rows", folder + "/blocks")
    }

    /// The writer that places tensors at their final offsets writes the bytes of the one that copies parts.
    @Test func placedSafetensorsEqualsPartsWriter() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let blocks = try Self.blocks()
        var parts = try makeExampleWriter(format: .safetensors, path: folder + "/parts", fields: Self.flatFields)
        for block in blocks { try parts.write(rows: block) }
        try parts.finish()
        let placed = try SafetensorsPlacedWriter(path: folder + "/placed", fields: Self.flatFields, rows: blocks.reduce(0) { $0 + $1.count })
        for block in blocks { try placed.write(rows: block) }
        try placed.finish()
        #expect(try WriterFixture.read(folder + "/parts") == WriterFixture.read(folder + "/placed"))
    }

    /// A second read that finds more or fewer rows than the survey counted is an error, and leaves nothing.
    @Test(arguments: [-1, 1])
    func placedSafetensorsRefusesAChangedInput(_ change: Int) throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let blocks = try Self.blocks()
        let total = blocks.reduce(0) { $0 + $1.count }
        let placed = try SafetensorsPlacedWriter(path: folder + "/out", fields: Self.flatFields, rows: total + change)
        #expect(throws: WriterError.inputChanged(path: folder + "/out", expectedRows: total + change)) {
            for block in blocks { try placed.write(rows: block) }
            try placed.finish()
        }
        placed.discard()
        #expect(WriterFixture.list(folder).isEmpty)
    }

    /// Compares two outputs: files byte for byte, folders (NPY) file by file.
    static func expectSameOutput(_ a: String, _ b: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: a, isDirectory: &isFolder), isFolder.boolValue {
            #expect(WriterFixture.list(a) == WriterFixture.list(b))
            for name in WriterFixture.list(a) {
                #expect(try WriterFixture.read(a + "/" + name) == WriterFixture.read(b + "/" + name), "\(name)")
            }
        } else {
            #expect(try WriterFixture.read(a) == WriterFixture.read(b))
        }
    }
}
