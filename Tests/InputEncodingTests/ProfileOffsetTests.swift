import Foundation
import Testing
import TextNormalization
import WordPiece
@testable import InputEncoding

/// Offsets of encodings made through a language profile point into the ORIGINAL text, checked against that
/// text itself (HF `tokenizers` has no profiles, so there is no golden file to compare with): real Persian,
/// Portuguese and English lines, variants of them that the profiles shorten or lengthen (Arabic-keyboard and
/// presentation-form Persian, NFD Portuguese, English with ligatures), and hand-made cases with exact offsets.
@Suite(.requires(.minilmVocabulary, .corpusText))
struct ProfileOffsetTests {
    /// One corpus through one profile, optionally rewritten first.
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var corpus: String
        var profile: NormalizationProfile
        var placeholder: Unicode.Scalar? = nil
        var cased = false
        /// Rewrites each real line into input the profile has to repair (nil: the line as it is).
        var rewrite: (@Sendable (String) -> String)? = nil

        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "fa persian", corpus: "fa-chatterbot", profile: .persian),
        Case(label: "fa persian, ZWNJ as ·", corpus: "fa-chatterbot", profile: .persian, placeholder: "·"),
        Case(label: "fa persian, Arabic keyboard and presentation forms", corpus: "fa-chatterbot", profile: .persian,
             rewrite: arabicTyped),
        Case(label: "fa persian, presentation forms, ZWNJ as ·", corpus: "fa-chatterbot", profile: .persian,
             placeholder: "·", rewrite: arabicTyped),
        Case(label: "pt portuguese", corpus: "pt-chatterbot", profile: .portuguese),
        Case(label: "pt portuguese, NFD", corpus: "pt-chatterbot", profile: .portuguese, rewrite: { $0.decomposedStringWithCanonicalMapping }),
        Case(label: "pt portuguese, NFD, cased", corpus: "pt-chatterbot", profile: .portuguese, cased: true,
             rewrite: { $0.decomposedStringWithCanonicalMapping }),
        Case(label: "en english", corpus: "en-rotten-tomatoes", profile: .english),
        Case(label: "en english, ligatures", corpus: "en-rotten-tomatoes", profile: .english, rewrite: ligatures),
    ]

    /// Persian as an Arabic keyboard and a PDF copy write it: ي and ك for ی and ک (same length in UTF-8),
    /// word-initial ن as the presentation form ﻧ U+FEE7 (3 bytes for 2) and لا as the ligature ﻻ U+FEFB
    /// (3 bytes for 4, one scalar for two).
    @Sendable static func arabicTyped(_ line: String) -> String {
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar = " "
        let scalars = Array(line.unicodeScalars)
        var k = 0
        while k < scalars.count {
            let s = scalars[k]
            if s == "\u{0644}" && k + 1 < scalars.count && scalars[k + 1] == "\u{0627}" {
                out.append("\u{FEFB}")
                k += 2
                previous = "\u{0627}"
                continue
            }
            switch s {
            case "\u{06CC}": out.append("\u{064A}")
            case "\u{06A9}": out.append("\u{0643}")
            case "\u{0646}" where previous == " ": out.append("\u{FEE7}")
            default: out.append(s)
            }
            previous = s
            k += 1
        }
        return String(out)
    }

    /// English with the ﬁ and ﬂ ligatures (3 bytes and one scalar for two of each).
    @Sendable static func ligatures(_ line: String) -> String {
        line.replacingOccurrences(of: "fi", with: "\u{FB01}").replacingOccurrences(of: "fl", with: "\u{FB02}")
    }

    static func tokenizer(_ c: Case) throws -> Tokenizer {
        let vocabulary = try Repo.realVocabulary()
        let normalizer = try c.profile.makeNormalizer(zwnjPlaceholder: c.placeholder)
        return try Tokenizer(wordPiece: WordPieceTokenizer(
            vocabulary: vocabulary, configuration: c.cased ? .cased : WordPieceTokenizer.Configuration(), normalizer: normalizer))
    }

    /// The case's first 200 non-empty lines, rewritten.
    static func lines(_ c: Case) throws -> [String] {
        let text = try String(contentsOfFile: Repo.path(".assets/text/\(c.corpus).txt"), encoding: .utf8)
        let lines = text.split(separator: "\n").lazy.map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }.prefix(200)
        return lines.map { c.rewrite?($0) ?? $0 }
    }

    /// Each line alone, and each odd line with the line before it as its pair (so pair offsets are checked
    /// against the pair text).
    static func inputs(_ lines: [String]) -> [(text: String, pair: String?)] {
        lines.indices.map { k in (lines[k], k % 2 == 1 ? lines[k - 1] : nil) }
    }

    static func bare(_ token: String) -> String { token.hasPrefix("##") ? String(token.dropFirst(2)) : token }

    /// What is wrong with the offsets of the tokens of sequence `sequence` (0 or 1) of `encoding`, read as
    /// offsets into `text`; empty when they are right. The checks:
    /// - byte offsets are a non-empty range of whole scalars inside the text, and the character offsets are
    ///   the same range counted in scalars;
    /// - tokens go forwards, and a word starts at or after the end of the word before it;
    /// - a word's original bytes hold no whitespace and, tokenized alone through the same profile and
    ///   WordPiece, give exactly that word's tokens (a ZWNJ placeholder word must come from a ZWNJ, or the placeholder itself:
    ///   alone, a ZWNJ is at a word edge, where the profile drops it);
    /// - the original bytes of each piece of a longer word, tokenized alone, spell exactly that piece
    ///   (pieces joined, `##` dropped); where two pieces share a source scalar (a ligature split by
    ///   WordPiece, both halves covering it) the spelling only has to contain the piece.
    /// Offsets taken from the normalized text fail these wherever the profile changed a length before them.
    static func offsetProblems(
        _ encoding: Encoding, sequence: Int8, text: String, tokenizer: Tokenizer, placeholder: Unicode.Scalar?
    ) -> [String] {
        let bytes = Array(text.utf8)
        var scalarsBefore = [Int](repeating: 0, count: bytes.count + 1)
        var count = 0
        for i in bytes.indices {
            scalarsBefore[i] = count
            if bytes[i] & 0xC0 != 0x80 { count += 1 }
        }
        scalarsBefore[bytes.count] = count
        func startsScalar(_ i: Int) -> Bool { i == bytes.count || bytes[i] & 0xC0 != 0x80 }
        func token(_ k: Int) -> String { tokenizer.vocabulary.tokens[Int(encoding.ids[k])] }
        func original(_ r: TokenOffsets) -> String { String(decoding: bytes[r.start..<r.end], as: UTF8.self) }
        func name(_ k: Int) -> String { "token \(k) \(token(k)) at bytes \(encoding.byteOffsets[k])" }

        let indices = encoding.ids.indices.filter { encoding.sequenceIndices[$0] == sequence }
        var problems: [String] = []
        for k in indices {
            let r = encoding.byteOffsets[k]
            guard r.start >= 0, r.start < r.end, r.end <= bytes.count, startsScalar(r.start), startsScalar(r.end) else {
                problems.append("\(name(k)): not a range of whole scalars of the \(bytes.count)-byte text")
                continue
            }
            let characters = TokenOffsets(scalarsBefore[r.start], scalarsBefore[r.end])
            if encoding.offsets[k] != characters {
                problems.append("\(name(k)): character offsets \(encoding.offsets[k]), expected \(characters)")
            }
        }
        guard problems.isEmpty else { return problems }

        for (k, next) in zip(indices, indices.dropFirst()) {
            let a = encoding.byteOffsets[k], b = encoding.byteOffsets[next]
            if b.start < a.start || b.end < a.end { problems.append("\(name(next)) goes back from \(name(k))") }
            if encoding.wordIndices[next] != encoding.wordIndices[k] && b.start < a.end {
                problems.append("\(name(next)) starts a word inside the previous word (\(name(k)))")
            }
        }

        var words: [[Int]] = []
        for k in indices {
            if let last = words.last?.last, encoding.wordIndices[last] == encoding.wordIndices[k] {
                words[words.count - 1].append(k)
            } else {
                words.append([k])
            }
        }
        for word in words {
            let tokens = word.map(token)
            let span = TokenOffsets(encoding.byteOffsets[word[0]].start, encoding.byteOffsets[word[word.count - 1]].end)
            let source = original(span)
            // The pre-tokenizer splits at whitespace (Zs, tab, newline, return), so no word's bytes hold any:
            // this is what catches an [UNK] word moved onto the space before it.
            if source.unicodeScalars.contains(where: { "\t\n\r".unicodeScalars.contains($0) || $0.properties.generalCategory == .spaceSeparator }) {
                problems.append("word \(tokens) at bytes \(span): \(source.debugDescription) holds whitespace")
            }
            if let placeholder, tokens == [String(placeholder)] {
                let scalars = Array(source.unicodeScalars)
                if scalars != ["\u{200C}"] && scalars != [placeholder] {
                    problems.append("\(name(word[0])): a placeholder from \(scalars.map { String($0.value, radix: 16) })")
                }
            } else if tokenizer.tokenize(source) != tokens {
                problems.append("word \(tokens) at bytes \(span): \(source.debugDescription) tokenizes as \(tokenizer.tokenize(source))")
            }
            guard word.count > 1 else { continue }
            for (j, k) in word.enumerated() {
                let r = encoding.byteOffsets[k]
                let spelled = tokenizer.tokenize(original(r)).map(bare).joined()
                let piece = bare(token(k))
                let sharesSource = (j > 0 && encoding.byteOffsets[word[j - 1]].end > r.start)
                    || (j + 1 < word.count && encoding.byteOffsets[word[j + 1]].start < r.end)
                if sharesSource ? !spelled.contains(piece) : spelled != piece {
                    problems.append("\(name(k)) of word \(tokens): \(original(r).debugDescription) spells \(spelled.debugDescription)")
                }
            }
        }
        return problems
    }

    /// The problems of both sequences of one input's encoding.
    static func problems(_ encoding: Encoding, _ input: (text: String, pair: String?), _ tokenizer: Tokenizer, _ c: Case) -> [String] {
        var problems = offsetProblems(encoding, sequence: 0, text: input.text, tokenizer: tokenizer, placeholder: c.placeholder)
        if let pair = input.pair {
            problems += offsetProblems(encoding, sequence: 1, text: pair, tokenizer: tokenizer, placeholder: c.placeholder)
        }
        return problems.map { "\(input.text.prefix(40).debugDescription)…: \($0)" }
    }

    @Test(arguments: cases)
    func realLinesMapBackToTheirOriginalText(_ c: Case) throws {
        let tokenizer = try Self.tokenizer(c)
        let lines = try Self.lines(c)
        #expect(lines.count == 200)
        var problems: [String] = []
        var tokens = 0
        for input in Self.inputs(lines) {
            let encoding = try tokenizer.encode(input.text, pair: input.pair)
            let fast = try tokenizer.encode(input.text, pair: input.pair, options: EncodeOptions(alignment: false))
            #expect(encoding.ids == fast.ids, "\(input.text)")
            #expect(encoding.hasAlignment && encoding.byteOffsets.count == encoding.count)
            tokens += encoding.sequenceIndices.filter { $0 >= 0 }.count
            problems += Self.problems(encoding, input, tokenizer, c)
        }
        #expect(tokens > 2000, "too few tokens checked: \(tokens)")
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(8).joined(separator: "\n"))")
    }

    /// The check is not vacuous: offsets into the normalized text instead of the original (what a composition
    /// of alignments that forgot the profile would give) are caught on every line where they differ.
    @Test(arguments: cases.filter { $0.placeholder != nil || $0.rewrite != nil })
    func offsetsIntoTheNormalizedTextAreCaught(_ c: Case) throws {
        let tokenizer = try Self.tokenizer(c)
        let normalizer = try c.profile.makeNormalizer(zwnjPlaceholder: c.placeholder)
        let plain = try Tokenizer(wordPiece: WordPieceTokenizer(vocabulary: tokenizer.vocabulary, configuration: tokenizer.wordPiece.configuration))
        var differing = 0, caught = 0
        var missed: [String] = []
        for input in Self.inputs(try Self.lines(c)) {
            var encoding = try tokenizer.encode(input.text, pair: input.pair)
            let normalized = try plain.encode(normalizer.normalize(input.text), pair: input.pair.map { normalizer.normalize($0) })
            #expect(normalized.ids == encoding.ids)
            guard normalized.byteOffsets != encoding.byteOffsets else { continue }
            differing += 1
            encoding.byteOffsets = normalized.byteOffsets
            encoding.offsets = normalized.offsets
            if Self.problems(encoding, input, tokenizer, c).isEmpty {
                missed.append("\(input.text.debugDescription) / \(input.pair?.debugDescription ?? "-"): \(encoding.byteOffsets)")
            } else {
                caught += 1
            }
        }
        #expect(differing >= 20, "the rewrite or profile changed too few lines: \(differing)")
        #expect(caught == differing, "not caught: \(missed.prefix(3).joined(separator: "\n"))")
    }

    // MARK: Exact offsets, by hand

    struct Aligned: Hashable, CustomStringConvertible {
        var token: String
        var bytes: TokenOffsets
        var characters: TokenOffsets
        var description: String { "\(token) \(bytes) \(characters)" }
    }

    /// A token with its byte and character (scalar) offsets.
    static func at(_ token: String, _ bytes: (Int, Int), _ characters: (Int, Int)) -> Aligned {
        Aligned(token: token, bytes: TokenOffsets(bytes.0, bytes.1), characters: TokenOffsets(characters.0, characters.1))
    }

    static func aligned(_ tokenizer: Tokenizer, _ text: String) throws -> [Aligned] {
        let e = try tokenizer.encode(text, options: EncodeOptions(addSpecialTokens: false))
        #expect(e.ids == tokenizer.wordPiece.tokenIDs(text))
        return e.ids.indices.map { Aligned(token: tokenizer.vocabulary.tokens[Int(e.ids[$0])], bytes: e.byteOffsets[$0], characters: e.offsets[$0]) }
    }

    @Test func persianExactOffsets() throws {
        let persian = try Self.tokenizer(Case(label: "", corpus: "", profile: .persian))
        let placeholder = try Self.tokenizer(Case(label: "", corpus: "", profile: .persian, placeholder: "·"))

        // Arabic yeh U+064A and kaf U+0643 fold to Persian ی U+06CC and ک U+06A9: 2 bytes each before and after,
        // so bytes are 2 per letter and the space is byte 4 (character 2). The pieces are the vocabulary's
        // (HF on the folded text: ی ##ک / ک ##ت ##ا ##ب).
        #expect(try Self.aligned(persian, "\u{064A}\u{0643} \u{0643}\u{062A}\u{0627}\u{0628}") == [
            Self.at("ی", (0, 2), (0, 1)), Self.at("##ک", (2, 4), (1, 2)),
            Self.at("ک", (5, 7), (3, 4)), Self.at("##ت", (7, 9), (4, 5)), Self.at("##ا", (9, 11), (5, 6)),
            Self.at("##ب", (11, 13), (6, 7)),
        ])

        // کتاب‌ها: ZWNJ (bytes 8..<11, character 4) between ب, which joins forwards, and ه, which joins
        // backwards, so the profile keeps it; BERT's cleaning then deletes it (Cf), leaving one word کتابها
        // whose ##ه starts after the ZWNJ at byte 11: the ZWNJ belongs to no token.
        let books = "\u{06A9}\u{062A}\u{0627}\u{0628}\u{200C}\u{0647}\u{0627}"
        #expect(try Self.aligned(persian, books) == [
            Self.at("ک", (0, 2), (0, 1)), Self.at("##ت", (2, 4), (1, 2)), Self.at("##ا", (4, 6), (2, 3)),
            Self.at("##ب", (6, 8), (3, 4)), Self.at("##ه", (11, 13), (5, 6)), Self.at("##ا", (13, 15), (6, 7)),
        ])
        // With the placeholder the kept ZWNJ is written as · (2 bytes, punctuation: a word of its own). Its
        // token covers the ZWNJ's 3 original bytes; ها is a new word from byte 11. (In the normalized text,
        // · is at 8..<10 and ه at 10: offsets taken from there would be one byte short.)
        #expect(try Self.aligned(placeholder, books) == [
            Self.at("ک", (0, 2), (0, 1)), Self.at("##ت", (2, 4), (1, 2)), Self.at("##ا", (4, 6), (2, 3)),
            Self.at("##ب", (6, 8), (3, 4)), Self.at("·", (8, 11), (4, 5)),
            Self.at("ه", (11, 13), (5, 6)), Self.at("##ا", (13, 15), (6, 7)),
        ])

        // ﻧان: initial-form noon U+FEE7 (3 bytes) becomes ن (2 bytes). Original bytes: ﻧ 0..<3, ا 3..<5,
        // ن 5..<7; the pieces ن / ##ان cover 0..<3 and 3..<7 (characters 0..<1 and 1..<3), although in the
        // normalized text they are 0..<2 and 2..<6.
        #expect(try Self.aligned(persian, "\u{FEE7}\u{0627}\u{0646}") == [
            Self.at("ن", (0, 3), (0, 1)), Self.at("##ان", (3, 7), (1, 3)),
        ])

        // ﻻ U+FEFB (3 bytes, one scalar) becomes لا (4 bytes, two scalars), which WordPiece splits into ل and
        // ##ا: both pieces come from the one ligature, so both cover its bytes 0..<3 (character 0..<1). The
        // next word starts after the space at byte 4 (character 2), where the normalized text has byte 5.
        #expect(try Self.aligned(persian, "\u{FEFB} \u{FEE7}\u{0627}\u{0646}") == [
            Self.at("ل", (0, 3), (0, 1)), Self.at("##ا", (0, 3), (0, 1)),
            Self.at("ن", (4, 7), (2, 3)), Self.at("##ان", (7, 11), (3, 5)),
        ])

        // کِتاب: the kasra U+0650 (bytes 2..<4) is removed by the profile; deleted input between two kept
        // characters belongs to the earlier one, so ک covers 0..<4 (characters 0..<2) and ##ت starts at 4.
        #expect(try Self.aligned(persian, "\u{06A9}\u{0650}\u{062A}\u{0627}\u{0628}") == [
            Self.at("ک", (0, 4), (0, 2)), Self.at("##ت", (4, 6), (2, 3)), Self.at("##ا", (6, 8), (3, 4)),
            Self.at("##ب", (8, 10), (4, 5)),
        ])
    }

    @Test func portugueseNFDExactOffsets() throws {
        let uncased = try Self.tokenizer(Case(label: "", corpus: "", profile: .portuguese))
        let cased = try Self.tokenizer(Case(label: "", corpus: "", profile: .portuguese, cased: true))

        // "cafe\u{301} com leite": e + COMBINING ACUTE (bytes 3..<4 and 4..<6) compose to é (2 bytes), so the
        // normalized text is one byte shorter from "com" on. Uncased BERT strips the accent again: "cafe"
        // covers the original 0..<6 (5 scalars); com 7..<10 (characters 6..<9); leite is lei 11..<14, ##te 14..<16.
        #expect(try Self.aligned(uncased, "cafe\u{301} com leite") == [
            Self.at("cafe", (0, 6), (0, 5)), Self.at("com", (7, 10), (6, 9)),
            Self.at("lei", (11, 14), (10, 13)), Self.at("##te", (14, 16), (13, 15)),
        ])

        // "ac\u{327}a\u{303}o" (ação in NFD, 8 bytes: a 0, c 1, cedilla 2..<4, a 4, tilde 5..<7, o 7) is ação in
        // NFC (6 bytes), acao once stripped: ac covers a, c and the cedilla (0..<4, characters 0..<3); ##ao
        // covers the second a with its tilde and the o (4..<8, characters 3..<6).
        #expect(try Self.aligned(uncased, "ac\u{327}a\u{303}o") == [
            Self.at("ac", (0, 4), (0, 3)), Self.at("##ao", (4, 8), (3, 6)),
        ])

        // Cased keeps é, which this uncased vocabulary lacks: the whole word is [UNK], over all 6 bytes.
        #expect(try Self.aligned(cased, "cafe\u{301} com") == [
            Self.at("[UNK]", (0, 6), (0, 5)), Self.at("com", (7, 10), (6, 9)),
        ])
    }

    @Test func englishExactOffsets() throws {
        let english = try Self.tokenizer(Case(label: "", corpus: "", profile: .english))

        // ﬁ U+FB01 (3 bytes) expands to "fi" (2 bytes): "ﬁne" is 0..<5 (3 characters), "ﬁle" 6..<11.
        #expect(try Self.aligned(english, "\u{FB01}ne \u{FB01}le") == [
            Self.at("fine", (0, 5), (0, 3)), Self.at("file", (6, 11), (4, 7)),
        ])
        // Full-width ＡＢＣ (3 bytes each) become ASCII ABC, lowercased to the one token abc over all 9 bytes;
        // "ok" after the space starts at byte 10 (character 4), not at the normalized 4.
        #expect(try Self.aligned(english, "\u{FF21}\u{FF22}\u{FF23} ok") == [
            Self.at("abc", (0, 9), (0, 3)), Self.at("ok", (10, 12), (4, 6)),
        ])
    }
}
