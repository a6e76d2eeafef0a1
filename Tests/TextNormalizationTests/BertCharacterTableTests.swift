import Testing
@testable import TextNormalization

@Suite struct BertCharacterTableTests {
    let uncased = BertCharacterTable.uncased
    let cased = BertCharacterTable.cased

    func kinds(_ t: BertCharacterTable, _ cp: UInt32) -> [BertCharacterTable.Kind] { t.mapping(of: cp).map(\.kind) }
    func scalars(_ t: BertCharacterTable, _ cp: UInt32) -> [UInt32] { t.mapping(of: cp).map(\.scalar) }

    /// The table's shortcut for unified CJK ideographs (isolated, unchanged) is what the full mapping from
    /// ICU's data gives for every one of them (80,208 code points: the two shared configurations only, to keep the
    /// debug-build test short; the argument holds for any configuration that isolates CJK characters).
    @Test func unifiedIdeographsMapToThemselves() {
        let configurations = [(true, true, true), (false, false, true)].map {  // the shared uncased and cased tables
            BertCharacterTable.Configuration(lowercase: $0.0, stripAccents: $0.1, handleChineseCharacters: true, cleanText: $0.2)
        }
        var mapped: [(BertCharacterTable.Kind, UInt32)] = []
        var scratch: [UInt32] = []
        var checked = 0
        for cp in UInt32(0x3400)..<0x2CEB0 where BertCharacterTable.isUnifiedIdeograph(cp) {
            for configuration in configurations {
                BertCharacterTable.map(cp, configuration, into: &mapped, scratch: &scratch)
                if mapped.count != 1 || mapped[0].0 != .isolated || mapped[0].1 != cp {
                    Issue.record("U+\(String(cp, radix: 16)) maps to \(mapped) with \(configuration)")
                    return
                }
            }
            checked += 1
        }
        #expect(checked > 80_000)  // 80,208 in Unicode 15
        #expect(uncased.mapping(of: 0x4E2D).map(\.kind) == [.isolated] && cased.mapping(of: 0x20000).map(\.scalar) == [0x20000])
    }

    @Test func cleanTextRemovesControlsFormatAndPrivateUseButKeepsUnassigned() {
        for cp: UInt32 in [0x00, 0xFFFD, 0x01, 0x7F, 0x0085, 0x200C, 0x200D, 0x00AD, 0xFEFF, 0xE000, 0x0B, 0x0C] {
            #expect(uncased.mapping(of: cp).isEmpty, "U+\(String(cp, radix: 16)) should be removed")
            #expect(cased.mapping(of: cp).isEmpty)
        }
        #expect(kinds(uncased, 0x0378) == [.word])  // unassigned (Cn) survives, as in HF
    }

    @Test func whitespaceBecomesSpace() {
        for cp: UInt32 in [0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x2003, 0x3000, 0x2028] {
            #expect(uncased.mapping(of: cp).map(\.scalar) == [0x20])
            #expect(kinds(cased, cp) == [.space])
        }
        #expect(uncased.mapping(of: 0x200B).isEmpty)  // ZWSP is Cf: removed, not a space
    }

    @Test func accentsAreStrippedOnlyWhenUncased() {
        #expect(scalars(uncased, 0x00C9) == [0x65])  // É → e
        #expect(scalars(cased, 0x00C9) == [0xC9])
        #expect(uncased.mapping(of: 0x0301).isEmpty)  // a lone combining acute disappears
        #expect(scalars(cased, 0x0301) == [0x0301])
        #expect(scalars(uncased, 0x0130) == [0x69])  // İ: NFD strips the dot before lowercasing
        let lowerOnly = BertCharacterTable(configuration: .init(lowercase: true, stripAccents: false))
        #expect(scalars(lowerOnly, 0x0130) == [0x69, 0x307])  // full lowercase mapping
        #expect(scalars(uncased, 0xAC00) == [0x1100, 0x1161])  // Hangul decomposes under NFD
    }

    @Test func punctuationAndCJKAreIsolated() {
        for cp: UInt32 in [0x21, 0x24, 0x2B, 0x5E, 0x60, 0x7E, 0x060C, 0x061F, 0x00AB, 0x3002, 0x2014] {
            #expect(kinds(uncased, cp) == [.isolated], "U+\(String(cp, radix: 16))")
        }
        #expect(kinds(uncased, 0x4E00) == [.isolated])
        #expect(scalars(uncased, 0xF900) == [0x8C48])  // compatibility ideograph → NFD → unified
        #expect(kinds(uncased, 0x2B820) == [.word])  // HF's range typo, followed on purpose
        #expect(kinds(uncased, 0x2B920) == [.isolated])
        #expect(kinds(uncased, 0x1FEF) == [.isolated])  // NFD gives '`', ASCII punctuation
        #expect(kinds(cased, 0x1FEF) == [.word])  // Sk when not decomposed
        #expect(kinds(uncased, 0x0041) == [.word] && scalars(uncased, 0x41) == [0x61])
    }
}
