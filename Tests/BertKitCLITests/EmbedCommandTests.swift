import Foundation
import Testing

/// `bertkit embed` end to end against sentence-transformers-style mean pooling from PyTorch
/// (Fixtures/encoder/embed.json, Scripts/golden/encoder.py): fa/pt/en lines through the real tokenizer, or,
/// with no fetched asset, through the committed tiny random BERT (Fixtures/tiny-bert).
@Suite struct EmbedCommandTests {
    static let model = TestRepository.path(".assets/minilm")
    static let fixtures = CLI.root.appendingPathComponent("Fixtures/encoder")

    static func vectors(_ text: String) throws -> [[Double]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Double])
        }
    }

    /// What the CPUID rule must pick on this machine, from Linux's own reading of the CPU (/proc/cpuinfo flags).
    static var expectedCPUIDCore: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = Set((info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? "").split(separator: " ").map(String.init))
        if flags.isSuperset(of: ["avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx", "avx2", "fma"]) { return "Haswell" }
        return flags.contains("avx") ? "Sandybridge" : flags.contains("sse4_2") ? "Nehalem" : "Prescott"
    }

    /// `--blas-coretype` changes OPENBLAS_CORETYPE before OpenBLAS loads (no re-exec needed); an explicit
    /// OPENBLAS_CORETYPE or core name is obeyed, `auto` and an unset variable take the CPUID choice; every choice gives
    /// the same vectors.
    @Test(.requires(.minilmModel, .minilmVocabulary)) func blasCoretypeIsAppliedAndReported() throws {
        let stdin = Data("Persian ads, Portuguese news, English reviews.\n".utf8)
        func run(_ policy: String, _ variable: String?) throws -> (kernels: String, vector: [Double]) {
            let r = try CLI.run(["embed", "--model", Self.model, "--threads", "1", "--blas-coretype", policy], stdin: stdin,
                                environment: ["OPENBLAS_CORETYPE": variable])
            #expect(r.status == 0, "\(r.stderr)")
            let line = try #require(r.stderr.split(separator: "\n").first { $0.hasPrefix("embed: openblas: ") })
            return (String(line), try #require(try Self.vectors(r.text).first))
        }
        let core = Self.expectedCPUIDCore
        let pinned = try run("env", "Haswell"), named = try run("Haswell", nil), auto = try run("auto", "Haswell"), unset = try run("env", nil)
        let compared = core == "Haswell" ? "" : "; from CPUID it would be \(core)"
        #expect(pinned.kernels.hasPrefix("embed: openblas: Haswell kernels (OpenBLAS "))
        #expect(pinned.kernels.hasSuffix("): OPENBLAS_CORETYPE=Haswell set in the environment (an explicit choice, kept)\(compared)"))
        #expect(named.kernels.hasSuffix("): --blas-coretype Haswell (an explicit choice, kept)\(compared)"))
        #expect(auto.kernels.hasPrefix("embed: openblas: \(core) kernels ("))
        #expect(auto.kernels.contains("): --blas-coretype auto instead of OPENBLAS_CORETYPE=Haswell: from CPUID, "))
        #expect(unset.kernels.contains("\(core) kernels (OpenBLAS ") && unset.kernels.contains("): OPENBLAS_CORETYPE unset: from CPUID, "))
        for other in [named.vector, auto.vector, unset.vector] {
            #expect(zip(pinned.vector, other).map { abs($0 - $1) }.max() ?? 1 < 1e-5)
        }
    }

    /// The report's three lines come first on standard error, in order; --quiet drops them.
    @Test(.requires(.minilmModel, .minilmVocabulary)) func kernelReportLines() throws {
        let r = try CLI.run(["embed", "--model", Self.model, "--threads", "1"], stdin: Data("ok\n".utf8), environment: ["OPENBLAS_CORETYPE": "Haswell"])
        let lines = r.stderr.split(separator: "\n").map(String.init)
        try #require(lines.count >= 4, "\(r.stderr)")
        #expect(lines[0].hasPrefix("embed: cpu: "))
        #expect(lines[0].contains(Self.expectedCPUIDCore == "SkylakeX" ? " AVX2 FMA AVX-512(F DQ BW VL" : " AVX"))
        #expect(lines[1].hasPrefix("embed: openblas: Haswell kernels (OpenBLAS "))
        #expect(lines[2].hasPrefix("embed: encoder kernels: "))
        #expect(lines[3] == "embed: 1 worker thread(s)")
        #expect(!r.stderr.contains("warning"))
        let quiet = try CLI.run(["embed", "--model", Self.model, "--threads", "1", "--quiet"], stdin: Data("ok\n".utf8))
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    /// SSE kernels on a CPU with AVX2 or AVX-512 print a warning, also with --quiet (the user's choice is still obeyed).
    @Test(.requires(.minilmModel, .minilmVocabulary)) func genericKernelsWarn() throws {
        let core = Self.expectedCPUIDCore
        let r = try CLI.run(["embed", "--model", Self.model, "--threads", "1", "--quiet"], stdin: Data("ok\n".utf8),
                            environment: ["OPENBLAS_CORETYPE": "Prescott"])
        #expect(r.status == 0)
        if core == "SkylakeX" || core == "Haswell" {
            let cpu = core == "SkylakeX" ? "AVX-512" : "AVX2"
            #expect(r.stderr == "embed: warning: OpenBLAS runs generic SSE kernels (Prescott) on a CPU with \(cpu): matrix products run several times slower; unset OPENBLAS_CORETYPE or pass --blas-coretype auto (\(core))\n")
        } else {
            #expect(r.stderr.isEmpty)
        }
    }

    /// The encoder's own kernels follow the CPU, not OpenBLAS: with OPENBLAS_CORETYPE=Haswell an AVX-512 CPU still
    /// runs the AVX-512 attention clone; BERTKIT_KERNELS=avx2 forces the AVX2 clones with the same vectors (1e-5);
    /// an unknown value is refused.
    @Test(.requires(.minilmModel, .minilmVocabulary)) func encoderKernelsFollowTheCPUAndTheOverride() throws {
        let stdin = Data("Persian ads, Portuguese news, English reviews.\n".utf8)
        func run(_ kernels: String?) throws -> CLI.Result {
            try CLI.run(["embed", "--model", Self.model, "--threads", "1"], stdin: stdin,
                        environment: ["OPENBLAS_CORETYPE": "Haswell", "BERTKIT_KERNELS": kernels])
        }
        func line(_ r: CLI.Result) -> String? { r.stderr.split(separator: "\n").first { $0.hasPrefix("embed: encoder kernels: ") }.map(String.init) }
        let cpu = try run(nil), avx2 = try run("avx2"), bad = try run("sse")
        #expect(cpu.status == 0 && avx2.status == 0, "\(cpu.stderr)\(avx2.stderr)")
        let widest = Self.expectedCPUIDCore == "SkylakeX" ? "AVX-512" : Self.expectedCPUIDCore == "Haswell" ? "AVX2+FMA" : "baseline"
        #expect(line(cpu) == "embed: encoder kernels: \(widest) (from CPUID)")
        #expect(line(avx2) == "embed: encoder kernels: \(widest == "AVX-512" ? "AVX2+FMA" : widest) (BERTKIT_KERNELS=avx2)")
        let a = try #require(try Self.vectors(cpu.text).first), b = try #require(try Self.vectors(avx2.text).first)
        #expect(zip(a, b).map { abs($0 - $1) }.max() ?? 1 < 1e-5)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("BERTKIT_KERNELS must be avx512, avx2, baseline or unset, not sse"), "\(bad.stderr)")
    }

    /// Lines are encoded in length-sorted padded batches; every batch size must give each line the vector it gets
    /// alone, in input order (batch size 2 also makes consecutive passes change shape, reusing the arena).
    @Test(.requires(.minilmModel, .minilmVocabulary)) func batchingKeepsVectorsAndOrder() throws {
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

    @Test(.requires(.minilmModel, .minilmVocabulary)) func meanPoolingMatchesPyTorch() throws {
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

    /// `--normalize` divides the mean-pooled vector by its L2 norm: same direction as PyTorch's, unit length.
    @Test(.requires(.minilmModel, .minilmVocabulary)) func normalizeGivesTheUnitMeanVector() throws {
        let input = Self.fixtures.appendingPathComponent("embed-input.txt").path
        let r = try CLI.run(["embed", "--model", Self.model, "--input", input, "--normalize", "--threads", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try Self.vectors(r.text)
        let reference = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("embed.json"))) as? [[Double]])
        try #require(got.count == 3 && reference.count == 3)
        for (vector, mean) in zip(got, reference) {
            let norm = mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let error = zip(vector, mean).map { abs($0 - $1 / norm) }.max() ?? .infinity
            #expect(vector.count == 384 && error <= 1e-5, "max abs diff \(error)")
        }
    }

    /// `--pooling cls` is the last hidden state at [CLS] (sentence-transformers' CLS pooling; not BERT's pooler),
    /// checked against PyTorch's `last_hidden_state[:, 0]` for the same sentences (Fixtures/encoder/forward.safetensors,
    /// batch `a`, tolerance 1e-4 as for mean pooling); the pooler output is a different vector.
    @Test(.requires(.minilmModel, .minilmVocabulary)) func clsPoolingIsTheCLSHiddenStateOfPyTorch() throws {
        let input = Self.fixtures.appendingPathComponent("embed-input.txt").path
        let r = try CLI.run(["embed", "--model", Self.model, "--input", input, "--pooling", "cls", "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try Self.vectors(r.text)
        let golden = try Self.float32Tensors(Self.fixtures.appendingPathComponent("forward.safetensors"))
        let (hidden, hiddenShape) = try #require(golden["a.last_hidden_state"])
        let (pooler, _) = try #require(golden["a.pooler_output"])
        try #require(hiddenShape.count == 3 && hiddenShape[0] == 3 && hiddenShape[2] == 384 && got.count == 3)
        let (length, width) = (hiddenShape[1], hiddenShape[2])
        for (b, vector) in got.enumerated() {
            let cls = hidden[(b * length * width)..<(b * length * width + width)].map(Double.init)
            let error = zip(vector, cls).map { abs($0 - $1) }.max() ?? .infinity
            #expect(vector.count == 384 && error <= 1e-4, "sentence \(b + 1): max abs diff \(error) from PyTorch's [CLS] state")
            let fromPooler = zip(vector, pooler[(b * width)..<((b + 1) * width)]).map { abs($0 - Double($1)) }.max() ?? 0
            #expect(fromPooler > 1e-2, "sentence \(b + 1) equals the pooler output")
        }
    }

    /// The committed tiny BERT end to end: mean and [CLS] pooling against PyTorch (Fixtures/tiny-bert/golden).
    @Test(arguments: ["mean", "cls"])
    func tinyModelPoolingMatchesPyTorch(pooling: String) throws {
        let model = TestRepository.path("Fixtures/tiny-bert"), golden = URL(fileURLWithPath: model + "/golden")
        let r = try CLI.run(["embed", "--model", model, "--input", golden.appendingPathComponent("embed-input.txt").path,
                             "--pooling", pooling, "--threads", "2", "--batch-size", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try Self.vectors(r.text)
        var reference: [[Double]]
        if pooling == "mean" {
            reference = try #require(try JSONSerialization.jsonObject(
                with: Data(contentsOf: golden.appendingPathComponent("embed.json"))) as? [[Double]])
        } else {
            let (hidden, shape) = try #require(try Self.float32Tensors(golden.appendingPathComponent("forward.safetensors"))["a.last_hidden_state"])
            try #require(shape.count == 3)
            reference = (0..<shape[0]).map { b in hidden[(b * shape[1] * shape[2])..<(b * shape[1] * shape[2] + shape[2])].map(Double.init) }
        }
        #expect(got.count == 3 && reference.count == 3 && got.allSatisfy { $0.count == 32 })
        let error = zip(got.joined(), reference.joined()).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error <= 1e-4, "max abs diff \(error)")
    }

    /// The F32 tensors of a safetensors file by name (values, shape): 8-byte little-endian header length, JSON
    /// header, then the data (https://github.com/huggingface/safetensors, README "Format").
    static func float32Tensors(_ url: URL) throws -> [String: ([Float], [Int])] {
        let data = try Data(contentsOf: url)
        try #require(data.count >= 8)
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        try #require(8 + headerLength <= data.count)
        let header = try #require(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        let body = data.subdata(in: (8 + headerLength)..<data.count)
        var tensors: [String: ([Float], [Int])] = [:]
        for (name, value) in header {
            guard let entry = value as? [String: Any], entry["dtype"] as? String == "F32",
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2,
                  offsets[0] <= offsets[1], offsets[1] <= body.count else { continue }
            let bytes = body.subdata(in: offsets[0]..<offsets[1])
            let words = [UInt8](bytes)
            var values: [Float] = []
            values.reserveCapacity(words.count / 4)
            for i in stride(from: 0, to: words.count - 3, by: 4) {
                var bits = UInt32(words[i + 3])
                bits = bits << 8 | UInt32(words[i + 2])
                bits = bits << 8 | UInt32(words[i + 1])
                bits = bits << 8 | UInt32(words[i])
                values.append(Float(bitPattern: bits))
            }
            tensors[name] = (values, shape)
        }
        return tensors
    }

    @Test(.requires(.minilmModel, .minilmVocabulary)) func inconsistentModelFolderNamesFileAndTensor() throws {
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
