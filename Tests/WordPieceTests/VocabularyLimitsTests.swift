import Foundation
import Testing
@testable import WordPiece

/// Hostile vocabulary files from issue 13: devices, huge tokens, tokenizer.json values of the wrong kind and
/// broken JSON. Each used to end in a misleading message, a crash or an out-of-memory kill.
@Suite struct VocabularyLimitsTests {
    /// /dev/null used to be "You don't have permission" (Foundation cannot map a character device); it is an
    /// empty file, and a FIFO is read like a file too.
    @Test func devicesAndFIFOsReadLikeFiles() throws {
        #expect(throws: VocabularyError.empty(path: "/dev/null")) { try Vocabulary(contentsOf: "/dev/null") }
        #expect(VocabularyError.empty(path: "/dev/null").description
                == "vocabulary '/dev/null' is empty; expected one token per line")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("vocab.txt").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread {
            // Opening the write end blocks until the loader opens the read end.
            if let handle = FileHandle(forWritingAtPath: fifo) {
                handle.write(Data("[UNK]\nhello\n##s\n".utf8))
                try? handle.close()
            }
        }
        writer.start()
        let vocabulary = try Vocabulary(contentsOf: fifo)
        #expect(vocabulary.tokens == ["[UNK]", "hello", "##s"])
    }

    /// A 1,000,000-byte token loads (it can never be matched: WordPiece pieces are at most 100 characters)
    /// and the tokenizer over it builds and tokenizes as without it; it used to abort the trie build.
    @Test func megabyteTokenLoads() throws {
        let long = String(repeating: "x", count: 1_000_000)
        let path = try VocabularyTests.temporaryFile(Array("[UNK]\nhello\n\(long)\n##s\n".utf8))
        let vocabulary = try Vocabulary(contentsOf: path)
        #expect(vocabulary.count == 4 && vocabulary.tokens[2].utf8.count == 1_000_000)
        #expect(WordPieceTokenizer(vocabulary: vocabulary).tokenize("hellos xx") == ["hello", "##s", "[UNK]"])
    }

    /// A line past `maximumTokenBytes` is refused once that much of it has been read: a 1 GB line (a sparse
    /// file, no disk used) gives the error after about 1 MiB, where it used to be read whole and OOM-killed.
    @Test func gigabyteLineIsRefusedAfterReadingOneMebibyte() throws {
        let path = try VocabularyTests.temporaryFile(Array("[UNK]\n".utf8))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 6 + (1 << 30))  // line 2: 1 GiB of NUL bytes, sparse
        try handle.close()
        let error = VocabularyError.tokenTooLong(path: path, line: 2, byteOffset: 6, limit: 1 << 20)
        #expect(throws: error) { try Vocabulary(contentsOf: path) }
        #expect(error.description == "vocabulary '\(path)' line 2 (byte offset 6) is longer than 1048576 bytes, "
                + "the most a token may have; check that the file is a vocab.txt (one token per line)")
        // One byte over the limit in a finished line is refused too; exactly the limit loads.
        let over = try VocabularyTests.temporaryFile(Array("[UNK]\n".utf8) + [UInt8](repeating: 0x61, count: (1 << 20) + 1) + [0x0A])
        #expect(throws: VocabularyError.tokenTooLong(path: over, line: 2, byteOffset: 6, limit: 1 << 20)) { try Vocabulary(contentsOf: over) }
        let exact = try VocabularyTests.temporaryFile(Array("[UNK]\n".utf8) + [UInt8](repeating: 0x61, count: 1 << 20) + [0x0D, 0x0A])
        #expect(try Vocabulary(contentsOf: exact).count == 2)
    }

    /// `true` used to be read as id 1 (Foundation hands booleans over as NSNumber), reported as a clash with
    /// the token that has id 1; 1.0 was taken as 1, which HF's serde refuses.
    @Test(arguments: [
        (#""[UNK]": 0, "the": 1, "a": true"#, "id of 'a' is true, not a whole number"),
        (#""[UNK]": 0, "a": 1.0"#, "id of 'a' is 1.0, not a whole number"),
        (#""[UNK]": 0, "a": "1""#, "id of 'a' is \"1\", not a whole number"),
        (#""[UNK]": 0, "a": null"#, "id of 'a' is null, not a whole number"),
    ])
    func tokenizerJSONIDsOfTheWrongKind(vocab: String, reason: String) throws {
        let json = #"{"model": {"type": "WordPiece", "vocab": {"# + vocab + "}}}"
        let path = try VocabularyTests.temporaryFile(Array(json.utf8), name: "tokenizer.json")
        #expect(throws: VocabularyError.invalidTokenizerJSON(path: path, reason: reason)) { try Vocabulary(tokenizerJSON: path) }
    }

    /// Truncated or deeply nested JSON used to say only "The data is not in the correct format".
    @Test func brokenJSONSaysWhereAndWhy() throws {
        let json = #"{"model": {"type": "WordPiece", "vocab": {"[UNK]": 0, "a": 1}}}"#
        let truncated = try VocabularyTests.temporaryFile(Array(json.utf8.prefix(40)), name: "tokenizer.json")
        #expect(throws: VocabularyError.invalidTokenizerJSON(path: truncated, reason:
            "not valid JSON: the text ends at byte 40 before the JSON value is complete (a truncated file, or an unclosed string, bracket or literal)")) {
            try Vocabulary(tokenizerJSON: truncated)
        }
        let deep = try VocabularyTests.temporaryFile(Array((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8), name: "tokenizer.json")
        #expect(throws: VocabularyError.invalidTokenizerJSON(path: deep, reason: "not valid JSON: too many nested arrays or dictionaries at byte 513 (line 1, column 514)")) {
            try Vocabulary(tokenizerJSON: deep)
        }
    }
}
