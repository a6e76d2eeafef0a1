import Foundation
import Testing
import WordPiece
@testable import InputEncoding

/// `tokenizer.json` in both directions: what BertKit saves is committed byte for byte
/// (Fixtures/encoding/saved, which Scripts/golden/check-tokenizer-json.py loads in HF `tokenizers` 0.23.3
/// and finds identical to HF's own BERT tokenizers), loads back into BertKit unchanged, and HF's own
/// published file loads into BertKit, cased or uncased.
///
/// To rewrite the committed files after an intended change to `tokenizerJSON()`, run this suite with
/// `BERTKIT_WRITE_FIXTURES=1` in the environment (the byte comparison then writes instead of comparing),
/// then rerun the Python check and update Fixtures/encoding/saved/README.md with its output.
@Suite(.requires(.minilmVocabulary))
struct TokenizerJSONTests {
    static let savedFolder = Repo.path("Fixtures/encoding/saved")
    static let hfJSON = TestAsset.minilmTokenizerJSON.path

    /// The tokenizers the committed files were saved from, by file name.
    static func original(_ name: String) throws -> Tokenizer {
        let vocabulary = try Repo.realVocabulary()
        switch name {
        case "uncased":
            return try Tokenizer(wordPiece: WordPieceTokenizer(vocabulary: vocabulary))
        case "cased-trunc-pad":
            var tokenizer = try Tokenizer(wordPiece: WordPieceTokenizer(vocabulary: vocabulary, configuration: .cased))
            // Left truncation with a stride (several overflowing windows per long input) and left padding
            // to a multiple of 8: the settings most likely to be saved or read wrong.
            tokenizer.truncation = Truncation(maxLength: 48, strategy: .longestFirst, side: .left, stride: 8)
            tokenizer.padding = tokenizer.padding(.longest, multiple: 8, side: .left)
            return tokenizer
        default:
            throw EncodingError.invalidTokenizerFile(path: name, reason: "is not a saved fixture name")
        }
    }

    /// Real Persian, Portuguese and English lines, singly and in pairs, and one long pair (overflowing).
    static func sampleInputs() throws -> [(text: String, pair: String?)] {
        var lines: [String] = []
        for corpus in ["fa-chatterbot", "pt-chatterbot", "en-rotten-tomatoes"] {
            let text = try String(contentsOfFile: Repo.path(".assets/text/\(corpus).txt"), encoding: .utf8)
            lines += text.split(separator: "\n").prefix(4).map(String.init)
        }
        var inputs: [(text: String, pair: String?)] = lines.map { ($0, nil) }
        for k in stride(from: 0, to: lines.count - 1, by: 2) { inputs.append((lines[k], lines[k + 1])) }
        inputs.append((lines.joined(separator: " "), lines.reversed().joined(separator: " ")))
        inputs += [("Hello, World! [MASK] café naïve", nil), ("", "only the pair"), ("می\u{200C}خواهم", "ação")]
        return inputs
    }

    @Test(arguments: ["uncased", "cased-trunc-pad"])
    func savedTextEqualsTheCommittedFile(name: String) throws {
        let text = try Self.original(name).tokenizerJSON()
        let path = Self.savedFolder + "/\(name).tokenizer.json"
        if ProcessInfo.processInfo.environment["BERTKIT_WRITE_FIXTURES"] == "1" {
            try FileManager.default.createDirectory(atPath: Self.savedFolder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return
        }
        let committed = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(committed == Data(text.utf8), "\(path) differs from tokenizerJSON(); see this file's header to rewrite it")
    }

    @Test(.requires(.corpusText), arguments: ["uncased", "cased-trunc-pad"])
    func savedFileLoadsBackWithTheSameSettingsAndEncodings(name: String) throws {
        let original = try Self.original(name)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("tokenizer.json").path
        try original.save(tokenizerJSON: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(original.tokenizerJSON().utf8))

        let loaded = try Tokenizer(tokenizerJSON: path)
        #expect(loaded.vocabulary.tokens == original.vocabulary.tokens)
        #expect(loaded.vocabulary.unknownToken == original.vocabulary.unknownToken)
        #expect(loaded.vocabulary.continuingSubwordPrefix == original.vocabulary.continuingSubwordPrefix)
        #expect(loaded.vocabulary.maxInputCharsPerWord == original.vocabulary.maxInputCharsPerWord)
        let a = loaded.wordPiece.configuration, b = original.wordPiece.configuration
        #expect(a.lowercase == b.lowercase)
        #expect(a.stripAccents == b.stripAccents)
        #expect(a.handleChineseCharacters == b.handleChineseCharacters)
        #expect(a.cleanText == b.cleanText)
        // added_tokens are saved in id order, so only the set survives (the order never matters: the longest
        // special token is matched first).
        #expect(Set(a.specialTokens) == Set(b.specialTokens))
        #expect(loaded.template == original.template)
        #expect(loaded.truncation == original.truncation)
        #expect(loaded.padding == original.padding)
        #expect(loaded.decoder == original.decoder)
        // Saving what was loaded gives the same text again.
        #expect(loaded.tokenizerJSON() == original.tokenizerJSON())

        let inputs = try Self.sampleInputs()
        for input in inputs {
            let expected = try original.encode(input.text, pair: input.pair)
            #expect(!expected.ids.isEmpty)
            #expect(try loaded.encode(input.text, pair: input.pair) == expected, "\(input)")
        }
        #expect(try loaded.encode(batch: inputs) == original.encode(batch: inputs))
        if name == "cased-trunc-pad" {
            // The long pair really overflows and is padded on the left, so those settings were exercised.
            let long = try original.encode(inputs[inputs.count - 4].text, pair: inputs[inputs.count - 4].pair)
            #expect(long.overflowing.count > 1)
            let short = try original.encode("a b c")
            #expect(short.ids == [0, 0, 0, 101, 1037, 1038, 1039, 102])
        }
    }

    @Test(.requires(.minilmTokenizerJSON)) func hfTokenizerJSONLoadsWithItsSettings() throws {
        let tokenizer = try Tokenizer(tokenizerJSON: Self.hfJSON)
        #expect(tokenizer.truncation == Truncation(maxLength: 128, strategy: .longestFirst, side: .right, stride: 0))
        #expect(tokenizer.padding == Padding(length: .fixed(128), multiple: nil, side: .right, padID: 0, padTypeID: 0, padToken: "[PAD]"))
        #expect(tokenizer.template == .bert(cls: ("[CLS]", 101), sep: ("[SEP]", 102)))
        #expect(tokenizer.decoder == WordPieceDecoder(prefix: "##", cleanup: true))
        let configuration = tokenizer.wordPiece.configuration
        #expect(configuration.lowercase)
        #expect(configuration.stripAccents == nil)
        #expect(configuration.handleChineseCharacters)
        #expect(configuration.cleanText)
        #expect(Set(configuration.specialTokens) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        #expect(tokenizer.vocabulary.count == 30522)

        let encoding = try tokenizer.encode("Hello World")
        #expect(encoding.ids == [101, 7592, 2088, 102] + Array(repeating: 0, count: 124))
        #expect(encoding.attentionMask == Array(repeating: 1, count: 4) + Array(repeating: 0, count: 124))
    }

    /// HF's file with `"lowercase": false, "strip_accents": false` loads as a cased tokenizer: nothing but the
    /// normalizer says so. Expected ids from HF tokenizers 0.23.3 on the same edited file:
    /// `Tokenizer.from_file(edited)`, `no_padding()`, `encode(text).ids`. The vocabulary is uncased, so
    /// capitalized words and kept accents are [UNK] (100).
    @Test(.requires(.minilmTokenizerJSON)) func hfTokenizerJSONWithoutLowercaseIsCased() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.hfJSON))
        guard var root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              var normalizer = root["normalizer"] as? [String: Any]
        else {
            Issue.record("\(Self.hfJSON) has no normalizer object")
            return
        }
        normalizer["lowercase"] = false
        normalizer["strip_accents"] = false
        root["normalizer"] = normalizer
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-cased-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("tokenizer.json").path
        try JSONSerialization.data(withJSONObject: root).write(to: URL(fileURLWithPath: path))

        var cased = try Tokenizer(tokenizerJSON: path)
        #expect(!cased.wordPiece.configuration.lowercase)
        #expect(cased.wordPiece.configuration.stripAccents == false)
        cased.padding = nil
        #expect(try cased.encode("Hello World").ids == [101, 100, 100, 102])
        #expect(try cased.encode("hello World é").ids == [101, 7592, 100, 100, 102])
        #expect(cased.tokenize("hello World") == ["hello", "[UNK]"])

        var uncased = try Tokenizer(tokenizerJSON: Self.hfJSON)
        uncased.padding = nil
        #expect(try uncased.encode("Hello World").ids == [101, 7592, 2088, 102])
    }
}
