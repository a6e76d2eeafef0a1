import Foundation
import Testing
@testable import NativeEncoder

/// Header validation and round trips of the safetensors reader/writer.
@Suite struct SafetensorsTests {
    /// Builds a file from a header JSON string and `dataBytes` zero bytes.
    static func file(_ header: String, dataBytes: Int, declaredLength: UInt64? = nil) -> Data {
        var d = Data()
        var n = (declaredLength ?? UInt64(header.utf8.count)).littleEndian
        withUnsafeBytes(of: &n) { d.append(contentsOf: $0) }
        d.append(Data(header.utf8))
        d.append(Data(count: dataBytes))
        return d
    }

    @Test func roundTrip() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rt-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafetensorsWriter.write([.init(name: "b", shape: [2, 3], values: [1, 2, 3, 4, 5, -6.5]),
                                     .init(name: "a", shape: [1], values: [0.25])], to: path)
        let f = try SafetensorsFile(contentsOf: path)
        #expect(try f.floats("b") == [1, 2, 3, 4, 5, -6.5])
        #expect(try f.info("b").shape == [2, 3])
        #expect(try f.floats("a") == [0.25])
    }

    /// Integers from float tensors: truncated when finite and in range; NaN, infinities and values past Int's
    /// range are errors naming the tensor (Int(_:) would trap; found by the safetensors fuzz harness).
    @Test func integersRefuseValuesThatAreNotIntegers() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("int-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafetensorsWriter.write([.init(name: "ok", shape: [3], values: [1.9, -2.5, 0]),
                                     .init(name: "nan", shape: [1], values: [.nan]),
                                     .init(name: "inf", shape: [1], values: [-.infinity]),
                                     .init(name: "big", shape: [1], values: [1e30])], to: path)
        let f = try SafetensorsFile(contentsOf: path)
        #expect(try f.integers("ok") == [1, -2, 0])
        for name in ["nan", "inf", "big"] {
            #expect(throws: NativeEncoderError.self) { try f.integers(name) }
        }
    }

    @Test(arguments: [
        ("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", 8, "outside"),
        ("{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "needs 12 bytes"),
        ("{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 8, "shape"),
        ("[1,2]", 0, "JSON object"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "overlaps"),
        ("{\"t\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", 8, "overflows"),
    ])
    func rejectsBadHeaders(header: String, dataBytes: Int, reason: String) {
        do {
            _ = try SafetensorsFile(data: Self.file(header, dataBytes: dataBytes), path: "x.safetensors")
            Issue.record("accepted a bad header: \(header)")
        } catch let error as NativeEncoderError {
            #expect(error.description.contains("x.safetensors") && error.description.contains(reason), "\(error)")
        } catch { Issue.record("unexpected \(error)") }
    }

    /// A header that is not JSON says where, counting from the header's first byte (byte 8 of the file).
    @Test(arguments: [
        ("{\"t\":\n x}", "its JSON header (9 bytes starting at byte 8 of the file) is not valid JSON: invalid value at byte 7 (line 2, column 2)"),
        ("{\"t\": {\"dtype\"", "its JSON header (14 bytes starting at byte 8 of the file) is not valid JSON: the text ends at byte 14 before the JSON value is complete (a truncated file, or an unclosed string, bracket or literal)"),
        ("[1,2]", "its JSON header (5 bytes starting at byte 8 of the file) is not a JSON object but an array"),
    ])
    func headerSyntaxErrorsSayWhere(header: String, reason: String) {
        #expect(throws: NativeEncoderError.invalidSafetensors(path: "x.safetensors", tensor: nil, reason: reason)) {
            try SafetensorsFile(data: Self.file(header, dataBytes: 0), path: "x.safetensors")
        }
    }

    @Test func rejectsLengthsBeyondTheFileAndUnknownDTypes() {
        #expect(throws: NativeEncoderError.self) {
            try SafetensorsFile(data: Self.file("{}", dataBytes: 0, declaredLength: 1 << 40), path: "x")
        }
        #expect(throws: NativeEncoderError.self) { try SafetensorsFile(data: Data([1, 2, 3]), path: "x") }
        #expect(throws: NativeEncoderError.unsupportedDType(path: "x", tensor: "t", dtype: "Q4")) {
            try SafetensorsFile(data: Self.file("{\"t\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}", dataBytes: 1), path: "x")
        }
    }

    @Test(.requires(.minilmModel)) func checkpointShapesMustMatchTheConfiguration() throws {
        let file = try SafetensorsFile(contentsOf: Paths.model + "/model.safetensors")
        var config = try BertConfiguration(contentsOf: Paths.model + "/config.json")
        config.vocabularySize = 30000
        let encoder = BertEncoder(configuration: config)
        #expect(throws: NativeEncoderError.shapeMismatch(
            path: file.path, tensor: "embeddings.word_embeddings.weight", expected: [30000, 384], found: [30522, 384])) {
            try encoder.load(safetensors: file)
        }
    }

    @Test(.requires(.minilmModel)) func loadsCheckpointsWithTheBertPrefix() throws {
        // Re-save MiniLM under `bert.` names (as BertForMaskedLM checkpoints have), plus an extra head tensor.
        let source = try BertEncoder(directory: Paths.model)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prefixed-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var tensors = source.layout.entries.map { SafetensorsWriter.Tensor(name: "bert." + $0.name, shape: $0.shape, values: source.parameter(named: $0.name)!) }
        tensors.append(.init(name: "cls.predictions.bias", shape: [2], values: [1, 2]))
        try SafetensorsWriter.write(tensors, to: path)
        let copy = BertEncoder(configuration: source.configuration)
        try copy.load(safetensors: SafetensorsFile(contentsOf: path))
        for e in source.layout.entries { #expect(copy.parameter(named: e.name) == source.parameter(named: e.name)) }
    }
}
