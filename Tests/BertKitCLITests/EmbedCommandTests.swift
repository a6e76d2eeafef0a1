import Foundation
import Testing

/// `bertkit embed` end to end against sentence-transformers-style mean pooling from PyTorch
/// (Fixtures/encoder/embed.json, Scripts/golden/encoder.py): fa/pt/en lines through the real tokenizer.
@Suite struct EmbedCommandTests {
    static let model = CLI.root.appendingPathComponent(".assets/minilm").path
    static let fixtures = CLI.root.appendingPathComponent("Fixtures/encoder")

    static func vectors(_ text: String) throws -> [[Double]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Double])
        }
    }

    @Test func meanPoolingMatchesPyTorch() throws {
        let input = Self.fixtures.appendingPathComponent("embed-input.txt").path
        let r = try CLI.run(["embed", "--model", Self.model, "--input", input, "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("OpenBLAS"), "the kernels in use are reported")
        let got = try Self.vectors(r.text)
        let reference = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("embed.json"))) as? [[Double]])
        #expect(got.count == 3 && got.map(\.count) == [384, 384, 384])
        let error = zip(got.joined(), reference.joined()).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error <= 1e-4, "max abs diff \(error)")
    }

    @Test func normalizeAndClsPooling() throws {
        let stdin = Data("Olá, tudo bem?\n".utf8)
        let normalized = try Self.vectors(try CLI.run(["embed", "--model", Self.model, "--normalize", "--threads", "1"], stdin: stdin).text)
        let norm = normalized[0].reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
        let cls = try Self.vectors(try CLI.run(["embed", "--model", Self.model, "--pooling", "cls", "--threads", "1"], stdin: stdin).text)
        let mean = try Self.vectors(try CLI.run(["embed", "--model", Self.model, "--threads", "1"], stdin: stdin).text)
        #expect(cls[0].count == 384 && cls[0] != mean[0])
    }

    @Test func inconsistentModelFolderNamesFileAndTensor() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        for name in ["model.safetensors", "vocab.txt"] {
            try fm.createSymbolicLink(atPath: dir.appendingPathComponent(name).path, withDestinationPath: Self.model + "/" + name)
        }
        var config = try String(contentsOfFile: Self.model + "/config.json", encoding: .utf8)
        config = config.replacingOccurrences(of: "\"intermediate_size\": 1536", with: "\"intermediate_size\": 1024")
        try config.write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["embed", "--model", dir.path], stdin: Data("hello\n".utf8))
        #expect(r.status != 0)
        #expect(r.stderr.contains("model.safetensors") && r.stderr.contains("encoder.layer.0.intermediate.dense.weight"), "\(r.stderr)")
    }
}
