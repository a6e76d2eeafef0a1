import Foundation
import Testing
@testable import WordPiece

/// `JSONValue.parseObject`'s reasons, which config.json, safetensors headers, tokenizer.json and trainer state
/// files report: byte offsets from the file's first byte (a UTF-8 byte order mark included), 1-based lines and
/// byte columns (from after the mark, as the dataset readers count them), and plain words for an empty text, an
/// unpaired surrogate escape, invalid UTF-8 and a top-level value that is not an object.
@Suite struct JSONValueTests {
    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    @Test(arguments: [
        ([], "not valid JSON: the text is empty"),
        (bom, "not valid JSON: the text is empty"),
        (Array(" \r\n".utf8), "not valid JSON: the text holds only white space (3 bytes), no JSON value"),
        // The x is byte 6 of the text after the mark, byte 9 of the file.
        (bom + Array("{\"a\": x}".utf8), "not valid JSON: invalid value at byte 9 (line 1, column 7)"),
        (bom + Array("{\"a\": 1,\n\"b\": x}".utf8), "not valid JSON: invalid value at byte 17 (line 2, column 6)"),
        // Two-byte letters before the error count as two bytes each.
        (Array("{\"é\": 1,\n \"ü\": x}".utf8), "not valid JSON: invalid value at byte 17 (line 2, column 8)"),
        (Array("{\r\n\"a\": 1,\r\n\"b\": x}".utf8), "not valid JSON: invalid value at byte 17 (line 3, column 6)"),
        ([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], "not valid JSON: invalid UTF-8 at byte 2 (line 1, column 3)"),
        (Array("{\"a\": \"\\ud800\"}".utf8),
         "not valid JSON: a string holds a \\uD800-\\uDBFF escape not followed by its low surrogate (\\uDC00-\\uDFFF)"),
        (Array("{\"a\": \"abc".utf8),
         "not valid JSON: the text ends at byte 10 before the JSON value is complete (a truncated file, or an unclosed string, bracket or literal)"),
        (Array("null".utf8), "not a JSON object but null"),
        (Array(" \"text\"".utf8), "not a JSON object but \"text\""),
        (Array("[1]".utf8), "not a JSON object but an array"),
    ] as [([UInt8], String)])
    func reasonsSayWhatAndWhere(bytes: [UInt8], reason: String) {
        do {
            _ = try JSONValue.parseObject(Data(bytes))
            Issue.record("parsed \(bytes)")
        } catch {
            #expect(error.reason == reason)
        }
    }

    /// Foundation converts a UTF-16 text before parsing: its position is not the file's, and the reason says so.
    @Test func utf16PositionsAreMarkedAsConverted() {
        let bytes = Array("{\"a\": x}".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        do {
            _ = try JSONValue.parseObject(Data(bytes))
            Issue.record("parsed a UTF-16 text with an invalid value")
        } catch {
            #expect(error.reason == "not valid JSON: invalid value around character 6 (a UTF-16 or UTF-32 text: the position counts its UTF-8 conversion)")
        }
        #expect((try? JSONValue.parseObject(Data("{\"a\": 1}".utf8)))?["a"] as? Int == 1)
    }
}
