import Foundation
import Testing
@testable import TextNormalization
import BertKitTestSupport

/// Unicode's NormalizationTest.txt through UnicodeNormalizer (all four forms, both invariant groups, part 1).
@Suite struct UnicodeNormalizerTests {
    static let testFile = URL(fileURLWithPath: TestAsset.unicodeNormalizationTest.path)

    /// The rows of the file as (part, five columns of scalars as strings).
    static func rows() throws -> [(part: Int, columns: [String])]? {
        guard let text = try? String(contentsOf: testFile, encoding: .utf8) else { return nil }
        var part = -1
        var rows: [(Int, [String])] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("@Part") { part = Int(line.dropFirst(5).prefix { $0.isNumber }) ?? -1; continue }
            let fields = line.split(separator: ";", omittingEmptySubsequences: false).prefix(5)
            let columns = fields.map { field in
                var s = String.UnicodeScalarView()
                for hex in field.split(separator: " ") { s.append(Unicode.Scalar(UInt32(hex, radix: 16)!)!) }
                return String(s)
            }
            rows.append((part, columns))
        }
        return rows
    }

    @Test(.requires(.unicodeNormalizationTest))
    func normalizationTestFileAllColumns() throws {
        let rows = try #require(try Self.rows())
        #expect(rows.count > 19_000)
        let n = try Dictionary(uniqueKeysWithValues: UnicodeForm.allCases.map { ($0, try UnicodeNormalizer(form: $0)) })
        var failures = 0
        for (_, c) in rows {
            let (c1, c2, c3, c4, c5) = (c[0], c[1], c[2], c[3], c[4])
            func check(_ form: UnicodeForm, _ inputs: [String], _ expected: String) {
                for input in inputs {
                    let (out, map) = n[form]!.normalizeWithAlignment(input)
                    if out != expected {
                        failures += 1
                        if failures < 10 { Issue.record("\(form) of \(input.unicodeScalars.map { String($0.value, radix: 16) }) gave \(out.unicodeScalars.map { String($0.value, radix: 16) })") }
                    }
                    checkAlignment(input: input, output: out, map: map)
                }
            }
            check(.nfc, [c1, c2, c3], c2)
            check(.nfc, [c4, c5], c4)
            check(.nfd, [c1, c2, c3], c3)
            check(.nfd, [c4, c5], c5)
            check(.nfkc, [c1, c2, c3, c4, c5], c4)
            check(.nfkd, [c1, c2, c3, c4, c5], c5)
            // ICU's own quick check agrees that each expected column is in its form.
            for (form, text) in [(UnicodeForm.nfc, c2), (.nfd, c3), (.nfkc, c4), (.nfkd, c5)] {
                var copy = text
                if copy.withUTF8({ (try? ICU.isNormalizedUTF8(form, $0)) != true }) { failures += 1 }
            }
        }
        #expect(failures == 0)
    }

    /// Part 1 lists every code point that changes under some form; every other one must be invariant.
    @Test(.requires(.unicodeNormalizationTest))
    func everyOtherCodePointIsInvariant() throws {
        let rows = try #require(try Self.rows())
        var listed = Set<UInt32>()
        for (part, c) in rows where part == 1 { listed.insert(c[0].unicodeScalars.first!.value) }
        #expect(listed.count > 10_000)
        // Join the unlisted code points with "\n": a newline starts a segment, so each stays alone.
        var text = String.UnicodeScalarView()
        for v in UInt32(0)...0x10FFFF where !listed.contains(v) {
            guard let s = Unicode.Scalar(v) else { continue }
            text.append(s)
            text.append("\n")
        }
        let input = String(text)
        for form in [UnicodeForm.nfc, .nfd, .nfkc, .nfkd] {
            let out = try UnicodeNormalizer(form: form).normalize(input)
            #expect(out.utf8.elementsEqual(input.utf8), "\(form) changed an unlisted code point")
        }
    }
}

/// The quick-check copy path and the ICU helpers it relies on.
@Suite struct UnicodeNormalizerFastPathTests {
    func prefix(_ form: UnicodeForm, _ text: String) throws -> Int {
        let table = try StableTable.shared(form)
        var copy = text
        return copy.withUTF8 { table.stablePrefix($0) }
    }

    /// The copied prefix ends before the last stable starter ahead of the first unstable code point.
    @Test func stablePrefixStopsBeforeTheLastStarter() throws {
        #expect(try prefix(.nfc, "plain ascii text, long enough for words") == 39)
        #expect(try prefix(.nfc, "abcde\u{0301}") == 4)  // "e" may combine with the accent: cut before it
        #expect(try prefix(.nfc, "São Paulo") == 10)  // composed text is stable for NFC,
        #expect(try prefix(.nfd, "São Paulo") == 0)  // not for NFD: "ã" fails, cut before the starter "S"
        #expect(try prefix(.nfkcCasefold, "abc") == 3)
        #expect(try prefix(.nfkcCasefold, "abC") == 1)
        #expect(try prefix(.nfkc, "x\u{FB01}") == 0)
    }

    @Test func casefoldJoiningTypesAndCodePages() throws {
        #expect(try UnicodeNormalizer(form: .nfkcCasefold).normalize("Straße ＡＢＣ") == "strasse abc")
        #expect(ICU.joiningType(0x0628) == 2 && ICU.joiningType(0x0631) == 4 && ICU.joiningType(0x0041) == 0)
        #expect(ICU.joiningType(0x064E) == 5 && ICU.joiningType(0x200D) == 1)
        let cp1252 = try ICU.codePage("windows-1252")
        #expect(cp1252[0xE9] == 0xE9 && cp1252[0x80] == 0x20AC && cp1252[0x81] == 0x81)
        let cp1256 = try ICU.codePage("windows-1256")
        #expect(cp1256[0xD8] == 0x0637 && cp1256[0x90] == 0x06AF)
        #expect(throws: NormalizationError.self) { try ICU.codePage("no-such-encoding") }
        #expect(UTF8Proc.lumped(0x2019) == [0x27] && UTF8Proc.lumped(0x0041) == [0x41])
        #expect(UTF8Proc.unicodeVersion.hasPrefix("15."))
    }

    @Test func utf8procAndICUAgreeOnNFC() throws {
        let text = "Sa\u{0303}o Joa\u{0303}o e\u{0301} q\u{0307}\u{0323} 한국어 \u{1100}\u{1161}\u{11A8}"
        var copy = text
        let fromUTF8Proc = copy.withUTF8 { UTF8Proc.nfc($0) }.map { String(decoding: $0, as: UTF8.self) }
        #expect(fromUTF8Proc == (try UnicodeNormalizer(form: .nfc).normalize(text)))
    }
}

/// The alignment contract: one entry per output byte, non-decreasing, inside the input; an output byte that
/// starts a scalar maps to the start of a scalar in the input (continuation bytes of a copied scalar map to
/// the matching input bytes).
func checkAlignment(input: String, output: String, map: [Int32], sourceLocation: SourceLocation = #_sourceLocation) {
    let bytes = Array(input.utf8), out = Array(output.utf8)
    var ok = map.count == out.count
    var previous: Int32 = 0
    for (i, m) in map.enumerated() where ok {
        if m < previous || Int(m) >= bytes.count { ok = false; break }
        if out[i] & 0xC0 != 0x80 && bytes[Int(m)] & 0xC0 == 0x80 { ok = false }
        previous = m
    }
    #expect(ok, "bad alignment \(map) for \(bytes) -> \(out)", sourceLocation: sourceLocation)
}
