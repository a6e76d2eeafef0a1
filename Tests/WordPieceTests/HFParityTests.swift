import Foundation
import Testing
@testable import TextNormalization
@testable import WordPiece

/// Id-for-id parity with HF `tokenizers` 0.23.3, against golden files made by
/// Scripts/golden/generate-tokenization.py (formats and versions: Fixtures/tokenization/golden/README.md).
@Suite struct HFParityTests {
    enum Mode: String, CaseIterable, Sendable {
        case uncased, cased
        var configuration: WordPieceTokenizer.Configuration { self == .uncased ? .init() : .cased }
    }

    static let golden = Repo.path("Fixtures/tokenization/golden")

    static func tokenizer(_ mode: Mode) throws -> WordPieceTokenizer {
        WordPieceTokenizer(vocabulary: try Repo.realVocabulary(), configuration: mode.configuration)
    }

    /// Lines split on "\n" only, as the generator splits them (a final newline ends the last line).
    static func lines(_ path: String) throws -> [Substring] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines
    }

    /// FNV-1a 64 of the ids as `bertkit tokenize` prints them.
    static func digest(_ ids: [Int32]) -> String {
        digest(bytes: ids.map(String.init).joined(separator: " ").utf8)
    }

    /// FNV-1a 64 of `bytes` as 16 lower-case hex digits.
    static func digest(bytes: some Sequence<UInt8>) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The standard FNV-1a 64 test vectors (Fowler/Noll/Vo reference test suite; the generator asserts the same
    /// three), and ids joined by single spaces as the golden files hash them (values from
    /// Scripts/golden/generate-tokenization.py's `fnv1a64`).
    @Test func fnvDigestMatchesTheGoldenReadmeVectors() {
        #expect(Self.digest([]) == "cbf29ce484222325")
        #expect(Self.digest(bytes: "a".utf8) == "af63dc4c8601ec8c")
        #expect(Self.digest(bytes: "foobar".utf8) == "85944171f73967e8")
        #expect(Self.digest([7592]) == Self.digest(bytes: "7592".utf8))
        #expect(Self.digest([7592, 1010, 2088, 999]) == "6e72af3fa926ff49")
        #expect(Self.digest([101, 102]) == "9aa232cf9b2c320a")
        #expect(Self.digest([13900]) == "00f5898e9456454c")  // leading zeros are kept
    }

    @Test(.requires(.minilmVocabulary), arguments: Mode.allCases)
    func handWrittenEdgeCases(mode: Mode) throws {
        try Self.checkEdgeCases(try Self.tokenizer(mode), mode: mode, golden: Self.golden)
    }

    /// The same edge cases over the committed mini vocabulary (Fixtures/tokenization/mini, a subset of the real
    /// one made by Scripts/golden/make-mini-vocab.py, goldens from HF over that subset): needs no fetched asset.
    @Test(arguments: Mode.allCases)
    func miniVocabularyEdgeCases(mode: Mode) throws {
        let vocabulary = try Vocabulary(contentsOf: Repo.path("Fixtures/tokenization/mini/vocab.txt"))
        #expect(vocabulary.count == 2854)
        let tokenizer = WordPieceTokenizer(vocabulary: vocabulary, configuration: mode.configuration)
        try Self.checkEdgeCases(tokenizer, mode: mode, golden: Repo.path("Fixtures/tokenization/mini"))
    }

    /// Fixtures/tokenization/edge-cases.txt through `tokenizer`, id for id against `golden`/edge-cases.<mode>.jsonl.
    static func checkEdgeCases(_ tokenizer: WordPieceTokenizer, mode: Mode, golden: String) throws {
        let inputs = try Self.lines(Repo.path("Fixtures/tokenization/edge-cases.txt"))
        let expected = try Self.lines("\(golden)/edge-cases.\(mode.rawValue).jsonl")
        #expect(inputs.count == expected.count && inputs.count > 150)
        for (k, (input, json)) in zip(inputs, expected).enumerated() {
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            let ids = (object["ids"] as! [NSNumber]).map { $0.int32Value }
            let ours = tokenizer.tokenIDs(String(input))
            #expect(ours == ids, "edge-cases.txt line \(k + 1) (\(object["note"] ?? "")): \(mode)\n HF  \(object["tokens"] ?? "")\n us  \(ours.map { tokenizer.vocabulary.tokens[Int($0)] })")
        }
    }

    @Test(.requires(.minilmVocabulary, .corpusText), arguments: TestAsset.corpora, Mode.allCases)
    func realCorpusDigests(corpus: String, mode: Mode) throws {
        let input = Repo.path(".assets/text/\(corpus).txt")
        let tokenizer = try Self.tokenizer(mode)
        let lines = try Self.lines(input)
        var digests = try Self.lines("\(Self.golden)/\(corpus).\(mode.rawValue).digests")
        let header = digests.removeFirst()
        try #require(lines.count == digests.count, "\(corpus): \(lines.count) lines but golden has \(digests.count) (\(header)); regenerate")
        var mismatches = 0
        for (k, line) in lines.enumerated() where Self.digest(tokenizer.tokenIDs(String(line))) != digests[k] {
            mismatches += 1
            if mismatches <= 5 { Issue.record("\(corpus).txt line \(k + 1) differs from HF (\(mode)): \(line.prefix(120))") }
        }
        #expect(mismatches == 0, "\(mismatches) of \(lines.count) lines differ")
    }

    /// HF's behaviour for every code point, from codepoints.<mode>.tsv: (kind, output) for listed ones.
    static func hfCodePoints(_ mode: Mode) throws -> [UInt32: (kind: String, output: [UInt32]?)] {
        var expected: [UInt32: (kind: String, output: [UInt32]?)] = [:]
        for row in try lines("\(golden)/codepoints.\(mode.rawValue).tsv") where !row.hasPrefix("#") {
            let cols = row.split(separator: "\t", omittingEmptySubsequences: false)
            let bounds = cols[0].split(separator: "-").map { UInt32($0, radix: 16)! }
            let output: [UInt32]? = cols[2] == "=" ? nil : cols[2].split(separator: " ").map { UInt32($0, radix: 16)! }
            for cp in bounds[0]...(bounds.count > 1 ? bounds[1] : bounds[0]) { expected[cp] = (String(cols[1]), output) }
        }
        return expected
    }

    /// Code points where `table` disagrees with HF: (code point, HF kind, HF output).
    static func differences(_ table: BertCharacterTable, _ hf: [UInt32: (kind: String, output: [UInt32]?)])
        -> [(cp: UInt32, kind: String, output: [UInt32], ours: String)]
    {
        var result: [(UInt32, String, [UInt32], String)] = []
        for cp in UInt32(0)..<0x110000 where !(0xD800...0xDFFF).contains(cp) {
            let ours = table.mapping(of: cp)
            let oursKind: String
            switch ours.first?.kind {
            case nil: oursKind = "removed"
            case .space?: oursKind = "space"
            case .isolated?: oursKind = "isolated"
            default: oursKind = ours.count == 1 && ours[0].scalar == cp ? "plain" : "word"
            }
            let expected = hf[cp] ?? ("plain", nil)
            let output = expected.kind == "removed" ? [] : expected.kind == "space" ? [0x20] : expected.output ?? [cp]
            let same = expected.kind == "removed" || expected.kind == "space"
                ? oursKind == expected.kind : oursKind == expected.kind && ours.map(\.scalar) == output
            if !same {
                result.append((cp, expected.kind, output, "\(oursKind) \(ours.map { String($0.scalar, radix: 16) })"))
            }
        }
        return result
    }

    /// Every code point: kind and mapping from our table equal HF's, as recorded in codepoints.<mode>.tsv.
    /// With BERTKIT_WRITE_HF_COMPAT=1 it first rewrites Sources/TextNormalization/HFCompatibility+Generated.swift
    /// from the ICU-only tables (see Fixtures/tokenization/golden/README.md).
    @Test(arguments: Mode.allCases)
    func everyCodePoint(mode: Mode) throws {
        if ProcessInfo.processInfo.environment["BERTKIT_WRITE_HF_COMPAT"] == "1" && mode == .uncased {
            try Self.writeOverrides()
        }
        let table = mode == .uncased ? BertCharacterTable.uncased : BertCharacterTable.cased
        let differences = Self.differences(table, try Self.hfCodePoints(mode))
        let shown = differences.prefix(40).map { String(format: "U+%04X HF %@ %@, ours %@", $0.cp, $0.kind, $0.output.map { String($0, radix: 16) }.joined(separator: " "), $0.ours) }
        #expect(differences.count == 0, "\(differences.count) code points differ, first: \(shown.joined(separator: "\n"))")
    }

    /// The ICU-only table alone must differ from HF (else the overrides would be dead weight) and only
    /// on rare code points: none in Latin, Arabic-script or CJK blocks that ordinary text uses.
    @Test func overridesAreFewAndRare() throws {
        let icuOnly = BertCharacterTable(configuration: .init(lowercase: true), hfCompatible: false)
        let differences = Self.differences(icuOnly, try Self.hfCodePoints(.uncased))
        #expect(differences.count > 100 && differences.count < 1000, "\(differences.count) overrides")
        let common = differences.filter { $0.cp < 0x0590 || (0x0600...0x06FF).contains($0.cp) || (0x4E00...0x9FFF).contains($0.cp) }
        #expect(common.map(\.cp) == [0x061D])  // ARABIC END OF TEXT MARK (Unicode 14): HF predates it
    }

    static func writeOverrides() throws {
        var swift = """
            // Generated by `BERTKIT_WRITE_HF_COMPAT=1 swift test --filter everyCodePoint` from
            // Fixtures/tokenization/golden/codepoints.{uncased,cased}.tsv (HF tokenizers 0.23.3): the code points
            // where HF's behaviour differs from ICU's Unicode data. Do not edit by hand.

            extension BertCharacterTable {

            """
        for mode in Mode.allCases {
            let icuOnly = BertCharacterTable(configuration: .init(lowercase: mode == .uncased), hfCompatible: false)
            let kinds = ["plain": 0, "word": 0, "space": 1, "removed": 2, "isolated": 3]
            let rows = differences(icuOnly, try hfCodePoints(mode)).map { d -> String in
                let values = [d.cp, UInt32(kinds[d.kind]!), UInt32(d.output.count)] + d.output
                return "        " + values.map { String(format: "0x%X", $0) }.joined(separator: ", ") + ","
            }
            let name = mode == .uncased ? "Uncased" : "Cased"
            swift += "    /// \(rows.count) code points: (code point, kind, count, scalars...) runs.\n"
            swift += "    static let hfOverrides\(name): [UInt32] = [\n\(rows.joined(separator: "\n"))\n    ]\n"
        }
        swift += "}\n"
        try swift.write(toFile: Repo.path("Sources/TextNormalization/HFCompatibility+Generated.swift"), atomically: true, encoding: .utf8)
    }
}
