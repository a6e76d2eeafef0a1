import Testing
@testable import TextNormalization

/// Output-to-input byte maps: deletions, expansions, reorderings, composition across stages.
@Suite struct AlignmentTests {
    @Test func nfdExpansionMapsEveryByteToTheComposedScalar() throws {
        let (out, map) = try UnicodeNormalizer(form: .nfd).normalizeWithAlignment("aé b")
        #expect(out == "ae\u{0301} b")
        #expect(map == [0, 1, 1, 1, 3, 4])  // e + U+0301 (3 bytes) all from é at byte 1
    }

    @Test func nfcCompositionMapsToTheSegmentStart() throws {
        let (out, map) = try UnicodeNormalizer(form: .nfc).normalizeWithAlignment("xe\u{0301}y")
        #expect(out == "xéy")
        #expect(map == [0, 1, 1, 4])
    }

    @Test func canonicalReorderingStaysMonotone() throws {
        // q + dot below (ccc 220) after dot above (ccc 230): NFC/NFD reorder the marks.
        let input = "q\u{0307}\u{0323}z"
        for form in UnicodeForm.allCases {
            let (out, map) = try UnicodeNormalizer(form: form).normalizeWithAlignment(input)
            checkAlignment(input: input, output: out, map: map)
            #expect(map.last == 5)  // z
        }
        let (nfd, map) = try UnicodeNormalizer(form: .nfd).normalizeWithAlignment(input)
        #expect(nfd == "q\u{0323}\u{0307}z" && map == [0, 1, 1, 1, 1, 5])  // both marks from the start of the reordered run
    }

    @Test func compatibilityExpansionAndCasefold() throws {
        let (out, map) = try UnicodeNormalizer(form: .nfkc).normalizeWithAlignment("aﷺb")
        #expect(out.unicodeScalars.count > 10 && map.first == 0 && map.last == 4)
        #expect(map.dropFirst().dropLast().allSatisfy { $0 == 1 })
        let (folded, foldMap) = try UnicodeNormalizer(form: .nfkcCasefold).normalizeWithAlignment("Aß\u{200C}C")
        #expect(folded == "ass" + "c")  // ß → ss; ZWNJ removed (default ignorable)
        #expect(foldMap == [0, 1, 1, 6])
    }

    @Test func deletionsLeaveNoEntries() throws {
        let persian = try PersianNormalizer()
        let input = "کِتابـ"  // kasra and kashida removed
        let (out, map) = persian.normalizeWithAlignment(input)
        #expect(out == "کتاب")
        #expect(map == [0, 1, 4, 5, 6, 7, 8, 9])
        #expect(Alignment.inputRange(ofOutput: 0..<2, alignment: map, inputCount: 12) == 0..<4)  // ک keeps its kasra
        #expect(Alignment.inputRange(ofOutput: 6..<8, alignment: map, inputCount: 12) == 8..<12)  // ب and the kashida
    }

    @Test func pipelineComposesMaps() throws {
        // Mojibake repair (2 scalars → 1) then NFD (1 → 2): the map still points into the original.
        let pipeline = NormalizationPipeline([try MojibakeRepair(), try UnicodeNormalizer(form: .nfd)])
        let input = "cafÃ©!"
        let (out, map) = pipeline.normalizeWithAlignment(input)
        #expect(out == "cafe\u{0301}!")
        #expect(map == [0, 1, 2, 3, 3, 3, 7])
        #expect(NormalizationPipeline([]).normalizeWithAlignment("ab").alignment == [0, 1])
    }

    @Test func appendingKeepsEarlierContent() throws {
        var out = Array("prefix|".utf8)
        var map: [Int32]? = [99]
        let persian = try PersianNormalizer()
        Array("علي".utf8).withUnsafeBufferPointer { persian.normalize($0, into: &out, alignment: &map) }
        #expect(String(decoding: out, as: UTF8.self) == "prefix|علی")
        #expect(map == [99, 0, 1, 2, 3, 4, 4])  // ع ل copied byte for byte, ی from ي
    }
}

/// Inputs larger than one ICU call are cut at normalization boundaries.
@Suite struct LargeInputTests {
    @Test func piecesJoinSeamlessly() throws {
        let nfc = try UnicodeNormalizer(form: .nfc, chunk: 1000)
        // "e" + combining acute, over and over: every "e" composes with the mark after it.
        let input = Array(String(repeating: "e\u{0301}", count: 2000).utf8) + Array("x".utf8)
        let cut = input.withUnsafeBufferPointer { nfc.chunkEnd($0, from: 0) }
        #expect(cut <= 1000 && cut % 3 == 0)  // at an "e", never between it and its mark
        var out: [UInt8] = []
        var map: [Int32]? = []
        input.withUnsafeBufferPointer { nfc.normalize($0, into: &out, alignment: &map) }
        #expect(out == Array((String(repeating: "é", count: 2000) + "x").utf8))
        #expect(map?[2] == 3 && map?.last == 6000)  // offsets stay global across pieces
    }
}
