import Foundation
import Testing
@testable import NativeEncoder

/// config.json sizes are checked before anything is laid out or allocated (issue 13: huge sizes overflowed in
/// ParameterLayout or allocated tens of GB before model.safetensors was compared with them).
@Suite struct BertConfigurationTests {
    /// A copy of the tiny model's folder with config.json edited; model.safetensors is linked.
    static func folder(replacing field: String, with value: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/model.safetensors", withDestinationPath: Paths.tinyModel + "/model.safetensors")
        let config = try String(contentsOfFile: Paths.tinyModel + "/config.json", encoding: .utf8)
        #expect(config.contains(field))
        try config.replacingOccurrences(of: field, with: value).write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        return dir
    }

    @Test(arguments: [BertConfiguration(), BertConfiguration(vocabularySize: 2854, hiddenSize: 32, layerCount: 2, headCount: 4,
                                                             intermediateSize: 64, maxPositions: 128),
                      BertConfiguration(vocabularySize: 7, hiddenSize: 6, layerCount: 0, headCount: 3, intermediateSize: 5, maxPositions: 3)])
    func checkedParameterCountEqualsTheLayout(configuration: BertConfiguration) {
        #expect(configuration.checkedParameterCount == ParameterLayout(configuration).count)
    }

    @Test(arguments: [("\"vocab_size\": 2854", "\"vocab_size\": 1000000000000000000"),
                      ("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 4611686018427387904"),
                      ("\"hidden_size\": 32", "\"hidden_size\": 4294967296")])
    func sizesPastAddressableAreRefused(field: String, value: String) throws {
        let dir = try Self.folder(replacing: field, with: value)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: NativeEncoderError.invalidConfiguration(
            path: dir + "/config.json", reason: "its sizes describe more parameters than a 64-bit process can address")) {
            try BertConfiguration(contentsOf: dir + "/config.json")
        }
    }

    /// A config.json that is not a JSON object says where the syntax breaks or what the value is.
    @Test(arguments: [
        ("{\n  \"hidden_size\": 32,\n  \"vocab_size\": 3O522\n}", "not valid JSON: invalid value at byte 40 (line 3, column 18)"),
        ("{\"hidden_size\": 3", "not valid JSON: the text ends at byte 17 before the JSON value is complete (a truncated file, or an unclosed string, bracket or literal)"),
        ("[]", "not a JSON object but an array"),
    ])
    func syntaxErrorsSayWhere(text: String, reason: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: NativeEncoderError.invalidConfiguration(path: path, reason: reason)) {
            try BertConfiguration(contentsOf: path)
        }
    }

    @Test func sizesBeyondTheCheckpointAreRefusedBeforeAllocating() throws {
        let dir = try Self.folder(replacing: "\"intermediate_size\": 64", with: "\"intermediate_size\": 1000000000")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try BertEncoder(directory: dir, threads: 1)
            Issue.record("a config describing 130 billion parameters loaded from a 460 KB checkpoint")
        } catch let error as NativeEncoderError {
            guard case let .invalidConfiguration(path, reason) = error else { Issue.record("\(error)"); return }
            #expect(path == dir + "/config.json")
            #expect(reason.hasPrefix("its sizes describe 130000105376 parameters (at least 260000210752 bytes) but "), "\(reason)")
            #expect(reason.hasSuffix("holds 454784 bytes of tensors; the config and weights do not belong together"), "\(reason)")
        }
    }
}
