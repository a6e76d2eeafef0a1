import Testing
@testable import InputEncoding

@Suite struct JSONLinesReaderTests {
    @Test(arguments: datasetBlockSizes)
    func stringsNumbersEscapesAndNestedValues(blockSize: Int) throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("train.jsonl", #"""
            {"text": "plain", "label": "pos"}
            {"label": 3, "text": "tab\there \"q\" \\ \/ caf\u00e9 \ud83d\ude00 \u062f"}

              {"meta": {"a": [1, 2, {"b": null}], "text": "nested, unused"}, "text": "outer", "label": true}
            {"text":"x","label":-1.5e3,"extra":[true,false,null]}
            {"text": "multi", "label": ["a", "b"]}
            """#)
        let records = try readAll(.init(path: path, blockSize: blockSize))
        #expect(textsAndLabels(records) == [
            ["plain", "pos"],
            ["tab\there \"q\" \\ / café 😀 د", "3"],
            ["outer", "true"],
            ["x", "-1.5e3"],
            ["multi", #"["a", "b"]"#],
        ])
        #expect(records.map(\.line) == [1, 2, 4, 5, 6])
        #expect(records.map(\.index) == [0, 1, 2, 3, 4])
    }

    @Test func labelOnlyWhenTheFirstObjectHasOneAndKeysByName() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("nolabel.jsonl", "{\"text\": \"a\"}\n{\"text\": \"b\", \"label\": 1}\n")
        #expect(try textsAndLabels(readAll(.init(path: path))) == [["a", nil], ["b", nil]])

        let pairs = try scratch.write("pairs.jsonl", #"{"premise": "p1", "hypothesis": "h1", "gold": 0}"# + "\n")
        let records = try readAll(.init(path: pairs, textColumn: .name("premise"), pairColumn: .name("hypothesis"), labelColumn: .name("gold")))
        #expect(records.map { [$0.text, $0.pair, $0.label] } == [["p1", "h1", "0"]])
        #expect(readError(.init(path: pairs, textColumn: .index(0))) == .indexInJSONLines(path: pairs, role: "text", index: 0))
    }

    @Test func nullOrMissingTextAndMalformedLines() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("bad.jsonl", """
            {"text": "ok", "label": "a"}
            {"text": null, "label": "b"}
            {"label": "c"}
            {"text": "unclosed", "label": "d"
            {"text": "trailing"} x
            {"text": "\\ud800 lone", "label": "e"}
            [1, 2]
            {"text": "end", "label": null}
            """)
        #expect(readError(.init(path: path)) == .missingKey(path: path, line: 2, role: "text", key: "text", isNull: true))
        var reader = try DatasetReader(configuration: .init(path: path, skipBadRows: true))
        var records: [DatasetRecord] = []
        while let record = try reader.next() { records.append(record) }
        #expect(textsAndLabels(records) == [["ok", "a"], ["end", nil]])
        #expect(records.map(\.line) == [1, 8])
        #expect(reader.skippedRows == 6)
    }

    @Test func malformedJSONNamesLineAndColumn() throws {
        let scratch = try DatasetScratch()
        let missingKey = try scratch.write("m.jsonl", "{\"text\": \"a\"}\n{\"label\": \"c\"}\n")
        let error = readError(.init(path: missingKey))
        #expect(error == .missingKey(path: missingKey, line: 2, role: "text", key: "text", isNull: false))
        #expect(error?.description.hasPrefix("\(missingKey):2: the text key 'text' is missing") == true)

        let path = try scratch.write("syntax.jsonl", "{\"text\": \"a\"}\n{\"text\": \"b\" \"label\": 1}\n")
        guard case let .malformedJSON(errorPath, line, column, _)? = readError(.init(path: path)) else {
            Issue.record("expected a JSON syntax error")
            return
        }
        #expect([errorPath, "\(line)", "\(column)"] == [path, "2", "14"])
        let control = try scratch.write("control.jsonl", "{\"text\": \"a\tb\"}\n")
        guard case .malformedJSON(_, 1, 12, _)? = readError(.init(path: control)) else {
            Issue.record("a raw tab inside a JSON string is malformed")
            return
        }
    }

    @Test func invalidUTF8InJSONL() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("u.jsonl", Array("{\"text\": \"ok\"}\n{\"text\": \"a".utf8) + [0xFF] + Array("\"}\n".utf8))
        #expect(readError(.init(path: path)) == .invalidUTF8(path: path, line: 2, column: 12))
    }
}
