import Foundation
import Testing

/// `bertkit decode` end to end: exact text, HF parity (Fixtures/encoding/golden/decode.jsonl, HF tokenizers
/// 0.23.3 `decode` with clean_up_tokenization_spaces), errors with their positions, and encode -> decode.
@Suite(.requires(.minilmVocabulary)) struct DecodeCommandTests {
    static func decode(_ stdin: String, _ options: [String] = ["--quiet"]) throws -> CLI.Result {
        try CLI.run(["decode", "--vocab", CLI.vocab] + options, stdin: Data(stdin.utf8))
    }

    @Test func knownIdsGiveExactText() throws {
        let r = try Self.decode("101 7592 1010 2088 999 102\n")
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(r.text == "hello, world!\n")
        let kept = try Self.decode("101 7592 1010 2088 999 102\n", ["--keep-special-tokens", "--quiet"])
        #expect(kept.status == 0 && kept.text == "[CLS] hello, world! [SEP]\n")
    }

    /// `##` pieces glue to the piece before them; tabs, runs of spaces and CRLF separate ids too.
    @Test func continuationPiecesJoinAndSeparatorsAreLenient() throws {
        let r = try Self.decode("14477 20961 3468\n4895 8671 2666 3567 6321\n7592  2088\t999\r\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text == "unaffable\nunbelievably\nhello world!\n")
    }

    /// An empty line (or one of spaces) is an empty text, and keeps its place.
    @Test func emptyLinesStayEmpty() throws {
        let r = try Self.decode("\n7592\n\n   \n2088\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text == "\nhello\n\n\nworld\n")
    }

    /// The summary line counts the lines (it goes to standard error, so standard output stays the text).
    @Test func summaryCountsLines() throws {
        let r = try Self.decode("7592\n2088\n", [])
        #expect(r.status == 0 && r.text == "hello\nworld\n")
        #expect(r.stderr.hasPrefix("decode: 2 lines, ") && r.stderr.hasSuffix(" thread(s)\n") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }

    /// All 106 uncased golden id lists, special tokens dropped and kept, in one file-to-file run each.
    @Test func matchesHFDecodeForEveryGoldenInput() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let golden = try String(contentsOf: CLI.root.appendingPathComponent("Fixtures/encoding/golden/decode.jsonl"), encoding: .utf8)
            .split(separator: "\n")
            .map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            .filter { $0["tokenizer"] as? String == "uncased" }
        #expect(golden.count == 106)
        let input = dir.appendingPathComponent("ids.txt")
        try Data(try golden.map { try #require($0["ids"] as? [Int]).map(String.init).joined(separator: " ") + "\n" }.joined().utf8).write(to: input)
        for (flags, key) in [([String](), "skip"), (["--keep-special-tokens"], "keep")] {
            let output = dir.appendingPathComponent("\(key).txt")
            let r = try CLI.run(["decode", "--vocab", CLI.vocab, "--input", input.path, "--output", output.path, "--quiet"] + flags)
            #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
            let got = try String(contentsOf: output, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let expected = try golden.map { try #require(($0["cleanup"] as? [String: String])?[key]) } + [""]
            #expect(got.count == expected.count, "\(key)")
            for (k, (text, reference)) in zip(got, expected).enumerated() where text != reference {
                Issue.record("\(key), input \(k): got \(text.debugDescription), HF \(reference.debugDescription)")
            }
        }
    }

    @Test func idOutsideTheVocabularyNamesLineAndByte() throws {
        let r = try Self.decode("101 102\n7592 30522\n")
        #expect(r.status == 1)
        #expect(r.stderr == "Error: <stdin>:2 (byte offset 8): id 30522 at byte 6 is outside the vocabulary (0..<30522)\n")
        let huge = try Self.decode("99999999999999999999999\n")
        #expect(huge.status == 1)
        #expect(huge.stderr == "Error: <stdin>:1 (byte offset 0): id 2147483648 at byte 1 is outside the vocabulary (0..<30522)\n")
    }

    @Test func nonNumericFieldIsAnError() throws {
        let word = try Self.decode("101\n7592 abc\n")
        #expect(word.status == 1)
        #expect(word.stderr == "Error: <stdin>:2 (byte offset 4): byte 6 ('a') is not part of a decimal token id; give ids separated by spaces\n")
        let negative = try Self.decode("7592 -1\n")
        #expect(negative.status == 1)
        #expect(negative.stderr == "Error: <stdin>:1 (byte offset 0): byte 6 ('-') is not part of a decimal token id; give ids separated by spaces\n")
    }

    /// A failing run to a file leaves no file behind (and an earlier one untouched).
    @Test func failedRunWritesNoFile() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("ids.txt"), output = dir.appendingPathComponent("text.txt")
        try Data("7592\n2088\n30522\n".utf8).write(to: input)
        let r = try CLI.run(["decode", "--vocab", CLI.vocab, "--input", input.path, "--output", output.path, "--quiet"])
        #expect(r.status == 1)
        #expect(r.stderr == "Error: \(input.path):3 (byte offset 10): id 30522 at byte 1 is outside the vocabulary (0..<30522)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["ids.txt"])
        try Data("earlier\n".utf8).write(to: output)
        _ = try CLI.run(["decode", "--vocab", CLI.vocab, "--input", input.path, "--output", output.path, "--quiet"])
        #expect(try String(contentsOf: output, encoding: .utf8) == "earlier\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["ids.txt", "text.txt"])
    }

    /// `bertkit encode` to JSONL, the ids of each row, `bertkit decode`: the lower-cased sentences come back.
    @Test func encodeThenDecodeGivesTheLowercasedText() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sentences = ["The quick brown fox jumps over the lazy dog.", "Hello, world! How are you?",
                         "Swift 6 ships strict concurrency checking in 2024.", "Tokenization is unbelievably UNAFFABLE."]
        let input = dir.appendingPathComponent("in.txt"), encoded = dir.appendingPathComponent("out.jsonl")
        try Data((sentences.joined(separator: "\n") + "\n").utf8).write(to: input)
        let e = try CLI.run(["encode", "--vocab", CLI.vocab, "--input", input.path, "--max-length", "64", "--quiet", "--output", encoded.path])
        #expect(e.status == 0, "\(e.stderr)")
        let ids = try String(contentsOf: encoded, encoding: .utf8).split(separator: "\n").map { line in
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(row["input_ids"] as? [Int]).map(String.init).joined(separator: " ")
        }
        #expect(ids.count == sentences.count)
        let d = try Self.decode(ids.joined(separator: "\n") + "\n")
        #expect(d.status == 0, "\(d.stderr)")
        #expect(d.text == sentences.map { $0.lowercased() + "\n" }.joined())
    }

    /// 1.35 MB in on standard input, 0.7 MB out on standard output: with one thread the child reads 1 MiB, then
    /// writes its text before reading more, so a runner that wrote all the input before reading any output would
    /// wait forever on a full pipe. The runner reads the child's streams while it writes.
    @Test func largeStreamsDoNotBlock() throws {
        let count = 50_000
        let r = try Self.decode(String(repeating: "101 7592 1010 2088 999 102\n", count: count), ["--threads", "1", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.count == 14 * count)
        #expect(r.text == String(repeating: "hello, world!\n", count: count))
    }
}
