import Foundation
import Testing
@testable import InputEncoding

/// tokenizer.json settings of the wrong kind or size (issue 13, found by the tokenizer-json fuzzing harness):
/// each is refused with the field named; they used to trap converting to Int32 (a type_id or id past 2^31),
/// be dropped silently (`1e30` or `true` where an integer belongs) or allocate without bound (fixed padding).
@Suite struct TokenizerJSONBadInputTests {
    static let model = #""model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "a": 3}}"#

    static func file(_ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-tokjson-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("tokenizer.json")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func template(_ cls: String) -> String {
        #""post_processor": {"type": "TemplateProcessing", "single": [\#(cls), {"Sequence": {"id": "A", "type_id": 0}}], "pair": [{"Sequence": {"id": "A", "type_id": 0}}], "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [1], "tokens": ["[CLS]"]}}}"#
    }

    @Test(arguments: [
        (template(#"{"SpecialToken": {"id": "[CLS]", "type_id": 4294967296}}"#),
         "post_processor.single type_id of [CLS] is 4294967296; it must be a whole number from 0 to 2147483647"),
        (template(#"{"SpecialToken": {"id": "[CLS]", "type_id": 1e30}}"#),
         "post_processor.single type_id of [CLS] is 1e+30; it must be a whole number from 0 to 2147483647"),
        (#""post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}], "pair": [], "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [99999999999], "tokens": ["[CLS]"]}}}"#,
         "post_processor.special_tokens id of [CLS] is 99999999999; it must be a whole number from 0 to 3"),
        (#""post_processor": {"type": "BertProcessing", "cls": ["[CLS]", true], "sep": ["[SEP]", 2]}"#,
         "post_processor.cls id is true; it must be a whole number from 0 to 3"),
        (#""truncation": {"max_length": -1, "strategy": "LongestFirst", "stride": 0, "direction": "Right"}"#,
         "truncation.max_length is -1; it must be a whole number from 0 to 2147483647"),
        (#""truncation": {"max_length": 8, "strategy": "LongestFirst", "stride": 2.5, "direction": "Right"}"#,
         "truncation.stride is 2.5; it must be a whole number from 0 to 2147483647"),
        (#""padding": {"strategy": {"Fixed": 1000000000000}, "direction": "Right", "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"}"#,
         "padding.strategy.Fixed is 1000000000000; it must be a whole number from 0 to 1048576"),
        (#""padding": {"strategy": "BatchLongest", "pad_to_multiple_of": 1e12, "pad_id": 0}"#,
         "padding.pad_to_multiple_of is 1000000000000.0; it must be a whole number from 0 to 1048576"),
        (#""padding": {"strategy": "BatchLongest", "pad_id": 4294967296}"#,
         "padding.pad_id is 4294967296; it must be a whole number from 0 to 3"),
    ])
    func settingsOfTheWrongKindAreRefused(setting: String, reason: String) throws {
        let path = try Self.file("{" + Self.model + ", " + setting + "}")
        #expect(throws: EncodingError.invalidTokenizerFile(path: path, reason: reason)) { try Tokenizer(tokenizerJSON: path) }
    }

    /// The same settings with sane values load, so the checks above are not refusing everything.
    @Test func saneSettingsLoad() throws {
        let settings = [
            Self.template(#"{"SpecialToken": {"id": "[CLS]", "type_id": 0}}"#),
            #""truncation": {"max_length": 8, "strategy": "LongestFirst", "stride": 2, "direction": "Right"}"#,
            #""padding": {"strategy": {"Fixed": 12}, "pad_to_multiple_of": null, "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"}"#,
        ]
        let tokenizer = try Tokenizer(tokenizerJSON: try Self.file("{" + Self.model + ", " + settings.joined(separator: ", ") + "}"))
        #expect(tokenizer.truncation?.maxLength == 8 && tokenizer.truncation?.stride == 2)
        #expect(try tokenizer.encode("a a").ids == [1, 3, 3] + [Int32](repeating: 0, count: 9))
    }

    /// A truncated file used to be "is not a JSON object", saying nothing of where.
    @Test func truncatedFileSaysWhereItEnds() throws {
        let text = "{" + Self.model + "}"
        let path = try Self.file(String(text.prefix(50)))
        #expect(throws: EncodingError.invalidTokenizerFile(path: path, reason:
            "is not valid JSON: the text ends at byte 50 before the JSON value is complete (a truncated file, or an unclosed string, bracket or literal)")) {
            try Tokenizer(tokenizerJSON: path)
        }
    }
}
