import Foundation
import Testing
@testable import TextNormalization

/// BertCleaner against goldens from HF tokenizers 0.23.3 (Scripts/golden/bert_clean.py).
@Suite struct BertCleanerTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/normalization")

    /// Code points where HF's character tables (older Unicode) and ICU 72 (Unicode 15, which
    /// BertCharacterTable follows) disagree: format characters assigned after HF's tables were made
    /// (Arabic pound/piastre marks, Egyptian hieroglyph format controls, musical symbol formats, ...).
    /// BertCleaner takes the tokenizer's classification, so it removes them; HF keeps them.
    static let knownDisagreements: Set<UInt32> = Set([0x0890, 0x0891, 0x08E2, 0x110CD]).union(0x13430...0x1343F)

    /// Every code point, alone between two "x", does what HF does to it (keep, remove, become a space).
    @Test func everyCodePointMatchesHF() throws {
        let ranges = try String(contentsOf: Self.fixtures.appendingPathComponent("bert_clean_ranges.txt"), encoding: .utf8)
        var input = String.UnicodeScalarView()
        var expected: [(UInt32, [UInt32])] = []
        for line in ranges.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: " ")
            let lo = UInt32(f[0], radix: 16)!, hi = UInt32(f[1], radix: 16)!
            for v in lo...hi where v != 0x78 {
                guard let s = Unicode.Scalar(v) else { continue }
                input.append(s)
                input.append("x")
                expected.append((v, f[2] == "keep" ? [v] : f[2] == "space" ? [0x20] : []))
            }
        }
        #expect(expected.count == 0x110000 - 0x800 - 1)
        // Cut the output at each "x": segment k is what became of code point k.
        var segments: [[UInt32]] = [[]]
        for s in BertCleaner().normalize(String(input)).unicodeScalars {
            if s == "x" { segments.append([]) } else { segments[segments.count - 1].append(s.value) }
        }
        #expect(segments.count == expected.count + 1)
        var disagreements = Set<UInt32>()
        for (k, (v, want)) in expected.enumerated() where k < segments.count && segments[k] != want {
            disagreements.insert(v)
        }
        #expect(disagreements == Self.knownDisagreements, "\(disagreements.sorted().map { String($0, radix: 16) })")
    }

    @Test func mixedLinesMatchHF() throws {
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent("bert_clean.jsonl"), encoding: .utf8)
        var count = 0
        for line in text.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            let input = try #require(object?["in"]), output = try #require(object?["out"])
            let (got, map) = BertCleaner().normalizeWithAlignment(input)
            #expect(got == output)
            checkAlignment(input: input, output: got, map: map)
            count += 1
        }
        #expect(count == 3)
    }
}
