import Testing
@testable import TextNormalization

/// Portuguese, English and BERT-cleaning profiles, rule by rule.
@Suite struct ProfileTests {
    @Test func portugueseComposesAndKeepsOrdinals() throws {
        let n = try PortugueseNormalizer()
        let nfd = "Sa\u{0303}o Joa\u{0303}o, ac\u{0327}a\u{0303}o, 1º e 2ª"
        #expect(n.normalize(nfd) == "São João, ação, 1º e 2ª")
        #expect(n.normalize(nfd).unicodeScalars.count == "São João, ação, 1º e 2ª".unicodeScalars.count)
        #expect(n.normalize("Ação") == "Ação")  // cased, accents kept by default
    }

    @Test func portugueseAccentsAndCaseAreIndependent() throws {
        var strip = PortugueseNormalizer.Configuration()
        strip.stripAccents = true
        #expect(try PortugueseNormalizer(configuration: strip).normalize("Ação É Você 1º 2ª 한국") == "Acao E Voce 1º 2ª 한국")
        #expect(try PortugueseNormalizer(configuration: strip).normalize("Sa\u{0303}o") == "Sao")
        var lower = PortugueseNormalizer.Configuration()
        lower.lowercase = true
        #expect(try PortugueseNormalizer(configuration: lower).normalize("Ação É Você") == "ação é você")
        lower.stripAccents = true
        #expect(try PortugueseNormalizer(configuration: lower).normalize("Ação É Você") == "acao e voce")
    }

    @Test func englishRepairsMojibake() throws {
        let n = try EnglishNormalizer()
        #expect(n.normalize("cafÃ© naÃ¯ve") == "café naïve")
        #expect(n.normalize("itâ€™s â€œquotedâ€\u{9D}") == "it’s “quoted”")  // 0x9D via Latin-1
        #expect(n.normalize("Ã‰tÃ©") == "Été")
        #expect(n.normalize("price: 5 â‚¬") == "price: 5 €")
        // Windows-1256 mojibake of Persian: "سلام دنیا" read as Windows-1256.
        #expect(n.normalize("ط³ظ„ط§ظ… ط¯ظ†غŒط§") == "سلام دنیا")
        // Real text is left alone: a lone Ã, real Persian with ع + ، (one sequence in Windows-1256), Ã then ASCII.
        #expect(n.normalize("Ã la carte, São Paulo, موضوع، خوب") == "Ã la carte, São Paulo, موضوع، خوب")
        // Persian letters that are Windows-1256 lead/continuation bytes (ا گ ر چ, ع ک) are not mojibake.
        let persian = "اگرچه عکس‌ها و دگرگونی شرکت‌ها، چرا؟"
        #expect(n.normalize(persian) == persian)
        var off = EnglishNormalizer.Configuration()
        off.repairMojibake = false
        #expect(try EnglishNormalizer(configuration: off).normalize("cafÃ©") == "cafÃ©")
    }

    @Test func englishLigaturesFullWidthAndQuotes() throws {
        let n = try EnglishNormalizer()
        #expect(n.normalize("ﬁne ﬂow ｆｕｌｌ　ｗｉｄｔｈ！ “quotes”") == "fine flow full width! “quotes”")
        var c = EnglishNormalizer.Configuration()
        c.asciiPunctuation = true
        #expect(try EnglishNormalizer(configuration: c).normalize("“it’s” – fine — 3−2") == "\"it's\" - fine - 3-2")
        c.expandLigatures = false
        c.fullWidthToASCII = false
        #expect(try EnglishNormalizer(configuration: c).normalize("ﬁ ｆ") == "ﬁ ｆ")
        #expect(EnglishNormalizer.Configuration().composeNFC)
        #expect(n.normalize("cafe\u{0301}") == "café")
    }

    @Test func bertCleaningOnly() throws {
        let n = BertCleaner()
        #expect(n.normalize("a\u{0}b\u{FFFD}c\u{200C}d\u{200B}e\u{E000}f\u{7}g") == "abcdefg")
        #expect(n.normalize("a\tb\nc\rd\u{A0}e\u{3000}f") == "a b c d e f")
        #expect(n.normalize("Ação 中文 Hello!") == "Ação 中文 Hello!")  // no lowercasing, stripping or padding
        let (out, map) = n.normalizeWithAlignment("x\u{200C}y\u{A0}z")
        #expect(out == "xy z" && map == [0, 4, 5, 7])
    }

    @Test func profilesByName() throws {
        #expect(try NormalizationProfile(name: "Persian") == .persian)
        #expect(throws: NormalizationError.unknownProfile("klingon")) { try NormalizationProfile(name: "klingon") }
        #expect(throws: NormalizationError.unknownForm("NFX")) { try UnicodeForm(name: "NFX") }
        #expect(try UnicodeForm(name: "nfkc_cf") == .nfkcCasefold)
        #expect(try DigitStyle(name: "ascii") == .ascii)
        let persian = try NormalizationProfile.persian.makeNormalizer(digits: .ascii)
        #expect(persian.normalize("كتاب ۲") == "کتاب 2")
        #expect(NormalizationError.unknownProfile("x").description.hasPrefix("unknown normalization profile"))
    }
}
