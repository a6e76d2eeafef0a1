import Testing
import TextNormalization

/// ICU's sentence boundaries as UTF-8 byte offsets, on English, Portuguese and Persian text.
@Suite struct SentenceSplitterTests {
    static func sentences(_ text: String) throws -> [String] {
        let bytes = Array(text.utf8)
        var start = 0
        return try SentenceSplitter().sentenceEnds(utf8: bytes).map { end in
            defer { start = end }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
    }

    @Test func englishPortugueseAndPersian() throws {
        #expect(try SentenceSplitter().sentenceEnds(utf8: Array("Hi there. How are you?".utf8)) == [10, 22])
        #expect(try Self.sentences("It works! Does it? Yes.") == ["It works! ", "Does it? ", "Yes."])
        #expect(try Self.sentences("Olá, tudo bem? Está ótimo. Até já") == ["Olá, tudo bem? ", "Está ótimo. ", "Até já"])
        // Persian question mark U+061F and full stop: byte offsets count the two-byte letters.
        #expect(try Self.sentences("حالت چطوره؟ خوبم.") == ["حالت چطوره؟ ", "خوبم."])
        #expect(try SentenceSplitter().sentenceEnds(utf8: Array("حالت چطوره؟ خوبم.".utf8)) == [22, 31])
    }

    /// Root rules: a lower-case word after a period continues the sentence; abbreviations are not known.
    @Test func rootRules() throws {
        #expect(try Self.sentences("The value is 3.5 today. e.g. this stays.") == ["The value is 3.5 today. e.g. this stays."])
        #expect(try Self.sentences("Mr. Smith left.") == ["Mr. ", "Smith left."])
        #expect(try SentenceSplitter().sentenceEnds(utf8: []) == [])
    }

    /// Long text grows the boundary buffer; one splitter serves many calls.
    @Test func manySentencesAndReuse() throws {
        let splitter = try SentenceSplitter()
        let text = String(repeating: "One more sentence. ", count: 500)
        let ends = try splitter.sentenceEnds(utf8: Array(text.utf8))
        #expect(ends == (1...500).map { $0 * 19 })
        #expect(try splitter.sentenceEnds(utf8: Array("A. B.".utf8)) == [3, 5])
    }
}
