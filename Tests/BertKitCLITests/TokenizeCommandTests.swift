import Foundation
import Testing

@Suite struct TokenizeCommandTests {
    @Test(.requires(.minilmVocabulary)) func idsPerLineFromStdinEmptyLinesKept() throws {
        let r = try CLI.run(["tokenize", "--vocab", CLI.vocab, "--quiet"], stdin: Data("Hello, world!\n\nunaffable\n".utf8))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text == "7592 1010 2088 999\n\n14477 20961 3468\n")
    }

    @Test(.requires(.minilmVocabulary)) func tokensCasedAndThreadsFlags() throws {
        let input = Data("Hello naïve\n東京\n".utf8)
        let tokens = try CLI.run(["tokenize", "--vocab", CLI.vocab, "--tokens", "--threads", "2", "--quiet"], stdin: input)
        #expect(tokens.text == "hello naive\n東 京\n")
        let cased = try CLI.run(["tokenize", "--vocab", CLI.vocab, "--cased", "--tokens", "--quiet"], stdin: input)
        #expect(cased.text == "[UNK] [UNK]\n東 京\n")
    }

    @Test(.requires(.minilmVocabulary)) func fileInputOutputAndSummary() throws {
        let dir = try CLI.scratch()
        let input = dir.appendingPathComponent("in.txt"), output = dir.appendingPathComponent("out.txt")
        try Data("a b\nzzzzzzzzzzqqqqqq \u{2603}\n\n".utf8).write(to: input)
        let r = try CLI.run(["tokenize", "--vocab", CLI.vocab, "--input", input.path, "--output", output.path, "--threads", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        // HF tokenizers 0.23.3 BertWordPieceTokenizer(vocab, lowercase=True), add_special_tokens=False.
        #expect(try String(contentsOf: output, encoding: .utf8)
            == "1037 1038\n1062 13213 13213 13213 13213 2480 4160 4160 4160 4160 4160 4160 100\n\n")
        #expect(r.stderr.hasPrefix("tokenize: 3 lines, 15 tokens, 1 [UNK] (6.667%), "), "\(r.stderr)")
        #expect(r.stderr.hasSuffix(", 1 thread(s), uncased\n"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["in.txt", "out.txt"])
    }

    @Test(.requires(.minilmVocabulary)) func invalidUTF8FailsWithLineAndOffsetAndLeavesNoFile() throws {
        let dir = try CLI.scratch()
        let input = dir.appendingPathComponent("in.txt"), output = dir.appendingPathComponent("out.txt")
        try Data(Array("ok\nbad\u{20}".utf8) + [0xFF] + Array("\n".utf8)).write(to: input)
        let r = try CLI.run(["tokenize", "--vocab", CLI.vocab, "--input", input.path, "--output", output.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("\(input.path):2: invalid UTF-8 at byte 5 of the line (byte offset 7 in the input)"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["in.txt"])
        let lossy = try CLI.run(["tokenize", "--vocab", CLI.vocab, "--input", input.path, "--lossy", "--quiet"])
        #expect(lossy.status == 0 && lossy.text == "7929\n2919\n")
    }

    @Test(.requires(.minilmVocabulary)) func normalizeProfileBeforeTokenizingEqualsThePipedCommands() throws {
        let input = Data("مي\u{200C}خواهم كتاب را بخوانم\nNão é fácil\n".utf8)
        let fused = try CLI.run(["tokenize", "--vocab", CLI.vocab, "--normalize", "persian", "--zwnj-placeholder", "·", "--quiet"], stdin: input)
        let normalized = try CLI.run(["normalize", "--profile", "persian", "--zwnj-placeholder", "·", "--quiet"], stdin: input)
        let piped = try CLI.run(["tokenize", "--vocab", CLI.vocab, "--quiet"], stdin: normalized.stdout)
        #expect(fused.status == 0 && fused.text == piped.text)
        let firstLine = try #require(fused.text.split(separator: "\n").first, "no output: \(fused.stderr)")
        #expect(firstLine.split(separator: " ").contains("1087"))  // "·"
        let bad = try CLI.run(["tokenize", "--vocab", CLI.vocab, "--normalize", "english", "--digits", "ascii"], stdin: input)
        #expect(bad.status != 0 && bad.stderr.contains("--digits applies to --normalize persian only"))
    }

    /// The hand-written edge cases end to end over the committed mini vocabulary, against HF's ids over that
    /// vocabulary (Fixtures/tokenization/mini, Scripts/golden/make-mini-vocab.py): needs no fetched asset.
    @Test(arguments: ["uncased", "cased"])
    func miniVocabularyEdgeCasesEndToEnd(mode: String) throws {
        let folder = TestRepository.path("Fixtures/tokenization/mini")
        let input = TestRepository.path("Fixtures/tokenization/edge-cases.txt")
        let r = try CLI.run(["tokenize", "--vocab", folder + "/vocab.txt", "--input", input, "--quiet", "--threads", "2"]
                            + (mode == "cased" ? ["--cased"] : []))
        #expect(r.status == 0, "\(r.stderr)")
        let golden = try String(contentsOfFile: "\(folder)/edge-cases.\(mode).jsonl", encoding: .utf8)
        let expected = try golden.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let ids = try #require(object["ids"] as? [Int])
            return ids.map(String.init).joined(separator: " ") + "\n"
        }
        #expect(expected.count == 179)
        let got = r.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0 + "\n" }
        #expect(got.count == expected.count)
        for (k, (ours, hf)) in zip(got, expected).enumerated() where ours != hf {
            Issue.record("edge-cases.txt line \(k + 1) (\(mode)): got \(ours)HF  \(hf)")
        }
    }

    @Test func badVocabularyAndBadArgumentsAreClearErrors() throws {
        let missing = try CLI.run(["tokenize", "--vocab", "/nonexistent/vocab.txt"], stdin: Data())
        #expect(missing.status != 0 && missing.stderr.contains("cannot read vocabulary '/nonexistent/vocab.txt': no such file"))
        let threads = try CLI.run(["tokenize", "--vocab", CLI.vocab, "--threads", "0"], stdin: Data())
        #expect(threads.status != 0 && threads.stderr.contains("--threads must be between 1 and 256 (got 0)"), "\(threads.stderr)")
    }
}
