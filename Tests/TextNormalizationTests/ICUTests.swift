import Testing
@testable import TextNormalization

@Suite struct ICUTests {
    @Test func categoriesWhitespaceAndLowercase() {
        #expect(ICU.generalCategory(0x0301) == .nonSpacingMark)
        #expect(ICU.generalCategory(0x200C) == .format)  // ZWNJ is Cf
        #expect(ICU.generalCategory(0x060C).isPunctuation)  // Arabic comma
        #expect(!ICU.generalCategory(0x0041).isPunctuation)
        #expect(ICU.isWhiteSpace(0x00A0) && ICU.isWhiteSpace(0x3000) && !ICU.isWhiteSpace(0x200B))
        #expect(ICU.lowercase(0x00C9) == 0x00E9)
        #expect(ICU.lowercase(0x0130) == 0x0069)  // simple mapping only
    }

    @Test func canonicalDecompositionOfOneScalar() {
        #expect(ICU.canonicalDecomposition(0x00E9) == [0x0065, 0x0301])
        #expect(ICU.canonicalDecomposition(0xAC00) == [0x1100, 0x1161])  // Hangul syllable GA
        #expect(ICU.canonicalDecomposition(0xF900) == [0x8C48])  // CJK compatibility ideograph
        #expect(ICU.canonicalDecomposition(0x0041) == [0x0041])
        #expect(ICU.unicodeVersion.hasPrefix("15."))
    }
}
