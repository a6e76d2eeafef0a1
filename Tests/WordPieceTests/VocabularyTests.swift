import Foundation
import Testing
@testable import WordPiece

@Suite struct VocabularyTests {
    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8], name: String = "vocab.txt") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func loadsTokensInLineOrderAndTrimsCarriageReturns() throws {
        let path = try Self.temporaryFile(Array("[PAD]\r\n[UNK]\nhello\n##lo\n".utf8))
        let vocab = try Vocabulary(contentsOf: path)
        #expect(vocab.tokens == ["[PAD]", "[UNK]", "hello", "##lo"])
        #expect(vocab.unknownID == 1)
        #expect(vocab.id(of: "##lo") == 3)
        #expect(vocab.token(of: 2) == "hello")
        #expect(vocab.token(of: 4) == nil)
    }

    /// A copy with another word-length limit keeps everything else, and the limit takes effect.
    @Test func withMaxInputCharsPerWordChangesOnlyTheLimit() throws {
        let vocab = try Vocabulary(tokens: ["[UNK]", "a", "##a"], unknownToken: "[UNK]", maxInputCharsPerWord: 3)
        let longer = vocab.withMaxInputCharsPerWord(5)
        #expect(longer.maxInputCharsPerWord == 5 && vocab.maxInputCharsPerWord == 3)
        #expect(longer.tokens == vocab.tokens && longer.unknownID == 0 && longer.id(of: "##a") == 2)
        #expect(WordPieceTokenizer(vocabulary: vocab).tokenIDs("aaaa") == [0])
        #expect(WordPieceTokenizer(vocabulary: longer).tokenIDs("aaaa") == [1, 2, 2, 2])
    }

    /// tokenizer.json numbers are taken exactly or refused: fractional or huge ids and a negative, fractional or
    /// 1e30 max_input_chars_per_word used to be truncated or clamped silently (issue 13).
    @Test(arguments: [
        (#""[UNK]": 0, "a": 1.5"#, #"max_input_chars_per_word": 100"#, "id of 'a' is 1.5, not a whole number"),
        (#""[UNK]": 0, "a": 1e30"#, #"max_input_chars_per_word": 100"#, "id of 'a' is 1e+30, not a whole number"),
        (#""[UNK]": 0, "a": 1"#, #"max_input_chars_per_word": -1"#, "max_input_chars_per_word is -1; it must be a whole number from 0 to 2147483647"),
        (#""[UNK]": 0, "a": 1"#, #"max_input_chars_per_word": 2.5"#, "max_input_chars_per_word is 2.5; it must be a whole number from 0 to 2147483647"),
        (#""[UNK]": 0, "a": 1"#, #"max_input_chars_per_word": 1e30"#, "max_input_chars_per_word is 1e+30; it must be a whole number from 0 to 2147483647"),
    ])
    func tokenizerJSONNumbersAreExact(vocab: String, setting: String, reason: String) throws {
        let json = #"{"model": {"type": "WordPiece", "vocab": {"# + vocab + "}, " + "\"" + setting + "}}"
        let path = try Self.temporaryFile(Array(json.utf8), name: "tokenizer.json")
        do {
            _ = try Vocabulary(tokenizerJSON: path)
            Issue.record("accepted \(json)")
        } catch let error as VocabularyError {
            guard case let .invalidTokenizerJSON(errorPath, errorReason) = error else { Issue.record("\(error)"); return }
            #expect(errorPath == path)
            #expect(errorReason == reason)
        }
        let good = #"{"model": {"type": "WordPiece", "vocab": {"[UNK]": 0, "a": 1}, "max_input_chars_per_word": 7}}"#
        let vocabulary = try Vocabulary(tokenizerJSON: try Self.temporaryFile(Array(good.utf8), name: "tokenizer.json"))
        #expect(vocabulary.maxInputCharsPerWord == 7 && vocabulary.tokens == ["[UNK]", "a"])
    }

    @Test func rejectsDuplicateWithBothLines() throws {
        let path = try Self.temporaryFile(Array("[UNK]\na\nb\na\n".utf8))
        #expect(throws: VocabularyError.duplicateToken(path: path, token: "a", line: 4, firstLine: 2)) {
            try Vocabulary(contentsOf: path)
        }
    }

    @Test func rejectsMissingUnknownEmptyFileAndEmptyLine() throws {
        let noUnk = try Self.temporaryFile(Array("a\nb\n".utf8))
        #expect(throws: VocabularyError.missingUnknownToken(path: noUnk, token: "[UNK]")) { try Vocabulary(contentsOf: noUnk) }
        let empty = try Self.temporaryFile([])
        #expect(throws: VocabularyError.empty(path: empty)) { try Vocabulary(contentsOf: empty) }
        let blank = try Self.temporaryFile(Array("[UNK]\n\nb\n".utf8))
        #expect(throws: VocabularyError.emptyToken(path: blank, line: 2)) { try Vocabulary(contentsOf: blank) }
    }

    @Test func rejectsInvalidUTF8WithLineAndOffset() throws {
        let path = try Self.temporaryFile(Array("[UNK]\nab".utf8) + [0xC3, 0x28] + Array("\n".utf8))
        #expect(throws: VocabularyError.invalidUTF8(path: path, line: 2, byteOffset: 8)) { try Vocabulary(contentsOf: path) }
    }

    @Test func unreadablePathIsAnError() {
        #expect(throws: VocabularyError.unreadable(path: "/nonexistent/vocab.txt", reason: "no such file")) {
            try Vocabulary(contentsOf: "/nonexistent/vocab.txt")
        }
    }

    @Test func loadsTokenizerJSONWordPieceModel() throws {
        let json = ###"{"model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":50,"vocab":{"[UNK]":0,"hi":1,"##s":2}}}"###
        let path = try Self.temporaryFile(Array(json.utf8), name: "tokenizer.json")
        let vocab = try Vocabulary(tokenizerJSON: path)
        #expect(vocab.tokens == ["[UNK]", "hi", "##s"])
        #expect(vocab.maxInputCharsPerWord == 50)
        let gap = #"{"model":{"type":"WordPiece","vocab":{"[UNK]":0,"hi":2}}}"#
        let gapPath = try Self.temporaryFile(Array(gap.utf8), name: "tokenizer.json")
        #expect(throws: VocabularyError.self) { try Vocabulary(tokenizerJSON: gapPath) }
        let bpe = #"{"model":{"type":"BPE","vocab":{}}}"#
        let bpePath = try Self.temporaryFile(Array(bpe.utf8), name: "tokenizer.json")
        #expect(throws: VocabularyError.invalidTokenizerJSON(path: bpePath, reason: "model type is \"BPE\", expected \"WordPiece\"")) {
            try Vocabulary(tokenizerJSON: bpePath)
        }
    }
}
