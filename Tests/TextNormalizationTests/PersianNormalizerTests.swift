import Testing
@testable import TextNormalization

/// The Persian profile, rule by rule, including the known failures of hazm and parsivar.
@Suite struct PersianNormalizerTests {
    static func make(_ edit: (inout PersianNormalizer.Configuration) -> Void = { _ in }) throws -> PersianNormalizer {
        var c = PersianNormalizer.Configuration()
        edit(&c)
        return try PersianNormalizer(configuration: c)
    }

    @Test func arabicLettersBecomePersian() throws {
        let n = try Self.make()
        #expect(n.normalize("علي") == "علی")  // U+064A
        #expect(n.normalize("موسى") == "موسی")  // U+0649
        #expect(n.normalize("كتاب") == "کتاب")  // U+0643
        #expect(n.normalize("مدرسة رأى مؤمن إسلام ٱلله") == "مدرسة رأی مؤمن إسلام ٱلله")  // folds off by default
    }

    @Test func decomposedInputIsComposedFirst() throws {
        let input = "\u{0627}\u{0653}ب \u{0648}\u{0654} \u{0643}\u{0650}"  // ا+maddah, و+hamza, ك+kasra
        let (out, map) = try Self.make().normalizeWithAlignment(input)
        #expect(out == "آب ؤ ک")
        checkAlignment(input: input, output: out, map: map)
        #expect(try Self.make { $0.composeNFC = false }.normalize(input) == "\u{0627}\u{0653}ب \u{0648}\u{0654} ک")
    }

    @Test func optionalFolds() throws {
        let n = try Self.make {
            $0.foldTehMarbuta = true; $0.foldHehWithYeh = true; $0.foldAlefWithHamza = true; $0.foldWawWithHamza = true
        }
        #expect(n.normalize("مدرسة خانۀ أحمد إسلام ٱلله مؤمن") == "مدرسه خانه احمد اسلام الله مومن")
    }

    @Test func diacriticsAndKashidaRemoved() throws {
        #expect(try Self.make().normalize("کِتابْ مُحَمَّدٌ رحمٰن") == "کتاب محمد رحمن")
        #expect(try Self.make().normalize("ســـلام") == "سلام")
        let keep = try Self.make { $0.removeDiacritics = false; $0.removeKashida = false }
        #expect(keep.normalize("کِتابْ ســلام") == "کِتابْ ســلام")
    }

    @Test func presentationFormsAndLigatures() throws {
        let n = try Self.make()
        // Initial noon U+FEE7 must become ن (parsivar and DadmaTools map it to ذ).
        #expect(n.normalize("\u{FEE7}\u{FEE4}\u{FE8E}\u{FEDF}") == "نمال")
        #expect(n.normalize("\u{FEE7}") == "ن")
        #expect(n.normalize("\u{FEE3}\u{FEE4}\u{FEE2}") == "ممم")
        #expect(n.normalize("\u{FDF2}") == "الله")
        #expect(n.normalize("\u{FDFC}") == "ریال")
        #expect(n.normalize("\u{FDFD}") == "بسم الله الرحمن الرحیم")
        #expect(n.normalize("\u{FEFB}\u{FEF5}") == "لالآ")  // lam-alef ligatures
        #expect(n.normalize("\u{FBFE}\u{FB8E}\u{FEDB}\u{FEF1}") == "یککی")  // Farsi yeh, keheh, kaf, Arabic yeh forms
        #expect(n.normalize("\u{FBFE}") == "ی" && n.normalize("\u{FEDB}") == "ک" && n.normalize("\u{FEF1}") == "ی")
        #expect(n.normalize("\u{FE70}") == "")  // isolated fathatan form: a mark, removed
        let off = try Self.make { $0.presentationForms = false }
        #expect(off.normalize("\u{FEE7}") == "\u{FEE7}")
    }

    @Test func digitsAreAChoiceAndNeverSplit() throws {
        let text = "قیمت ۳٫۵ و 3.5 و ٣ تومان Image2.jpg v2 2nd"
        #expect(try Self.make().normalize(text) == text)  // keep is the default (hazm always converts)
        #expect(try Self.make { $0.digits = .ascii }.normalize(text) == "قیمت 3.5 و 3.5 و 3 تومان Image2.jpg v2 2nd")
        #expect(try Self.make { $0.digits = .persian }.normalize(text) == "قیمت ۳٫۵ و ۳٫۵ و ۳ تومان Image2.jpg v2 2nd")
        #expect(try Self.make { $0.digits = .persian }.normalize("1,234 1.2.3") == "۱,۲۳۴ ۱٫۲٫۳")
        #expect(try Self.make { $0.digits = .ascii }.normalize("۱٬۲۳۴") == "1,234")
        #expect(try Self.make { $0.digits = .persian }.normalize("سال 1400") == "سال ۱۴۰۰")
    }

    @Test func zwnjIsKeptWhereItMeansSomething() throws {
        let n = try Self.make()
        #expect(n.normalize("می‌خواهم کتاب‌ها") == "می‌خواهم کتاب‌ها")
        #expect(n.normalize("می‌‌‌خواهم") == "می‌خواهم")  // repeated ZWNJ collapses
        #expect(n.normalize("‌کتاب‌ ") == "کتاب ")  // word edges
        #expect(n.normalize("کتاب‌") == "کتاب")  // end of text
        // After a letter that does not join (ر د ا و ...) a ZWNJ means nothing (hazm #367 inserts one).
        #expect(n.normalize("بندر‌ها خانواده‌ها دو‌تا") == "بندرها خانواده‌ها دوتا")
        #expect(n.normalize("abc‌def") == "abcdef")
        #expect(try Self.make { $0.cleanZWNJ = false }.normalize("بندر‌ها‌‌") == "بندر‌ها‌‌")
    }

    @Test func zwnjPlaceholderSurvivesBertCleaning() throws {
        let n = try Self.make { $0.zwnjPlaceholder = "\u{00B7}"; $0.affixZWNJ = true }
        let input = "می‌خواهم کتاب ها را"
        let (out, map) = n.normalizeWithAlignment(input)
        #expect(out == "می·خواهم کتاب·ها را")
        let bytes = Array(input.utf8), outBytes = Array(out.utf8)
        let dot = outBytes.firstIndex(of: 0xC2)!
        #expect(Array(bytes[Int(map[dot])..<Int(map[dot]) + 3]) == PersianNormalizer.zwnjBytes)
        #expect(BertCleaner().normalize(out) == out)  // BERT cleaning would delete a ZWNJ, not the placeholder
        #expect(BertCleaner().normalize(input) == "میخواهم کتاب ها را")
    }

    @Test func legacyZWNJ() throws {
        #expect(try Self.make().normalize("می¬خواهم") == "می¬خواهم")
        #expect(try Self.make { $0.legacyZWNJ = true }.normalize("می¬خواهم") == "می‌خواهم")
    }

    @Test func affixZWNJOnlyWhereTheLetterJoins() throws {
        let n = try Self.make { $0.affixZWNJ = true }
        #expect(n.normalize("من می خواهم") == "من می‌خواهم")
        #expect(n.normalize("نمی روم") == "نمی‌روم")
        #expect(n.normalize("کتاب ها را") == "کتاب‌ها را")
        #expect(n.normalize("بندر ها") == "بندرها")  // hazm #367 gives بندر‌ها
        #expect(n.normalize("بزرگ ترین خانه های شهر") == "بزرگ‌ترین خانه‌های شهر")
        #expect(n.normalize("سخت تر ترس") == "سخت‌تر ترس")  // ترس is a word, not a suffix
        #expect(n.normalize("می 2") == "می 2")
        #expect(try Self.make().normalize("کتاب ها") == "کتاب ها")  // off by default
    }

    @Test func invisibleControlsAndSpaces() throws {
        let n = try Self.make()
        #expect(n.normalize("\u{FEFF}\u{200F}سلام\u{202B}دنیا\u{202C}\u{2067}x\u{2069}\u{200E}") == "سلامدنیاx")
        #expect(n.normalize("سو\u{00AD}ال") == "سوال")
        #expect(n.normalize("a\u{00A0}b\u{2009}c\u{202F}d\u{3000}e") == "a b c d e")
        #expect(n.normalize("ب\u{200D}ب") == "بب")
        #expect(try Self.make { $0.removeZWJ = false }.normalize("ب\u{200D}ب") == "ب\u{200D}ب")
        #expect(n.normalize("tab\tnew\nline") == "tab\tnew\nline")
    }

    @Test func alignmentPointsIntoTheInput() throws {
        let n = try Self.make { $0.digits = .ascii; $0.affixZWNJ = true }
        let input = "\u{FEFF}كِتاب ها ۳٫۵ \u{FDF2}"
        let (out, map) = n.normalizeWithAlignment(input)
        #expect(out == "کتاب‌ها 3.5 الله")
        checkAlignment(input: input, output: out, map: map)
        let bytes = Array(input.utf8)
        // ک comes from ك at byte 3 (after the 3-byte BOM); the ZWNJ from the space; "الله" from ﷲ.
        #expect(map[0] == 3 && map[1] == 3)
        let zwnjAt = Array(out.utf8).firstIndex(of: 0xE2)!
        #expect(bytes[Int(map[zwnjAt])] == 0x20)
        #expect(map.suffix(8).allSatisfy { Int($0) == bytes.count - 3 })
    }
}

/// The stage protocol promises that an ill-formed byte is copied as is. The Persian pass indexed its NFC table
/// with the decoder's invalid marker and crashed on any such byte (found by a libFuzzer + ASan harness, issue 13).
@Suite struct IllFormedInputTests {
    static let inputs: [[UInt8]] = [
        [0xFF], [0x61, 0xFF, 0x62], [0xD9], [0xE2, 0x80], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0xED, 0xA0, 0x80],
        Array("كتاب".utf8) + [0xFF] + Array("ها ۳".utf8), Array("می".utf8) + [0xE2, 0x80] + Array("خواهم".utf8),
        [0xF4, 0x90, 0x80, 0x80], Array("a\u{0301}".utf8) + [0xFE],
    ]

    @Test(arguments: inputs)
    func persianCopiesIllFormedBytes(input: [UInt8]) throws {
        let n = try PersianNormalizer()
        var out: [UInt8] = [], map: [Int32]? = []
        input.withUnsafeBufferPointer { n.normalize($0, into: &out, alignment: &map) }
        // Every ill-formed byte of the input is in the output, in order, and mapped to itself.
        let invalid = Self.illFormedOffsets(input)
        #expect(!invalid.isEmpty)
        let copied = invalid.compactMap { offset in map?.firstIndex(of: Int32(offset)).map { (offset, $0) } }
        #expect(copied.count == invalid.count, "ill-formed bytes lost: \(input) -> \(out)")
        for (offset, at) in copied { #expect(out[at] == input[offset]) }
        #expect(map?.count == out.count)
    }

    @Test(arguments: NormalizationProfile.allCases)
    func everyProfileSurvivesIllFormedBytes(profile: NormalizationProfile) throws {
        let stage = try profile.makeNormalizer()
        for input in Self.inputs {
            var out: [UInt8] = [], map: [Int32]? = []
            input.withUnsafeBufferPointer { stage.normalize($0, into: &out, alignment: &map) }
            #expect(map?.count == out.count, "\(profile): alignment has \(map?.count ?? -1) entries for \(out.count) bytes")
        }
    }

    /// Offsets of the bytes that do not start or continue a well-formed UTF-8 sequence.
    static func illFormedOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = [], i = 0
        while i < bytes.count {
            let length = Self.wellFormedLength(bytes, at: i)
            if length == 0 { offsets.append(i); i += 1 } else { i += length }
        }
        return offsets
    }

    /// Length of the well-formed sequence at `i` (Unicode Table 3-7), or 0.
    static func wellFormedLength(_ b: [UInt8], at i: Int) -> Int {
        func cont(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool { i + k < b.count && range.contains(b[i + k]) }
        switch b[i] {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0...0xBF) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80...0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90...0xBF) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80...0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }
}
