import Foundation
import Testing

/// The unclear or silent outcomes issue 13 lists, each now a message that says what is wrong and what to do
/// (asserted whole), or correct output. Committed fixtures only.
@Suite struct MessageTests {
    static let vocab = TestRepository.path("Fixtures/tokenization/mini/vocab.txt")
    static let corpus = TestRepository.path("Fixtures/pretraining/input.txt")
    static let classifier = TestRepository.path("Fixtures/classifier/initial")

    /// A tokenizer.json holding the mini vocabulary, with `unk` as its unknown token and `extra` appended.
    static func tokenizerJSON(named name: String, unk: String = "[UNK]", extra: [String] = []) throws -> String {
        let tokens = try String(contentsOfFile: vocab, encoding: .utf8).split(separator: "\n").map(String.init) + extra
        let table = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1, $0) })
        let json = ["model": ["type": "WordPiece", "unk_token": unk, "vocab": table] as [String: Any]]
        let path = try CLI.scratch().appendingPathComponent(name).path
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `tokenizer.JSON` and an extension-less copy used to be read as vocab.txt ("has no unknown token").
    @Test(arguments: ["tokenizer.JSON", "tokenizer"])
    func tokenizerJSONIsRecognizedWithoutItsLowercaseExtension(name: String) throws {
        let path = try Self.tokenizerJSON(named: name)
        let input = Data("The quick brown fox, unaffable.\n".utf8)
        let reference = try CLI.run(["tokenize", "--vocab", Self.vocab, "--quiet"], stdin: input)
        let r = try CLI.run(["tokenize", "--vocab", path, "--quiet"], stdin: input)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text == reference.text && reference.text.split(separator: " ").count > 5)
    }

    /// A closed standard input used to read as empty input and a closed standard output lost the output, both
    /// with success (before that: "Invalid argument").
    @Test(arguments: [
        ("<&-", "Error: standard input is closed; give --input FILE or redirect a file into bertkit"),
        (">&-", "Error: standard output is closed, so the output would be lost; give --output FILE or redirect it to a file"),
    ])
    func closedStandardStreamsAreRefused(redirect: String, message: String) throws {
        let r = try CLI.run(["tokenize", "--vocab", Self.vocab], redirect: redirect)
        #expect(r.status == 64)
        #expect(r.stderr.hasPrefix(message + "\n"), "\(r.stderr)")
    }

    /// The same refusal where encode, pretraining-data, train-vocab, predict and evaluate would read or write a
    /// closed stream ("-", or predict's defaults), checked before any work.
    @Test(arguments: [
        (["encode", "--vocab", vocab, "--max-length", "8", "--input", "-", "--input-format", "lines", "--output", "x.jsonl"], "<&-",
         "Error: standard input is closed; give --input FILE or redirect a file into bertkit"),
        (["encode", "--vocab", vocab, "--max-length", "8", "--input", corpus, "--output", "-"], ">&-",
         "Error: standard output is closed, so the output would be lost; give --output FILE or redirect it to a file"),
        (["pretraining-data", "--vocab", vocab, "--input", corpus, "--output", "-", "--format", "jsonl"], ">&-",
         "Error: standard output is closed, so the output would be lost; give --output FILE or redirect it to a file"),
        (["train-vocab", "--input", corpus, "--vocab-size", "100", "--output", "-"], ">&-",
         "Error: standard output is closed, so the output would be lost; give --output FILE or redirect it to a file"),
        // predict reads standard input and writes standard output by default; evaluate prints its metrics there.
        (["predict", "--model", classifier, "--quiet"], "<&-",
         "Error: standard input is closed; give --input FILE or redirect a file into bertkit"),
        (["predict", "--model", classifier, "--input", corpus, "--quiet"], ">&-",
         "Error: standard output is closed, so the output would be lost; give --output FILE or redirect it to a file"),
        (["evaluate", "--model", classifier, "--data", corpus, "--quiet"], ">&-",
         "Error: standard output is closed, so the output would be lost; redirect it to a file"),
    ])
    func closedStandardStreamsAreRefusedByEveryCommand(arguments: [String], redirect: String, message: String) throws {
        let r = try CLI.run(arguments, redirect: redirect)
        #expect(r.status == 64)
        #expect(r.stderr.hasPrefix(message + "\n"), "\(r.stderr)")
    }

    /// Column options for an input without columns (text lines, class folders) used to be ignored without a word:
    /// a `--pair-column` classified single texts.
    @Test func columnOptionsWithoutColumnsAreRefused() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("classes").path
        try FileManager.default.createDirectory(atPath: folder + "/pos", withIntermediateDirectories: true)
        try "good".write(toFile: folder + "/pos/a.txt", atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["predict", "--model", Self.classifier, "--pair-column", "second", "--quiet"],
             "--pair-column selects a column of a CSV/TSV input or a JSONL key, but standard input is read as text lines"),
            (["encode", "--vocab", Self.vocab, "--max-length", "8", "--input", Self.corpus, "--text-column", "1",
              "--output", dir.appendingPathComponent("x.jsonl").path],
             "--text-column selects a column of a CSV/TSV input or a JSONL key, but \(Self.corpus) is read as text lines"),
            (["evaluate", "--model", Self.classifier, "--data", folder, "--label-column", "label", "--quiet"],
             "--label-column selects a column of a CSV/TSV input or a JSONL key, but \(folder) is read as class folders"),
            (["finetune", "--model", Self.classifier, "--train", folder, "--text-column", "text", "--quiet",
              "--output", dir.appendingPathComponent("run").path],
             "--text-column selects a column of a CSV/TSV input or a JSONL key, but \(folder) is read as class folders"),
        ]
        for (arguments, message) in cases {
            let r = try CLI.run(arguments, stdin: Data("a text\n".utf8))
            #expect(r.status != 0, "\(arguments[0])")
            #expect(r.stderr.hasPrefix("Error: " + message + ", which have none; drop the option or give a .csv, .tsv or .jsonl file\n"),
                    "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.jsonl").path))
    }

    /// finetune, evaluate and predict have no --input-format: a path whose extension says no format is refused
    /// naming the option, not with the reader's advice to pass --input-format.
    @Test func unknownFormatsNameTheOption() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data.json").path
        try "{}".write(toFile: data, atomically: true, encoding: .utf8)
        let tail = ": cannot tell the format of '\(data)' from its extension; give a .csv, .tsv, .jsonl or .txt file (optionally .gz) or a folder of class folders\n"
        let cases: [([String], String)] = [
            (["predict", "--model", Self.classifier, "--input", data, "--quiet"], "--input"),
            (["evaluate", "--model", Self.classifier, "--data", data, "--quiet"], "--data"),
            (["finetune", "--model", Self.classifier, "--train", data, "--quiet", "--output", dir.appendingPathComponent("run").path], "--train"),
        ]
        for (arguments, option) in cases {
            let r = try CLI.run(arguments)
            #expect(r.status != 0)
            #expect(r.stderr.hasPrefix("Error: " + option + tail), "\(r.stderr)")
        }
        // A folder that does not exist has no extension to tell: it is named as missing.
        let missing = dir.appendingPathComponent("no-such-folder").path
        let r = try CLI.run(["finetune", "--model", Self.classifier, "--train", missing, "--quiet", "--output", dir.appendingPathComponent("run").path])
        #expect(r.stderr.hasPrefix("Error: --train: '\(missing)' does not exist; give a .csv, .tsv, .jsonl or .txt file (optionally .gz) or a folder of class folders\n"), "\(r.stderr)")
    }

    /// `predict --input -` reads standard input as text lines, as no `--input` does (it used to ask for an
    /// --input-format that predict does not have).
    @Test func predictReadsStandardInputFromDash() throws {
        let texts = Data("a good film\nbad\n".utf8)
        let implicit = try CLI.run(["predict", "--model", Self.classifier, "--quiet"], stdin: texts)
        let dash = try CLI.run(["predict", "--model", Self.classifier, "--input", "-", "--quiet"], stdin: texts)
        #expect(implicit.status == 0 && dash.status == 0, "\(dash.stderr)")
        #expect(dash.stdout == implicit.stdout)
        #expect(dash.text.split(separator: "\n").count == 2)
    }

    /// Classic Mac line endings used to merge every record into one output line without a word.
    @Test func carriageReturnOnlyInputIsAnError() throws {
        let r = try CLI.run(["tokenize", "--vocab", Self.vocab, "--quiet"], stdin: Data("first\rsecond\rthird\r".utf8))
        #expect(r.status == 1)
        #expect(r.stderr == "Error: <stdin>: carriage return at byte offset 5 but no line feed in the input: its lines end in CR only "
                + "(classic Mac), which would all be read as one line; convert them first, e.g. tr '\\r' '\\n' < in > out\n")
        #expect(r.stdout.isEmpty)
    }

    /// An unknown token holding a line break used to add output lines under --tokens (misaligning every line
    /// after the first unknown word); ids are still fine.
    @Test func unknownTokenWithALineBreakIsRefusedUnderTokens() throws {
        let path = try Self.tokenizerJSON(named: "tokenizer.json", unk: "[U\nNK]", extra: ["[U\nNK]"])
        let r = try CLI.run(["tokenize", "--vocab", path, "--tokens", "--quiet"], stdin: Data("☃ fox\nthe\n".utf8))
        #expect(r.status == 1)
        #expect(r.stderr == "Error: vocabulary '\(path)' has the token \"[U\\nNK]\" with a line break in it, which --tokens would "
                + "write as two output lines; drop --tokens to write ids, or fix the token\n")
        let ids = try CLI.run(["tokenize", "--vocab", path, "--quiet"], stdin: Data("☃ fox\nthe\n".utf8))
        #expect(ids.status == 0 && ids.text.split(separator: "\n").count == 2)
    }

    /// decode of a token holding a line break used to write two lines for one.
    @Test func decodedLineBreakIsRefused() throws {
        let path = try Self.tokenizerJSON(named: "tokenizer.json", extra: ["x\ny"])
        let count = try String(contentsOfFile: Self.vocab, encoding: .utf8).split(separator: "\n").count
        let r = try CLI.run(["decode", "--vocab", path, "--quiet"], stdin: Data("\(count)\n".utf8))
        #expect(r.status == 1)
        #expect(r.stderr == "Error: <stdin>:1 (byte offset 0): id \(count) is the token \"x\\ny\", whose line break would split this output line in two\n")
    }

    /// `--vocab /dev/null` used to say "You don't have permission".
    @Test func devNullVocabularyIsEmpty() throws {
        let r = try CLI.run(["tokenize", "--vocab", "/dev/null"], stdin: Data("x\n".utf8))
        #expect(r.status == 1)
        #expect(r.stderr == "Error: vocabulary '/dev/null' is empty; expected one token per line\n")
    }
}
