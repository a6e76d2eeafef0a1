import Foundation
import Testing

/// `bertkit embed` end to end against sentence-transformers-style mean pooling from PyTorch
/// (Fixtures/encoder/embed.json, Scripts/golden/encoder.py): fa/pt/en lines through the real tokenizer.
@Suite(.requires(.minilmModel, .minilmVocabulary)) struct EmbedCommandTests {
    static let model = TestRepository.path(".assets/minilm")
    static let fixtures = CLI.root.appendingPathComponent("Fixtures/encoder")

    static func vectors(_ text: String) throws -> [[Double]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Double])
        }
    }

    /// `--blas-coretype` changes OPENBLAS_CORETYPE before OpenBLAS loads (no re-exec needed), the encoder's own
    /// kernels follow OpenBLAS's instruction set, and every choice gives the same vectors.
    @Test func blasCoretypeIsAppliedAndReported() throws {
        let stdin = Data("Persian ads, Portuguese news, English reviews.\n".utf8)
        func run(_ policy: String, _ variable: String?) throws -> (kernels: String, vector: [Double]) {
            let r = try CLI.run(["embed", "--model", Self.model, "--threads", "1", "--blas-coretype", policy], stdin: stdin,
                                environment: ["OPENBLAS_CORETYPE": variable])
            #expect(r.status == 0, "\(r.stderr)")
            let line = try #require(r.stderr.split(separator: "\n").first { $0.hasPrefix("embed: OpenBLAS ") })
            return (String(line), try #require(try Self.vectors(r.text).first))
        }
        let pinned = try run("env", "Haswell"), named = try run("Haswell", nil), detected = try run("auto", "Haswell")
        #expect(pinned.kernels.contains("OpenBLAS Haswell (OPENBLAS_CORETYPE=Haswell, --blas-coretype env); encoder kernels AVX2+FMA"))
        #expect(named.kernels.contains("OpenBLAS Haswell (OPENBLAS_CORETYPE=Haswell, --blas-coretype Haswell); encoder kernels AVX2+FMA"))
        #expect(detected.kernels.contains("(OPENBLAS_CORETYPE unset, --blas-coretype auto)"))
        let avx512Core = ["SkylakeX", "Cooperlake", "SapphireRapids"].contains { detected.kernels.contains("OpenBLAS \($0) (") }
        #expect(detected.kernels.hasSuffix(avx512Core ? "encoder kernels AVX-512, 1 worker thread(s)" : "encoder kernels AVX2+FMA, 1 worker thread(s)"))
        for other in [named.vector, detected.vector] {
            #expect(zip(pinned.vector, other).map { abs($0 - $1) }.max() ?? 1 < 1e-5)
        }
    }

    /// Lines are encoded in length-sorted padded batches; every batch size must give each line the vector it gets
    /// alone, in input order (batch size 2 also makes consecutive passes change shape, reusing the arena).
    @Test func batchingKeepsVectorsAndOrder() throws {
        let input = try String(contentsOf: Self.fixtures.appendingPathComponent("embed-input.txt"), encoding: .utf8)
        let lines = input + "ok\n" + String(repeating: "a much longer line about Persian ads and Portuguese news ", count: 12)
            + "\nshort one\n"
        let stdin = Data(lines.utf8)
        let alone = try Self.vectors(try CLI.run(["embed", "--model", Self.model, "--threads", "1", "--batch-size", "1"], stdin: stdin).text)
        #expect(alone.count == 6)
        for size in ["2", "32"] {
            let batched = try Self.vectors(try CLI.run(["embed", "--model", Self.model, "--threads", "2", "--batch-size", size], stdin: stdin).text)
            #expect(batched.count == alone.count)
            let error = zip(alone, batched).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? 1
            #expect(error < 1e-5, "batch size \(size): max abs diff \(error)")
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
