import Foundation
import Testing

/// `bertkit normalize` end to end through the built binary.
@Suite struct NormalizeCommandTests {
    @Test func persianProfileLineInLineOut() throws {
        let input = "كتاب‌ ها ۳٫۵ Image2.jpg\n\nعلي\u{200F}\n"
        let r = try CLI.run(["normalize", "--profile", "persian", "--digits", "ascii", "--quiet"], stdin: Data(input.utf8))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text == "کتاب ها 3.5 Image2.jpg\n\nعلی\n")
    }

    @Test(.requires(.minilmVocabulary)) func zwnjPlaceholderThenTokenize() throws {
        let normalized = try CLI.run(["normalize", "--profile", "persian", "--zwnj-placeholder", "·", "--quiet"],
                                     stdin: Data("می‌خواهم\n".utf8))
        #expect(normalized.text == "می·خواهم\n")
        let ids = try CLI.run(["tokenize", "--vocab", CLI.vocab, "--quiet"], stdin: normalized.stdout)
        #expect(ids.text == "1295 24830 1087 1277 29836 25573 14157 22192\n")  // HF tokenizers 0.23.3, MiniLM vocab
    }

    @Test func formsAndOtherProfiles() throws {
        let nfd = try CLI.run(["normalize", "--form", "NFC", "--quiet"], stdin: Data("Sa\u{0303}o 1º\n".utf8))
        #expect(nfd.text == "São 1º\n")
        let english = try CLI.run(["normalize", "--profile", "english", "--quiet"], stdin: Data("cafÃ© ﬁne\n".utf8))
        #expect(english.text == "café fine\n")
        let bert = try CLI.run(["normalize", "--profile", "bert", "--quiet"], stdin: Data("a\u{200C}b\u{A0}c\n".utf8))
        #expect(bert.text == "ab c\n")
    }

    @Test func invalidUTF8FailsWithPositionAndLeavesNoFile() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.txt"), output = dir.appendingPathComponent("out.txt")
        try Data([0x6F, 0x6B, 0x0A, 0x61, 0xFF, 0x0A]).write(to: input)
        let r = try CLI.run(["normalize", "--profile", "persian", "--input", input.path, "--output", output.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains(":2:") && r.stderr.contains("--lossy"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let lossy = try CLI.run(["normalize", "--form", "NFC", "--lossy", "--quiet", "--input", input.path, "--output", output.path])
        #expect(lossy.status == 0)
        #expect(try String(contentsOf: output, encoding: .utf8) == "ok\na\u{FFFD}\n")
    }

    @Test func badOptionsAreRejected() throws {
        #expect(try CLI.run(["normalize", "--quiet"], stdin: Data()).status != 0)
        #expect(try CLI.run(["normalize", "--form", "NFC", "--profile", "bert"], stdin: Data()).status != 0)
        #expect(try CLI.run(["normalize", "--profile", "english", "--digits", "ascii"], stdin: Data()).status != 0)
        let unknown = try CLI.run(["normalize", "--form", "NFX"], stdin: Data())
        #expect(unknown.status != 0 && unknown.stderr.contains("use one of NFC, NFD, NFKC, NFKD, NFKC_CF"))
    }
}
