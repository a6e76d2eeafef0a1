import Foundation
import Testing
import WordPiece
@testable import MaskedLM

/// Google's reading rules: blank (after Python's strip) lines start documents, lines without tokens vanish,
/// empty documents are dropped, and a document runs on across files until a blank line.
@Suite struct GoogleDocumentReaderTests {
    static let vocabulary = try! Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "[", "]", "mask", "##b"])
    static let reader = GoogleDocumentReader(tokenizer: try! GoogleDocumentReader.googleTokenizer(vocabulary: vocabulary, cased: false))

    static func documents(_ texts: String...) throws -> [GoogleReference.Document] {
        var documents: [GoogleReference.Document] = [[]]
        for (k, text) in texts.enumerated() {
            try Array(text.utf8).withUnsafeBufferPointer { try reader.appendDocuments(bytes: $0, path: "f\(k)", to: &documents) }
        }
        return documents.filter { !$0.isEmpty }
    }

    @Test func blankLinesSplitDocuments() throws {
        // U+3000 and U+0085 are Python whitespace: those lines are blank. "\u{200C}" alone has no token.
        let docs = try Self.documents("a b\nc\n\u{3000}\n\na\n \u{85}\n\u{200C}\nB\r\n\n\n")
        #expect(docs == [[[5, 6], [7]], [[5]], [[6]]])
    }

    @Test func documentsRunAcrossFiles() throws {
        #expect(try Self.documents("a\nb", "c\n\nab") == [[[5], [6], [7]], [[5, 11]]])
    }

    /// Google's FullTokenizer does not match special tokens in text: "[MASK]" is three pieces.
    @Test func specialTokensInTextAreNotMatched() throws {
        #expect(try Self.documents("[MASK] a") == [[[8, 10, 9, 5]]])
    }

    @Test func pythonStripMatchesStrIsspace() {
        #expect(GoogleDocumentReader.pythonStrip("\u{1C}\u{A0} a b\u{2029}\u{205F}") == "a b")
        #expect(GoogleDocumentReader.pythonStrip("\u{200B}a") == "\u{200B}a")  // ZWSP is Cf, not a space
        #expect(GoogleDocumentReader.pythonStrip(" \t ") == "")
    }

    /// The byte-level strip agrees with `isPythonSpace` on each of the 29 spaces and on their neighbours (one
    /// to four UTF-8 bytes), at both ends and inside.
    @Test func pythonStripOnBytesMatchesScalars() {
        let spaces: [UInt32] = Array(0x09...0x0D) + Array(0x1C...0x20) + [0x85, 0xA0, 0x1680] + Array(0x2000...0x200A)
            + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
        #expect(spaces.count == 29)
        let others: [UInt32] = [0x08, 0x0E, 0x1B, 0x21, 0x84, 0x86, 0x9F, 0xA1, 0x167F, 0x1681, 0x1FFF, 0x200B, 0x2027,
                                0x202A, 0x202E, 0x2030, 0x205E, 0x2060, 0x2FFF, 0x3001, 0xFEFF, 0x1F600]
        for value in spaces + others {
            let c = String(Unicode.Scalar(value)!)
            let space = spaces.contains(value)
            #expect(GoogleDocumentReader.isPythonSpace(value) == space)
            for text in [c, c + "a" + c, "a" + c + "b", c + c + "\u{E9}" + c + c] {
                let expected = space ? text.trimmingCharacters(in: CharacterSet(charactersIn: c)) : text
                var copy = text
                let kept = copy.withUTF8 { GoogleDocumentReader.pythonStrip(utf8: $0) }
                #expect(String(decoding: Array(text.utf8)[kept], as: UTF8.self) == expected, "U+\(String(value, radix: 16))")
                #expect(GoogleDocumentReader.pythonStrip(text) == expected)
            }
        }
    }

    @Test func invalidUTF8IsAPositionedError() throws {
        #expect(throws: MaskedLMError.invalidUTF8(path: "f0", line: 2, byteOffset: 3)) {
            var documents: [GoogleReference.Document] = [[]]
            try [0x61, 0x0A, 0x62, 0xC3, 0x0A].withUnsafeBufferPointer { try Self.reader.appendDocuments(bytes: $0, path: "f0", to: &documents) }
        }
    }
}

/// `--split-sentences`: each line is a paragraph cut into sentences by ICU; blank lines still split documents.
@Suite struct SplitSentencesReaderTests {
    static let vocabulary = try! Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", ".", "?"])

    @Test func paragraphsBecomeSentences() throws {
        let reader = GoogleDocumentReader(
            tokenizer: try GoogleDocumentReader.googleTokenizer(vocabulary: Self.vocabulary, cased: false), splitSentences: true)
        var documents: [GoogleReference.Document] = [[]]
        try Array("A b. C? A\nb c.\n\nC.  \n".utf8).withUnsafeBufferPointer {
            try reader.appendDocuments(bytes: $0, path: "p", splitter: try reader.makeSplitter(), to: &documents)
        }
        #expect(documents == [[[5, 6, 8], [7, 9], [5], [6, 7, 8]], [[7, 8]]])
    }
}
