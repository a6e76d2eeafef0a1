import Foundation
import Testing

/// Input-dependent traps found by a hostile run of the CLI (issue 13), each now a clear error or correct
/// output. Everything here uses committed fixtures only: the mini vocabulary and the tiny random BERT.
@Suite struct BadInputTests {
    static let vocab = TestRepository.path("Fixtures/tokenization/mini/vocab.txt")
    static let model = TestRepository.path("Fixtures/tiny-bert")

    /// A model folder in a fresh scratch directory: the tiny BERT's files linked, `config.json` rewritten by
    /// `config` and `vocab.txt` replaced by `vocabulary` when given.
    static func modelFolder(config: (String) -> String = { $0 }, vocabulary: [String]? = nil) throws -> URL {
        let dir = try CLI.scratch()
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("model.safetensors").path,
                                  withDestinationPath: model + "/model.safetensors")
        let text = try String(contentsOfFile: model + "/config.json", encoding: .utf8)
        try config(text).write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        if let vocabulary {
            try (vocabulary.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        } else {
            try fm.createSymbolicLink(atPath: dir.appendingPathComponent("vocab.txt").path, withDestinationPath: model + "/vocab.txt")
        }
        return dir
    }

    /// pretraining-data and train-vocab used to replace an input file given again as the output (the output's
    /// rename at the end), losing the corpus; now refused before any work, as encode and tokenize refuse it.
    @Test(arguments: [
        ["pretraining-data", "--vocab", vocab, "--format", "jsonl", "--input"],
        ["pretraining-data", "--vocab", vocab, "--format", "jsonl", "--shards", "1", "--input"],
        ["train-vocab", "--vocab-size", "100", "--input"],
    ])
    func outputOverAnInputIsRefused(command: [String]) throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = try Data(contentsOf: URL(fileURLWithPath: TestRepository.path("Fixtures/pretraining/input.txt")))
        let input = dir.appendingPathComponent("corpus.txt"), other = dir.appendingPathComponent("other.txt")
        try corpus.write(to: input)
        try corpus.write(to: other)
        // With --shards 1 the one file is named PATH-00000-of-00001 after --output: make that an input too.
        let sharded = command.contains("--shards")
        let target = sharded ? dir.appendingPathComponent("corpus-00000-of-00001.txt") : input
        if sharded { try corpus.write(to: target) }
        let r = try CLI.run(command + [other.path, target.path, "--output", input.path, "--quiet"])
        #expect(r.status != 0)
        #expect(r.stderr.hasPrefix("Error: output '\(target.path)' is the input file; write to another path"), "\(r.stderr)")
        #expect(try Data(contentsOf: target) == corpus)
    }

    /// The same output named twice in pretraining-data's round-robin list is refused by name.
    @Test func repeatedOutputIsRefused() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.jsonl").path, b = dir.appendingPathComponent("b.jsonl").path
        let r = try CLI.run(["pretraining-data", "--vocab", Self.vocab, "--input", TestRepository.path("Fixtures/pretraining/input.txt"),
                             "--output", [a, b, a].joined(separator: ","), "--format", "jsonl"])
        #expect(r.status == 64)
        #expect(r.stderr.hasPrefix("Error: --output names '\(a)' twice; give each file once\n"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: b))
    }

    /// `2>/dev/full` and `2>&-` used to end in SIGILL inside FileHandle.standardError.write (the summary, or
    /// embed's kernel line before any output); now the message is lost and the run succeeds.
    @Test(arguments: ["2>/dev/full", "2>&-"])
    func unwritableStandardErrorDoesNotStopTheRun(redirect: String) throws {
        let tokenize = try CLI.run(["tokenize", "--vocab", Self.vocab], stdin: Data("the quick fox\n".utf8), redirect: redirect)
        #expect(tokenize.status == 0)
        let reference = try CLI.run(["tokenize", "--vocab", Self.vocab, "--quiet"], stdin: Data("the quick fox\n".utf8))
        #expect(tokenize.text == reference.text && !reference.text.isEmpty)
        let embed = try CLI.run(["embed", "--model", Self.model, "--threads", "1"], stdin: Data("the quick fox\n".utf8), redirect: redirect)
        #expect(embed.status == 0)
        #expect(embed.text.hasPrefix("[") && embed.text.hasSuffix("]\n") && embed.text.filter { $0 == "\n" }.count == 1)
    }

    /// With standard error closed, the output's temporary file must not become descriptor 2 and collect the
    /// summary: the output file holds exactly the ids.
    @Test func closedStandardErrorDoesNotLeakIntoTheOutputFile() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.txt")
        let r = try CLI.run(["tokenize", "--vocab", Self.vocab, "--output", output.path], stdin: Data("the fox\n".utf8), redirect: "2>&-")
        #expect(r.status == 0)
        let quiet = try CLI.run(["tokenize", "--vocab", Self.vocab, "--quiet"], stdin: Data("the fox\n".utf8))
        #expect(try String(contentsOf: output, encoding: .utf8) == quiet.text)
    }

    @Test(arguments: [
        (["tokenize", "--vocab", vocab, "--threads", "100000"], "--threads must be between 1 and 256 (got 100000)"),
        (["tokenize", "--vocab", vocab, "--threads=-3"], "--threads must be between 1 and 256 (got -3)"),
        // A negative value after a space used to read as a missing value ("-3" looked like an option).
        (["tokenize", "--vocab", vocab, "--threads", "-3"], "--threads must be between 1 and 256 (got -3)"),
        (["embed", "--model", model, "--threads", "-1"], "--threads must be between 1 and 256 (got -1)"),
        (["normalize", "--threads", "257"], "--threads must be between 1 and 256 (got 257)"),
        (["encode", "--vocab", vocab, "--input", "-", "--output", "/nonexistent/out.jsonl", "--max-length", "16", "--threads", "100000"], "--threads must be between 1 and 256 (got 100000)"),
        (["embed", "--model", model, "--threads", "100000"], "--threads must be between 1 and 256 (got 100000)"),
        (["embed", "--model", model, "--batch-size", "100000"], "--batch-size must be between 1 and 1024 (got 100000)"),
        (["embed", "--model", model, "--batch-size", "0"], "--batch-size must be between 1 and 1024 (got 0)"),
        (["benchmark-train", "--model", model, "--batch-size", "100000"],
         "--batch-size x --max-length must be at most 32768 tokens per step (got 100000 x 128)"),
        (["benchmark-train", "--model", model, "--threads", "100000"], "--threads must be between 1 and 256 (got 100000)"),
        (["normalize", "--profile", "persian", "--zwnj-placeholder", "\n"],
         "--zwnj-placeholder must be a visible character, not U+A (a control character or line break)"),
        (["tokenize", "--vocab", vocab, "--normalize", "persian", "--zwnj-placeholder", "\u{2028}"],
         "--zwnj-placeholder must be a visible character, not U+2028 (a control character or line break)"),
    ])
    func optionsAreCheckedBeforeAnythingRuns(arguments: [String], message: String) throws {
        let r = try CLI.run(arguments, stdin: Data("x\n".utf8))
        #expect(r.status == 64, "\(r.status) \(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    /// A missing OpenBLAS is a clear error (exit 1), not abort() at the first matrix product.
    @Test(arguments: ["embed", "benchmark-train"])
    func missingOpenBLASIsAnError(subcommand: String) throws {
        let r = try CLI.run([subcommand, "--model", Self.model, "--threads", "1"], stdin: Data("x\n".utf8),
                            environment: ["BERTKIT_OPENBLAS": "/nonexistent/libopenblas.so.0"])
        #expect(r.status == 1, "\(r.status) \(r.stderr)")
        #expect(r.stderr.contains("OpenBLAS is unavailable: cannot load BERTKIT_OPENBLAS=/nonexistent/libopenblas.so.0"), "\(r.stderr)")
    }

    /// config.json sizes are checked against model.safetensors before any parameter memory is allocated; sizes
    /// past what a 64-bit process can count are refused outright (they used to overflow or allocate tens of GB).
    @Test(arguments: [
        ("\"intermediate_size\": 64", "\"intermediate_size\": 1000000000",
         "config.json: its sizes describe 130000105376 parameters (at least 260000210752 bytes) but "),
        ("\"vocab_size\": 2854", "\"vocab_size\": 1000000000000000000",
         "config.json: its sizes describe more parameters than a 64-bit process can address"),
        ("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 4611686018427387904",
         "config.json: its sizes describe more parameters than a 64-bit process can address"),
    ])
    func hugeConfigSizesAreRefusedBeforeAllocating(field: String, replacement: String, message: String) throws {
        let dir = try Self.modelFolder(config: { $0.replacingOccurrences(of: field, with: replacement) })
        defer { try? FileManager.default.removeItem(at: dir) }
        let start = ContinuousClock.now
        let r = try CLI.run(["embed", "--model", dir.path, "--threads", "1"], stdin: Data("x\n".utf8))
        #expect(r.status == 1, "\(r.status) \(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(ContinuousClock.now - start < .seconds(20), "refused without allocating")
    }

    /// A checkpoint with a NaN weight gave `[nan,...]` lines, which are not JSON; now a clear error, no output.
    @Test func nonFiniteWeightsAreAnErrorNotBadJSON() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var data = try Data(contentsOf: URL(fileURLWithPath: Self.model + "/model.safetensors"))
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try #require(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        let entry = try #require(header["embeddings.LayerNorm.weight"] as? [String: Any])
        let offsets = try #require(entry["data_offsets"] as? [Int])
        let at = 8 + headerLength + offsets[0]
        data.replaceSubrange(at..<(at + 4), with: [0x00, 0x00, 0xC0, 0x7F])  // float32 NaN, little-endian
        try data.write(to: dir.appendingPathComponent("model.safetensors"))
        for name in ["config.json", "vocab.txt", "tokenizer_config.json"] {
            try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(name).path, withDestinationPath: Self.model + "/" + name)
        }
        let output = dir.appendingPathComponent("out.jsonl")
        let r = try CLI.run(["embed", "--model", dir.path, "--threads", "1", "--output", output.path], stdin: Data("the fox\n".utf8))
        #expect(r.status == 1)
        #expect(r.stderr.contains("the model produced NaN or infinite values, which JSON cannot hold"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    /// benchmark-train draws its random ids from the ordinary tokens of whatever vocabulary the folder has
    /// (it used to assume more than 1000 tokens and trap); a vocabulary of special tokens only is an error.
    @Test func benchmarkTrainTakesSmallVocabularies() throws {
        let tokens = try String(contentsOfFile: Self.vocab, encoding: .utf8).split(separator: "\n").prefix(40).map(String.init)
        let small = try Self.modelFolder(vocabulary: tokens)
        defer { try? FileManager.default.removeItem(at: small) }
        let r = try CLI.run(["benchmark-train", "--model", small.path, "--batch-size", "2", "--max-length", "8", "--steps", "1", "--threads", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("shape: batch 2 x 8 tokens"), "\(r.text)")
        let specials = try Self.modelFolder(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        defer { try? FileManager.default.removeItem(at: specials) }
        let bad = try CLI.run(["benchmark-train", "--model", specials.path, "--batch-size", "2", "--max-length", "8", "--steps", "1", "--threads", "1"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("the vocabulary holds only special tokens"), "\(bad.stderr)")
    }
}
