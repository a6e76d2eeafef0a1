import EncoderTraining
import Foundation
import Testing

/// `ClassifierRecipe(modelDirectory:)` on a Hugging Face folder without bertkit.json: labels from config.json, and
/// a config.json that is missing or not JSON named as such (a syntax error with its byte, line and column).
@Suite struct ClassifierRecipeTests {
    static func folder(config: String?) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recipe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if let config { try config.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8) }
        return dir
    }

    @Test func labelsComeFromConfig() throws {
        let dir = try Self.folder(config: #"{"id2label": {"1": "pos", "0": "neg"}, "max_position_embeddings": 64}"#)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try ClassifierRecipe(modelDirectory: dir) == ClassifierRecipe(labels: ["neg", "pos"], multiLabel: false, maxLength: 64, normalize: nil))
    }

    /// A bertkit.json that is not valid JSON is reported with the byte, line and column where parsing stopped.
    @Test func recipeSyntaxErrorIsPositioned() throws {
        let dir = try Self.folder(config: nil)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{\"labels\": [\"a\", \"b\"],\n \"max_length\": 12 8}".write(toFile: dir + "/bertkit.json", atomically: true, encoding: .utf8)
        #expect(throws: TrainingError.fileError(path: dir + "/bertkit.json", reason:
            "not valid JSON: invalid value at byte 41 (line 2, column 19); fix it, or delete it to fall back to config.json")) {
            try ClassifierRecipe(modelDirectory: dir)
        }
    }

    @Test(arguments: [
        (nil, "missing or unreadable; --model must be a folder written by `bertkit finetune` or a Hugging Face classifier"),
        // Parsing stops at the "e" of neg (read as the start of null).
        ("{\n  \"id2label\": {\"0\": neg}\n}", "not valid JSON: invalid value at byte 23 (line 2, column 22)"),
        ("", "not valid JSON: the text is empty"),
        ("[]", "not a JSON object but an array"),
    ] as [(String?, String)])
    func badConfigIsNamed(config: String?, reason: String) throws {
        let dir = try Self.folder(config: config)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: TrainingError.fileError(path: dir + "/config.json", reason: reason)) {
            try ClassifierRecipe(modelDirectory: dir)
        }
    }
}
