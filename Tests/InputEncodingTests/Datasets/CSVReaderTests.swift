import Foundation
import Testing
@testable import InputEncoding

@Suite struct CSVReaderTests {
    @Test(arguments: datasetBlockSizes)
    func quotedCommasNewlinesAndEscapes(blockSize: Int) throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("train.csv", #"""
            label,text
            pos,"good, really good"
            neg,"two
            lines"
            pos,"she said ""hi"""
            neg,plain text
            pos,"a ""quoted"" word, and
            more"

            """#)
        let records = try readAll(.init(path: path, blockSize: blockSize))
        #expect(textsAndLabels(records) == [
            ["good, really good", "pos"],
            ["two\nlines", "neg"],
            ["she said \"hi\"", "pos"],
            ["plain text", "neg"],
            ["a \"quoted\" word, and\nmore", "pos"],
        ])
        #expect(records.map(\.line) == [2, 3, 5, 6, 7])
        #expect(records.map(\.index) == [0, 1, 2, 3, 4])
        #expect(records.allSatisfy { $0.path == path && $0.pair == nil })
    }

    @Test(arguments: datasetBlockSizes)
    func crlfBOMAndLastLineWithoutNewline(blockSize: Int) throws {
        let scratch = try DatasetScratch()
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("label,text\r\n1,\"x\r\ny\"\r\n0,caf\u{e9}\r\n1,\"end\"".utf8)
        let path = try scratch.write("crlf.csv", bytes)
        let records = try readAll(.init(path: path, blockSize: blockSize))
        #expect(textsAndLabels(records) == [["x\r\ny", "1"], ["café", "0"], ["end", "1"]])
        #expect(records.map(\.line) == [2, 4, 5])
    }

    @Test func lastUnquotedLineWithoutNewlineAndTrailingEmptyField() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("t.csv", "label,text\na,b\nc,")
        #expect(try textsAndLabels(readAll(.init(path: path))) == [["b", "a"], ["", "c"]])
    }

    @Test func emptyTextIsARecordAndBlankLinesAreSkipped() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("e.csv", "label,text\n\nx,\"\"\n\r\ny,\n")
        let records = try readAll(.init(path: path))
        #expect(textsAndLabels(records) == [["", "x"], ["", "y"]])
        #expect(records.map(\.line) == [3, 5])
        #expect(records.allSatisfy { $0.isEmpty })
    }

    @Test func textAfterClosingQuoteAndQuotesInsideUnquotedFields() throws {
        // Python's csv (default dialect): `"ab"cd` reads as `abcd`, `x"y` as `x"y`.
        let scratch = try DatasetScratch()
        let path = try scratch.write("q.csv", "label,text\n\"ab\"cd,x\"y\n\"a\"\"\"z,q\n")
        #expect(try textsAndLabels(readAll(.init(path: path))) == [["x\"y", "abcd"], ["q", "a\"z"]])
    }

    @Test func defaultsPreferTextAndLabelHeaderNames() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("named.csv", "id,text,extra,label\n7,hello,zz,pos\n")
        let records = try readAll(.init(path: path))
        #expect(textsAndLabels(records) == [["hello", "pos"]])
        // A `text` column but no `label` column: no label.
        let noLabel = try scratch.write("nolabel.csv", "category,text,movie\nplot,story,m\n")
        #expect(try textsAndLabels(readAll(.init(path: noLabel))) == [["story", nil]])
        // One column: it is the text.
        let single = try scratch.write("single.csv", "sentence\nonly text\n")
        #expect(try textsAndLabels(readAll(.init(path: single))) == [["only text", nil]])
        // `label` named at column 1, no `text`: the text is column 0.
        let swapped = try scratch.write("swapped.csv", "sentence,label\nhi,1\n")
        #expect(try textsAndLabels(readAll(.init(path: swapped))) == [["hi", "1"]])
    }

    @Test func columnsByNameAndIndex() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("cols.csv", "a,b,c,d\n1,2,3,4\n5,6,7,8\n")
        let byName = try readAll(.init(path: path, textColumn: .name("c"), pairColumn: .name("d"), labelColumn: .name("a")))
        #expect(byName.map { [$0.text, $0.pair, $0.label] } == [["3", "4", "1"], ["7", "8", "5"]])
        let byIndex = try readAll(.init(path: path, textColumn: .index(3), pairColumn: .index(0), labelColumn: .index(2)))
        #expect(byIndex.map { [$0.text, $0.pair, $0.label] } == [["4", "1", "3"], ["8", "5", "7"]])
        // Only the text given: no label (the header has none named `label`).
        #expect(try textsAndLabels(readAll(.init(path: path, textColumn: .index(1)))) == [["2", nil], ["6", nil]])
    }

    @Test func noHeader() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("raw.csv", "pos,first\nneg,second\n")
        let records = try readAll(.init(path: path, hasHeader: false))
        #expect(textsAndLabels(records) == [["first", "pos"], ["second", "neg"]])
        #expect(records.map(\.line) == [1, 2])
        let byIndex = try readAll(.init(path: path, textColumn: .index(0), hasHeader: false))
        #expect(textsAndLabels(byIndex) == [["pos", nil], ["neg", nil]])
        let error = readError(.init(path: path, textColumn: .name("text"), hasHeader: false))
        #expect(error == .nameWithoutHeader(path: path, role: "text", name: "text"))
        #expect(error?.description.contains("--no-header") == true)
    }

    @Test func unknownColumnNameAndIndexPastTheHeader() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("h.csv", "label,text\na,b\n")
        #expect(readError(.init(path: path, textColumn: .name("review")))
            == .unknownColumn(path: path, role: "text", name: "review", header: ["label", "text"]))
        #expect(readError(.init(path: path, labelColumn: .index(2)))
            == .columnOutOfRange(path: path, role: "label", index: 2, columnCount: 2))
    }

    @Test func missingColumnNamesTheLineAndField() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("bad.csv", "label,text\na,one\n\"multi\nline\"\nb,two\n")
        let error = readError(.init(path: path))
        #expect(error == .missingColumn(path: path, line: 3, role: "text", field: 2, fieldCount: 1))
        #expect(error?.description.hasPrefix("\(path):3: the row has 1 field but the text column is field 2 (index 1)") == true)

        var reader = try DatasetReader(configuration: .init(path: path, skipBadRows: true))
        var records: [DatasetRecord] = []
        while let record = try reader.next() { records.append(record) }
        #expect(textsAndLabels(records) == [["one", "a"], ["two", "b"]])
        #expect(records.map(\.line) == [2, 5])
        #expect(records.map(\.index) == [0, 1])
        #expect(reader.skippedRows == 1)
        #expect(reader.recordsRead == 2)
        #expect(reader.firstSkippedError == error)
        #expect(reader.bytesRead == 36)
    }

    @Test(arguments: datasetBlockSizes)
    func invalidUTF8NamesLineAndColumn(blockSize: Int) throws {
        let scratch = try DatasetScratch()
        let bytes = Array("label,text\na,\"ok\nfine\"\nb,ab".utf8) + [0xC3, 0x28] + Array("\nc,last\n".utf8)
        let path = try scratch.write("utf8.csv", bytes)
        let error = readError(.init(path: path, blockSize: blockSize))
        #expect(error == .invalidUTF8(path: path, line: 4, column: 5))
        #expect(error?.description.hasPrefix("\(path):4:5: invalid UTF-8") == true)
        var reader = try DatasetReader(configuration: .init(path: path, skipBadRows: true, blockSize: blockSize))
        var texts: [String] = []
        while let record = try reader.next() { texts.append(record.text) }
        #expect(texts == ["ok\nfine", "last"])
        #expect(reader.skippedRows == 1)
    }

    @Test(arguments: datasetBlockSizes)
    func unterminatedQuoteIsAnErrorEvenWhenSkipping(blockSize: Int) throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("open.csv", "label,text\na,fine\nb,x\nc,\"never\nclosed\n")
        for skip in [false, true] {
            #expect(readError(.init(path: path, skipBadRows: skip, blockSize: blockSize))
                == .unterminatedQuote(path: path, line: 4, column: 3))
        }
    }

    @Test func recordTooLongIsSkippedFollowingQuotes() throws {
        let scratch = try DatasetScratch()
        let long = String(repeating: "word, ", count: 20)
        let path = try scratch.write("long.csv", "label,text\na,short\nb,\"\(long)\n\(long)\"\nc,after\n")
        let strict = readError(.init(path: path, maxRecordBytes: 40, blockSize: 16))
        #expect(strict == .recordTooLong(path: path, line: 3, limit: 40))
        var reader = try DatasetReader(configuration: .init(path: path, skipBadRows: true, maxRecordBytes: 40, blockSize: 16))
        var records: [DatasetRecord] = []
        while let record = try reader.next() { records.append(record) }
        #expect(textsAndLabels(records) == [["short", "a"], ["after", "c"]])
        #expect(records.map(\.line) == [2, 5])
        #expect(reader.skippedRows == 1)
    }

    @Test func tsvHonoursQuotesLikePythonCSV() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("train.tsv", "label\ttext\npos\t\"tab\there, and \"\"quote\"\"\"\nneg\tcomma, plain\n")
        let records = try readAll(.init(path: path))
        #expect(textsAndLabels(records) == [["tab\there, and \"quote\"", "pos"], ["comma, plain", "neg"]])
    }

    @Test(arguments: datasetBlockSizes)
    func gzipIsInflatedWhileStreaming(blockSize: Int) throws {
        let scratch = try DatasetScratch()
        var csv = "label,text\n"
        for i in 0..<2000 { csv += "\(i % 3),\"line \(i), with comma\"\n" }
        let path = try scratch.writeGzip("big.csv.gz", Array(csv.utf8))
        var reader = try DatasetReader(configuration: .init(path: path, blockSize: blockSize))
        #expect(reader.format == .csv)
        var count = 0
        while let record = try reader.next() {
            #expect(record.text == "line \(count), with comma")
            #expect(record.label == "\(count % 3)")
            #expect(record.line == count + 2)
            count += 1
        }
        #expect(count == 2000)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(reader.bytesRead == size)
    }

    @Test func concatenatedGzipMembersAndDamagedGzip() throws {
        let scratch = try DatasetScratch()
        let first = try scratch.writeGzip("a.gz", Array("label,text\nx,one\n".utf8))
        let second = try scratch.writeGzip("b.gz", Array("y,two\n".utf8))
        let joined = try Data(contentsOf: URL(fileURLWithPath: first)) + Data(contentsOf: URL(fileURLWithPath: second))
        let path = try scratch.write("joined.csv.gz", [UInt8](joined))
        #expect(try textsAndLabels(readAll(.init(path: path))) == [["one", "x"], ["two", "y"]])

        let truncated = try scratch.write("cut.csv.gz", Array([UInt8](joined).prefix(20)))
        guard case .corruptGzip(let errorPath, _)? = readError(.init(path: truncated)) else {
            Issue.record("a truncated gzip file must be reported")
            return
        }
        #expect(errorPath == truncated)
        let notGzip = try scratch.write("plain.csv.gz", "label,text\na,b\n")
        guard case .corruptGzip? = readError(.init(path: notGzip)) else {
            Issue.record("a plain file named .gz must be reported")
            return
        }
    }

    @Test func headerOnlyAndEmptyFilesGiveNoRecords() throws {
        let scratch = try DatasetScratch()
        #expect(try readAll(.init(path: scratch.write("h.csv", "label,text\n"))).isEmpty)
        #expect(try readAll(.init(path: scratch.write("e.csv", ""))).isEmpty)
    }

    /// The first pass of dataset encoding reads without the texts (`keepsText` false): the same labels, lines,
    /// indices, skips and errors as a full read.
    @Test(arguments: datasetBlockSizes)
    func readingWithoutTextsKeepsLabelsLinesAndSkips(blockSize: Int) throws {
        let scratch = try DatasetScratch()
        let bytes = Array("label,text,pair\npos,\"a, \"\"b\"\"\",c\nneg,only two\n".utf8) + [0x70, 0x6F, 0x73, 0x2C, 0xFF, 0x2C, 0x78, 0x0A]
            + Array("neg,\"multi\nline\",\"p\"\n\npos,x,y\n".utf8)
        let path = try scratch.write("pairs.csv", bytes)
        var full = DatasetReader.Configuration(path: path, pairColumn: .name("pair"), skipBadRows: true, blockSize: blockSize)
        let expected = try readAll(full)
        #expect(textsAndLabels(expected) == [["a, \"b\"", "pos"], ["multi\nline", "neg"], ["x", "pos"]])
        full.keepsText = false
        let labelsOnly = try readAll(full)
        #expect(labelsOnly.map(\.label) == expected.map(\.label))
        #expect(labelsOnly.map(\.line) == expected.map(\.line))
        #expect(labelsOnly.map(\.index) == expected.map(\.index))
        #expect(labelsOnly.allSatisfy { $0.text.isEmpty && $0.pair == nil })
        full.skipBadRows = false
        #expect(readError(full)?.description == "\(path):3: the row has 2 fields but the pair column is field 3 (index 2); fix the row or pass --skip-bad-rows")
    }
}
