import Foundation
import Testing

@Suite struct TrainVocabCommandTests {
    /// hug×10 pug×5 pun×12 bun×4 hugs×5: alphabet b g h n p s u, then ##g ##n ##s ##u by code point, then the
    /// merges ##u ##g (20), ##u ##n (16), h ##ug (15), as HF's trainer orders them.
    static let expected = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nb\ng\nh\nn\np\ns\nu\n##g\n##n\n##s\n##u\n##ug\n##un\nhug\n"

    @Test func textAndWordCountsGiveTheSameExactVocabulary() throws {
        let dir = try CLI.scratch()
        let text = dir.appendingPathComponent("corpus.txt"), counts = dir.appendingPathComponent("counts.tsv")
        var lines: [String] = []
        for (word, n) in [("HUG", 10), ("pug", 5), ("Pun", 12), ("bun", 4), ("hugs", 5)] {
            lines += Array(repeating: word, count: n)
        }
        try Data((lines.joined(separator: " ") + "\n").utf8).write(to: text)
        try Data("hug\t10\npug\t5\npun\t12\nbun\t4\nhugs\t5\n".utf8).write(to: counts)
        let out1 = dir.appendingPathComponent("v1.txt"), out2 = dir.appendingPathComponent("v2.txt")
        let r = try CLI.run(["train-vocab", "--input", text.path, "--vocab-size", "19", "--threads", "2", "--output", out1.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOf: out1, encoding: .utf8) == Self.expected)
        #expect(r.stderr.contains("36 words (5 distinct), 19 tokens (hf, uncased)"), "\(r.stderr)")
        let c = try CLI.run(["train-vocab", "--word-counts", "--input", counts.path, "--vocab-size", "19", "--quiet", "--output", out2.path])
        #expect(c.status == 0 && c.stderr.isEmpty, "\(c.stderr)")
        #expect(try String(contentsOf: out2, encoding: .utf8) == Self.expected)
    }

    /// On real Persian word counts, the CLI's vocabulary has HF's special tokens, alphabet, `##c` set and size
    /// (the `##c` order, and hence some tie-broken merges, differ between HF runs; the library tests replay it).
    @Test func realPersianCountsAgreeWithHFWhereHFIsDeterministic() throws {
        let dir = try CLI.scratch()
        let out = dir.appendingPathComponent("vocab.txt")
        let fixtures = CLI.root.appendingPathComponent("Fixtures/vocab-training")
        let r = try CLI.run(["train-vocab", "--word-counts", "--input", fixtures.appendingPathComponent("fa-chatterbot.uncased.counts.tsv").path,
                             "--vocab-size", "2000", "--quiet", "--output", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let ours = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map(String.init)
        let hf = try String(contentsOf: fixtures.appendingPathComponent("fa-uncased-2000.vocab.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(ours.count == 2000 && hf.count == 2000)
        let alphabetEnd = hf.firstIndex { $0.utf8.starts(with: "##".utf8) } ?? 0
        #expect(alphabetEnd > 100)
        #expect(ours.prefix(alphabetEnd) == hf.prefix(alphabetEnd))
        let hfInner = hf[alphabetEnd...].prefix { $0.utf8.starts(with: "##".utf8) && $0.unicodeScalars.count == 3 }
        let ourInner = ours[alphabetEnd...].prefix { $0.utf8.starts(with: "##".utf8) && $0.unicodeScalars.count == 3 }
        #expect(Set(hfInner) == Set(ourInner) && hfInner.count == ourInner.count)
        let codes = ourInner.compactMap { $0.unicodeScalars.last?.value }
        #expect(codes == codes.sorted())
    }

    @Test func badInputFailsClearlyAndWritesNothing() throws {
        let dir = try CLI.scratch()
        let out = dir.appendingPathComponent("vocab.txt")
        let empty = dir.appendingPathComponent("empty.txt"), badCounts = dir.appendingPathComponent("bad.tsv")
        let small = dir.appendingPathComponent("small.txt"), badText = dir.appendingPathComponent("bad.txt")
        try Data().write(to: empty)
        try Data(Array("a\t1\nb".utf8) + [0xFF] + Array("\t2\n".utf8)).write(to: badCounts)
        try Data("abc def\n".utf8).write(to: small)
        try Data(Array("ok\nbad ".utf8) + [0xC3, 0x28] + Array("\n".utf8)).write(to: badText)
        let cases: [([String], String)] = [
            (["--input", empty.path], "Error: the corpus holds no word; give a non-empty input"),
            (["--word-counts", "--input", badCounts.path],
             "Error: word counts '\(badCounts.path)' line 2 is not valid UTF-8 (byte offset 5); re-save the file as UTF-8"),
            (["--input", small.path, "--vocab-size", "8"],
             "Error: vocabulary size 8 is smaller than the 5 special tokens plus the 6 characters of the alphabet; raise --vocab-size or lower --limit-alphabet"),
            (["--input", badText.path], "Error: \(badText.path):2: invalid UTF-8 at byte 5 of the line (byte offset 7 in the input)"),
            (["--input", dir.appendingPathComponent("missing").path], "Error: --input '\(dir.appendingPathComponent("missing").path)' does not exist"),
            (["--input", small.path, "--algorithm", "bpe"], "Error: --algorithm must be hf or wordpiece, not 'bpe'"),
        ]
        for (arguments, message) in cases {
            let r = try CLI.run(["train-vocab"] + arguments + ["--output", out.path])
            #expect(r.status != 0)
            #expect(r.stderr.hasPrefix(message), "\(arguments): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
        let lossy = try CLI.run(["train-vocab", "--input", badText.path, "--lossy", "--quiet", "--output", out.path])
        #expect(lossy.status == 0, "\(lossy.stderr)")
    }

    /// gzip, CSV (text column by header) and JSONL (a named key) inputs count the same words as the plain file.
    @Test func gzipAndDatasetInputsCountTheSameWords() throws {
        let dir = try CLI.scratch()
        let rows = ["HUG hug pug, Pun!", "bun \"hugs\"", "", "pun pun; hug"]
        let plain = dir.appendingPathComponent("c.txt"), csv = dir.appendingPathComponent("c.csv")
        let jsonl = dir.appendingPathComponent("c.jsonl")
        try Data(rows.map { $0 + "\n" }.joined().utf8).write(to: plain)
        try Data(("label,text\n" + rows.map { "x,\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"\n" }.joined()).utf8).write(to: csv)
        try Data(rows.map { "{\"id\": 1, \"body\": \"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"}\n" }.joined().utf8).write(to: jsonl)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", plain.path, csv.path]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        func train(_ arguments: [String]) throws -> String {
            let out = dir.appendingPathComponent("v\(UUID().uuidString).txt")
            let r = try CLI.run(["train-vocab", "--vocab-size", "40", "--min-frequency", "1", "--threads", "2", "--output", out.path] + arguments)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains("14 words (9 distinct)"), "\(arguments): \(r.stderr)")
            return (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        }
        let expected = try train(["--input", plain.path])
        #expect(expected.hasPrefix("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n!\n\"\n,\n;\nb\n"))
        #expect(try train(["--input", plain.path + ".gz"]) == expected)
        #expect(try train(["--input", csv.path + ".gz"]) == expected)
        #expect(try train(["--input", jsonl.path, "--text-column", "body"]) == expected)
        #expect(try train(["--input", csv.path, "--input-format", "csv", "--text-column", "1"]) == expected)

        // A bad dataset row stops the run with its file, line and column, or is skipped with --skip-bad-rows.
        let bad = dir.appendingPathComponent("bad.csv"), out = dir.appendingPathComponent("bad-vocab.txt")
        try Data(Array("label,text\nx,\"HUG hug pug, Pun!\"\ny,\"bad ".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)).write(to: bad)
        let stopped = try CLI.run(["train-vocab", "--input", bad.path, "--output", out.path])
        #expect(stopped.status != 0 && stopped.stderr.hasPrefix("Error: \(bad.path):3:"), "\(stopped.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let skipped = try CLI.run(["train-vocab", "--input", bad.path, "--skip-bad-rows", "--vocab-size", "30", "--output", out.path])
        #expect(skipped.status == 0 && skipped.stderr.contains("skipped 1 bad row(s)"), "\(skipped.stderr)")
    }

    /// `--algorithm wordpiece` writes TF.Text's vocabulary (the library golden), and `--min-frequency` is its
    /// lowest threshold.
    @Test func wordpieceAlgorithmMatchesTFText() throws {
        let dir = try CLI.scratch()
        let fixtures = CLI.root.appendingPathComponent("Fixtures/vocab-training")
        let out = dir.appendingPathComponent("vocab.txt")
        let r = try CLI.run(["train-vocab", "--word-counts", "--algorithm", "wordpiece", "--vocab-size", "300", "--min-frequency", "1",
                             "--input", fixtures.appendingPathComponent("pt-chatterbot.uncased.counts.tsv").path, "--output", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("287 tokens (wordpiece, uncased)"), "\(r.stderr)")
        let golden = try Data(contentsOf: fixtures.appendingPathComponent("wordpiece-pt-uncased-300-lower1.vocab.txt"))
        #expect(try Data(contentsOf: out) == golden)
    }

    /// With `--normalize`, counted words go through the profile and BERT's cutting: a Persian word with a ZWNJ
    /// becomes its two halves and the placeholder, each with the word's count.
    @Test func normalizedWordCountsKeepTheZWNJPlaceholder() throws {
        let dir = try CLI.scratch()
        let counts = dir.appendingPathComponent("fa.tsv"), out = dir.appendingPathComponent("vocab.txt")
        try Data("\u{645}\u{6CC}\u{200C}\u{631}\u{648}\u{645}\t3\n\u{645}\u{6CC}\t2\n".utf8).write(to: counts)
        let r = try CLI.run(["train-vocab", "--word-counts", "--normalize", "persian", "--zwnj-placeholder", "\u{B7}",
                             "--vocab-size", "30", "--min-frequency", "1", "--input", counts.path, "--output", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("11 words (3 distinct)"), "\(r.stderr)")
        let tokens = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(tokens.contains("\u{B7}") && tokens.contains("\u{645}\u{6CC}") && tokens.contains("\u{631}\u{648}\u{645}"))
    }
}
