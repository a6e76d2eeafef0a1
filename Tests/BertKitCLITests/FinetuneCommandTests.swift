import Foundation
import Testing

/// `bertkit finetune` / `predict` end to end on the committed tiny BERT (offline).
@Suite struct FinetuneCommandTests {
    static let model = TestRepository.path("Fixtures/tiny-bert")

    /// A `label,text` CSV of `rows` rows over words of the tiny vocabulary; the class decides the words.
    static func writeData(_ url: URL, rows: Int, labels: [String] = ["neg", "pos"], offset: Int = 0) throws {
        var text = "label,text\n"
        for i in 0..<rows {
            let c = (i * 7 + offset) % labels.count
            let words = c == 1 ? ["great", "fun", "film"] : ["the", "a", "is"]
            text += "\(labels[c]),\((0..<(3 + i % 6)).map { words[($0 + i) % 3] }.joined(separator: " "))\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    static func finetune(_ dir: URL, _ extra: [String] = [], environment: [String: String?] = [:]) throws -> CLI.Result {
        try CLI.run(["finetune", "--model", model, "--train", dir.appendingPathComponent("train.csv").path,
                     "--epochs", "2", "--batch-size", "4", "--max-length", "16", "--lr", "1e-3", "--threads", "2",
                     "--seed", "7", "--quiet"] + extra, environment: environment)
    }

    @Test func finetunesPredictsAndWritesAHuggingFaceFolder() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeData(dir.appendingPathComponent("train.csv"), rows: 40)
        try Self.writeData(dir.appendingPathComponent("eval.csv"), rows: 12, offset: 3)
        let out = dir.appendingPathComponent("out")
        let result = try Self.finetune(dir, ["--eval", dir.appendingPathComponent("eval.csv").path, "--output", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        for name in ["model.safetensors", "config.json", "vocab.txt", "bertkit.json", "checkpoints/latest", "best/model.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
        }
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("config.json"))) as? [String: Any]
        #expect((config?["id2label"] as? [String: String]) == ["0": "neg", "1": "pos"])
        #expect((config?["architectures"] as? [String]) == ["BertForSequenceClassification"])

        let predicted = try CLI.run(["predict", "--model", out.path, "--quiet"], stdin: Data("great fun film\nthe a is the\n\n".utf8))
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let lines = predicted.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 3)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(first?["label"] as? String == "pos")
        let p = first?["probabilities"] as? [String: Double]
        #expect(p.map { abs($0.values.reduce(0, +) - 1) < 1e-6 && $0.keys.sorted() == ["neg", "pos"] } == true)
        let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any]
        #expect(second?["label"] as? String == "neg")

        // Batches are formed by length; every line must still get its own text's prediction: batched
        // probabilities equal one-text-per-batch ones, line for line.
        let words = ["great", "fun", "the", "a", "is", "film"]
        var texts: [String] = []
        for i in 0..<40 {
            let n = 1 + (i * 7) % 11
            texts.append((0..<n).map { (k: Int) -> String in words[(k + i) % 6] }.joined(separator: " "))
        }
        let input = Data((texts.joined(separator: "\n") + "\n").utf8)
        let batched = try CLI.run(["predict", "--model", out.path, "--quiet", "--batch-size", "8"], stdin: input)
        let single = try CLI.run(["predict", "--model", out.path, "--quiet", "--batch-size", "1"], stdin: input)
        func fresh(_ r: CLI.Result) throws -> [Double] {
            try r.text.split(separator: "\n").map { line in
                let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return (o?["probabilities"] as? [String: Double])?["pos"] ?? -1
            }
        }
        let x = try fresh(batched), y = try fresh(single)
        #expect(x.count == 40 && y.count == 40)
        #expect(zip(x, y).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(Set(x.map { ($0 * 1e4).rounded() }).count > 5)  // the texts really differ in prediction
    }

    @Test func resumeAfterSIGKILLGivesTheSameWeights() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeData(dir.appendingPathComponent("train.csv"), rows: 30)  // 8 micro-batches an epoch
        let whole = dir.appendingPathComponent("whole"), resumed = dir.appendingPathComponent("resumed")
        let a = try Self.finetune(dir, ["--output", whole.path, "--save-every", "3"])
        #expect(a.status == 0, "\(a.stderr)")
        // Killed in the middle of epoch 2 (update 13 of 16), after the checkpoint at update 12.
        let killed = try Self.finetune(dir, ["--output", resumed.path, "--save-every", "3"],
                                       environment: ["BERTKIT_FAULT_KILL_AFTER_UPDATE": "13"])
        #expect(killed.status == SIGKILL)
        #expect(!FileManager.default.fileExists(atPath: resumed.appendingPathComponent("model.safetensors").path))
        let refused = try Self.finetune(dir, ["--output", resumed.path, "--save-every", "3"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("already holds a run"))
        let b = try Self.finetune(dir, ["--output", resumed.path, "--save-every", "3", "--resume"])
        #expect(b.status == 0, "\(b.stderr)")
        let x = try Data(contentsOf: whole.appendingPathComponent("model.safetensors"))
        let y = try Data(contentsOf: resumed.appendingPathComponent("model.safetensors"))
        #expect(x == y)
        #expect(x.count > 100_000)
    }

    @Test func badDataAndSettingsAreNamed() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeData(dir.appendingPathComponent("train.csv"), rows: 10)
        let eval = dir.appendingPathComponent("eval.csv")
        try "label,text\nneg,the a\nmaybe,great\n".write(to: eval, atomically: true, encoding: .utf8)
        let unknown = try Self.finetune(dir, ["--eval", eval.path, "--output", dir.appendingPathComponent("o1").path])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("\(eval.path):3: label 'maybe' does not occur in the training data (labels: 'neg', 'pos')"))
        let file = dir.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let notAFolder = try Self.finetune(dir, ["--output", file.path])
        #expect(notAFolder.stderr.contains("--output \(file.path) is a file; give a folder"))
        let big = try Self.finetune(dir, ["--batch-size", "64", "--output", dir.appendingPathComponent("o2").path])
        #expect(big.stderr.contains("--batch-size 64 is larger than the 10 training examples of"))
        // A row without its text column: an error naming file and line, or a counted skip when asked.
        let ragged = dir.appendingPathComponent("ragged.csv")
        var rows = "label,text\n"
        for i in 0..<8 { rows += i == 5 ? "pos\n" : (i % 2 == 0 ? "neg,the a is\n" : "pos,great fun\n") }
        try rows.write(to: ragged, atomically: true, encoding: .utf8)
        let stopped = try CLI.run(["finetune", "--model", Self.model, "--train", ragged.path, "--batch-size", "2", "--epochs", "1",
                                   "--output", dir.appendingPathComponent("o4").path])
        #expect(stopped.status != 0)
        #expect(stopped.stderr.contains("\(ragged.path):7: the row has 1 field but the text column is field 2"))
        let skipped = try CLI.run(["finetune", "--model", Self.model, "--train", ragged.path, "--batch-size", "2", "--epochs", "1",
                                   "--skip-bad-rows", "--threads", "1", "--output", dir.appendingPathComponent("o5").path])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stderr.contains("7 records, 7 examples, 0 truncated to 128 tokens, 1 malformed rows skipped"))
        let one = dir.appendingPathComponent("one.csv")
        try "label,text\nneg,the a\nneg,great\n".write(to: one, atomically: true, encoding: .utf8)
        let single = try CLI.run(["finetune", "--model", Self.model, "--train", one.path, "--batch-size", "1", "--output", dir.appendingPathComponent("o3").path])
        #expect(single.stderr.contains("\(one.path): every record has the label 'neg'; a classifier needs at least two classes"))
    }
}

/// Multi-label, sentence pairs, `evaluate`'s JSON and predict over a CSV.
@Suite struct FinetuneTaskTests {
    @Test func multiLabelTrainsAndPredictsLabelLists() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = "label,text\n"
        for i in 0..<24 {
            let tags = [i % 2 == 0 ? "x" : nil, i % 3 == 0 ? "y" : nil].compactMap { $0 }
            let words = (i % 2 == 0 ? ["great", "fun"] : ["the", "a"]) + (i % 3 == 0 ? ["film"] : ["is"])
            text += "\"\(tags.joined(separator: "|"))\",\(words.joined(separator: " "))\n"
        }
        try text.write(to: dir.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let result = try CLI.run(["finetune", "--model", FinetuneCommandTests.model, "--train", dir.appendingPathComponent("train.csv").path,
                                  "--multi-label", "--epochs", "1", "--batch-size", "4", "--threads", "1", "--quiet", "--output", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("config.json"))) as? [String: Any]
        #expect(config?["problem_type"] as? String == "multi_label_classification")
        #expect((config?["id2label"] as? [String: String]) == ["0": "x", "1": "y"])
        let predicted = try CLI.run(["predict", "--model", out.path, "--quiet"], stdin: Data("great fun film\n".utf8))
        let line = try JSONSerialization.jsonObject(with: Data(predicted.stdout)) as? [String: Any]
        #expect(line?["label"] is [String])
        let p = line?["probabilities"] as? [String: Double]
        #expect(p?.keys.sorted() == ["x", "y"])
    }

    @Test func pairsAndEvaluateJSON() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = "label,text,second\n"
        for i in 0..<20 { text += (i % 2 == 0 ? "same,great fun,great fun\n" : "different,great fun,the a is\n") }
        let data = dir.appendingPathComponent("pairs.csv")
        try text.write(to: data, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let trained = try CLI.run(["finetune", "--model", FinetuneCommandTests.model, "--train", data.path, "--text-column", "text",
                                   "--pair-column", "second", "--label-column", "label", "--epochs", "1", "--batch-size", "4",
                                   "--threads", "1", "--quiet", "--output", out.path])
        #expect(trained.status == 0, "\(trained.stderr)")
        let evaluated = try CLI.run(["evaluate", "--model", out.path, "--data", data.path, "--text-column", "text",
                                     "--pair-column", "second", "--quiet"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let object = try JSONSerialization.jsonObject(with: evaluated.stdout) as? [String: Any]
        #expect(object?["examples"] as? Int == 20)
        #expect((object?["labels"] as? [String]) == ["different", "same"])
        let matrix = object?["confusion_matrix"] as? [[Int]]
        #expect(matrix?.flatMap { $0 }.reduce(0, +) == 20)
        #expect((object?["per_class"] as? [String: Any])?.keys.sorted() == ["different", "same"])
        #expect(object?["accuracy"] is Double && object?["macro_f1"] is Double)
        #expect(evaluated.text.hasPrefix("{\"accuracy\":"))
        // An evaluation label the model does not know names file and line.
        let bad = dir.appendingPathComponent("bad.csv")
        try "label,text,second\nsame,a,a\nneither,a,b\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["evaluate", "--model", out.path, "--data", bad.path, "--text-column", "text", "--pair-column", "second", "--quiet"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("\(bad.path):3: label 'neither' does not occur in the training data"))
        // predict reads the same column options: by name or 0-based index, the pair column used, a ragged row
        // (line 3) skipped with --skip-bad-rows and an error without.
        let rows = dir.appendingPathComponent("rows.csv")
        try "label,text,second\nsame,great fun,great fun\nsame\ndifferent,great fun,the a is\n".write(to: rows, atomically: true, encoding: .utf8)
        func predict(_ columns: [String]) throws -> CLI.Result {
            try CLI.run(["predict", "--model", out.path, "--input", rows.path, "--quiet"] + columns)
        }
        let byName = try predict(["--text-column", "text", "--pair-column", "second", "--skip-bad-rows"])
        #expect(byName.status == 0, "\(byName.stderr)")
        #expect(byName.text.split(separator: "\n").count == 2)
        #expect(try predict(["--text-column", "1", "--pair-column", "2", "--skip-bad-rows"]).stdout == byName.stdout)
        #expect(try predict(["--text-column", "text", "--skip-bad-rows"]).stdout != byName.stdout)
        let stopped = try predict(["--text-column", "text", "--pair-column", "second"])
        #expect(stopped.status != 0)
        #expect(stopped.stderr.contains("\(rows.path):3:"), "\(stopped.stderr)")
    }
}
