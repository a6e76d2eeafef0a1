import Foundation
import Testing

/// `bertkit pretraining-data --reference google` end to end: the JSONL output is byte for byte the dump of the
/// TFRecords Google's own script wrote (Fixtures/pretraining/golden, Scripts/golden/generate-pretraining.py),
/// TFRecord files are dealt round-robin, and errors name the option, file and line.
@Suite(.requires(.minilmVocabulary)) struct PretrainingDataCommandTests {
    static let input = CLI.root.appendingPathComponent("Fixtures/pretraining/input.txt").path
    static func golden(_ name: String) -> URL { CLI.root.appendingPathComponent("Fixtures/pretraining/golden/\(name).jsonl") }

    static func run(_ options: [String]) throws -> CLI.Result {
        try CLI.run(["pretraining-data", "--vocab", CLI.vocab, "--reference", "google"] + options)
    }

    /// The flags of golden/VERSIONS.txt, in bertkit's spelling.
    @Test(arguments: [
        ("seed12345-128-20", ["--dupe-factor", "2"]),
        ("seed7-32-5", ["--seed", "7", "--max-seq-length", "32", "--max-predictions-per-seq", "5", "--dupe-factor", "2", "--masked-lm-prob", "0.2", "--short-seq-prob", "0.3"]),
        ("seed2024-48-8-cased", ["--seed", "2024", "--max-seq-length", "48", "--max-predictions-per-seq", "8", "--dupe-factor", "2", "--cased"]),
        ("wwm-seed7-32-5", ["--seed", "7", "--max-seq-length", "32", "--max-predictions-per-seq", "5", "--dupe-factor", "2", "--masked-lm-prob", "0.2", "--short-seq-prob", "0.3", "--whole-word-mask"]),
    ])
    func jsonlEqualsGooglesRecords(_ name: String, _ flags: [String]) throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.jsonl").path
        let r = try Self.run(["--input", Self.input, "--output", out, "--format", "jsonl", "--quiet"] + flags)
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        let ours = try Data(contentsOf: URL(fileURLWithPath: out))
        let theirs = try Data(contentsOf: Self.golden(name))
        #expect(ours == theirs, "\(name): bertkit's JSONL differs from Google's records")
    }

    /// Splits TFRecord framing (uint64 length, 4-byte CRC, data, 4-byte CRC) into the records' bytes.
    static func records(_ data: Data) throws -> [Data] {
        let bytes = [UInt8](data)
        var records: [Data] = []
        var i = 0
        while i < bytes.count {
            try #require(i + 12 <= bytes.count)
            var length = 0
            for k in 0..<8 { length |= Int(bytes[i + k]) << (8 * k) }
            try #require(i + 16 + length <= bytes.count)
            records.append(Data(bytes[(i + 12)..<(i + 12 + length)]))
            i += 16 + length
        }
        return records
    }

    /// Two output files get records 1, 3, 5, … and 2, 4, 6, … of the one-file output, as Google's writer deals them;
    /// the summary counts documents and instances.
    @Test func tfrecordFilesAreDealtRoundRobin() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = dir.appendingPathComponent("all.tfrecord").path
        let a = dir.appendingPathComponent("a.tfrecord").path, b = dir.appendingPathComponent("b.tfrecord").path
        let r1 = try Self.run(["--input", Self.input, "--output", one, "--dupe-factor", "2"])
        #expect(r1.status == 0, "\(r1.stderr)")
        #expect(r1.stderr.hasPrefix("pretraining-data: 11 documents, 216 sentences, 4305 tokens, 110 instances written to 1 file(s), "), "\(r1.stderr)")
        let r2 = try Self.run(["--input", Self.input, "--output", "\(a),\(b)", "--dupe-factor", "2", "--quiet"])
        #expect(r2.status == 0, "\(r2.stderr)")
        let all = try Self.records(Data(contentsOf: URL(fileURLWithPath: one)))
        let first = try Self.records(Data(contentsOf: URL(fileURLWithPath: a)))
        let second = try Self.records(Data(contentsOf: URL(fileURLWithPath: b)))
        #expect(all.count == 110 && first.count == 55 && second.count == 55)
        #expect(first == all.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        #expect(second == all.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
    }

    /// A folder argument reads its files in name order: the same documents as the files given one by one.
    @Test func folderInputReadsFilesInNameOrder() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOfFile: Self.input, encoding: .utf8)
        let documents = text.components(separatedBy: "\n\n")
        let folder = dir.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Each file ends with a blank line, so documents do not run from one file into the next.
        try (documents[..<5].joined(separator: "\n\n") + "\n\n").write(to: folder.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        try documents[5...].joined(separator: "\n\n").write(to: folder.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.jsonl").path
        let r = try Self.run(["--input", folder.path, "--output", out, "--format", "jsonl", "--dupe-factor", "2", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Data(contentsOf: Self.golden("seed12345-128-20")))
    }

    /// --split-sentences cuts each line (a paragraph) into ICU sentences: 6 sentences instead of 3 lines.
    @Test func splitSentencesCutsParagraphs() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("paragraphs.txt")
        try Data("First one here. Second one? Third.\nFourth here.\n\nFifth of them. Sixth!\n".utf8).write(to: input)
        let out = dir.appendingPathComponent("out.jsonl").path
        for (flags, sentences) in [([String](), 3), (["--split-sentences"], 6)] {
            let r = try Self.run(["--input", input.path, "--output", out, "--format", "jsonl", "--dupe-factor", "1"] + flags)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.hasPrefix("pretraining-data: 2 documents, \(sentences) sentences, "), "\(r.stderr)")
        }
    }

    /// Without --reference the input streams: the run is deterministic, its summary says so, and 1 thread writes
    /// the bytes 2 threads write.
    @Test func streamingModeIsDeterministic() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.jsonl").path, b = dir.appendingPathComponent("b.jsonl").path
        let r1 = try CLI.run(["pretraining-data", "--vocab", CLI.vocab, "--input", Self.input, "--output", a, "--format", "jsonl", "--dupe-factor", "3", "--threads", "1"])
        #expect(r1.status == 0, "\(r1.stderr)")
        #expect(r1.stderr.hasPrefix("pretraining-data: 11 documents, 216 sentences, 4305 tokens, "), "\(r1.stderr)")
        #expect(r1.stderr.hasSuffix(" MB/s, streaming\n"), "\(r1.stderr)")
        let r2 = try CLI.run(["pretraining-data", "--vocab", CLI.vocab, "--input", Self.input, "--output", b, "--format", "jsonl", "--dupe-factor", "3", "--quiet", "--threads", "2"])
        #expect(r2.status == 0 && r2.stderr.isEmpty)
        let first = try Data(contentsOf: URL(fileURLWithPath: a)), second = try Data(contentsOf: URL(fileURLWithPath: b))
        #expect(first == second)
        #expect(first.split(separator: UInt8(ascii: "\n")).count > 150)
    }

    /// Three processes with --shard-index write byte for byte the three files one process with --shards 3
    /// writes; together they hold every document's instances once (as many as one unsharded run makes).
    @Test func shardsFromSeparateProcessesEqualOneProcess() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = ["pretraining-data", "--vocab", CLI.vocab, "--input", Self.input, "--format", "jsonl", "--dupe-factor", "2", "--quiet"]
        let together = dir.appendingPathComponent("all/train.jsonl")
        try FileManager.default.createDirectory(at: together.deletingLastPathComponent(), withIntermediateDirectories: true)
        let r = try CLI.run(base + ["--output", together.path, "--shards", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        var lines = 0
        for i in 0..<3 {
            let apart = dir.appendingPathComponent("shard\(i)/train.jsonl")
            try FileManager.default.createDirectory(at: apart.deletingLastPathComponent(), withIntermediateDirectories: true)
            let ri = try CLI.run(base + ["--output", apart.path, "--shards", "3", "--shard-index", String(i)])
            #expect(ri.status == 0, "\(ri.stderr)")
            let name = "train-0000\(i)-of-00003.jsonl"
            let one = try Data(contentsOf: together.deletingLastPathComponent().appendingPathComponent(name))
            let other = try Data(contentsOf: apart.deletingLastPathComponent().appendingPathComponent(name))
            #expect(one == other && !one.isEmpty, "shard \(i)")
            lines += one.split(separator: UInt8(ascii: "\n")).count
        }
        let whole = dir.appendingPathComponent("whole.jsonl")
        #expect(try CLI.run(base + ["--output", whole.path]).status == 0)
        let unsharded = try Data(contentsOf: whole).split(separator: UInt8(ascii: "\n")).count
        #expect(abs(lines - unsharded) * 10 < unsharded, "sharded \(lines) vs unsharded \(unsharded) instances")
        let bad = try CLI.run(base + ["--output", whole.path, "--shards", "3", "--shard-index", "3"])
        #expect(bad.stderr.hasPrefix("Error: --shard-index must be in 0..<3, got 3\n"))
    }

    /// --no-nsp packs full sentences: one segment, label 0 everywhere; 1 thread writes what 2 threads write.
    @Test func noNspPacksFullSentences() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var outputs: [Data] = []
        for threads in ["1", "2"] {
            let out = dir.appendingPathComponent("nsp\(threads).jsonl").path
            let r = try CLI.run(["pretraining-data", "--vocab", CLI.vocab, "--input", Self.input, "--output", out, "--format", "jsonl", "--no-nsp", "--dupe-factor", "2", "--quiet", "--threads", threads])
            #expect(r.status == 0, "\(r.stderr)")
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: out)))
        }
        #expect(outputs[0] == outputs[1])
        let text = String(decoding: outputs[0], as: UTF8.self)
        #expect(!text.isEmpty && !text.contains("\"next_sentence_labels\":[1]"))
        for line in text.split(separator: "\n") {
            #expect(line.hasSuffix("\"next_sentence_labels\":[0]}"))
            let segments = line.components(separatedBy: "\"segment_ids\":[")[1].components(separatedBy: "]")[0]
            #expect(!segments.contains("1"))
        }
        let refused = try CLI.run(["pretraining-data", "--vocab", CLI.vocab, "--input", Self.input, "--output", "/dev/null", "--no-nsp", "--reference", "google"])
        #expect(refused.stderr.hasPrefix("Error: --no-nsp applies to the streaming mode; Google's script has no such option (drop --reference google)\n"))
    }

    @Test func invalidUTF8NamesFileLineAndOffsetAndKeepsTheOldOutput() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.txt")
        try Data("one sentence.\nanother one.\n\nthird \u{E9}".utf8 + [0xFF, 0x0A]).write(to: bad)
        let out = dir.appendingPathComponent("out.tfrecord")
        try Data("previous".utf8).write(to: out)
        for mode in [["--reference", "google"], []] {
            let r = try CLI.run(["pretraining-data", "--vocab", CLI.vocab, "--input", bad.path, "--output", out.path] + mode)
            #expect(r.status != 0)
            #expect(r.stderr == "Error: \(bad.path):4: invalid UTF-8 at byte offset 36 of the file; convert the file to UTF-8\n")
            #expect(try Data(contentsOf: out) == Data("previous".utf8))
        }
    }

    @Test func optionErrorsSayWhatToDo() throws {
        let base = ["pretraining-data", "--vocab", CLI.vocab, "--input", Self.input, "--output", "/dev/null"]
        let reference = try CLI.run(base + ["--reference", "bert"])
        #expect(reference.stderr.hasPrefix("Error: --reference takes google, got bert\n"))
        let short = try CLI.run(base + ["--reference", "google", "--max-seq-length", "4"])
        #expect(short.status == 1)
        #expect(short.stderr == "Error: --max-seq-length must be at least 5 ([CLS], [SEP], [SEP] and one token per segment), got 4\n")
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let blank = dir.appendingPathComponent("blank.txt")
        try Data("\n  \n\u{3000}\n".utf8).write(to: blank)  // Python's strip() empties all three lines
        let empty = try CLI.run(["pretraining-data", "--vocab", CLI.vocab, "--input", blank.path, "--output", "/dev/null", "--reference", "google"])
        #expect(empty.status == 1)
        #expect(empty.stderr == "Error: no document with any token in \(blank.path); give one sentence per line, a blank line between documents\n")
        let missing = try CLI.run(["pretraining-data", "--vocab", CLI.vocab, "--input", dir.appendingPathComponent("nope.txt").path, "--output", "/dev/null", "--reference", "google"])
        #expect(missing.stderr == "Error: \(dir.appendingPathComponent("nope.txt").path): cannot read the input (no such file or folder)\n")
    }
}
