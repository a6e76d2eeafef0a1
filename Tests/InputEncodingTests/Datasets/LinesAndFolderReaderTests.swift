import Foundation
import Testing
@testable import InputEncoding

@Suite struct LinesAndFolderReaderTests {
    @Test(arguments: datasetBlockSizes)
    func everyLineIsARecord(blockSize: Int) throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("corpus.txt", [0xEF, 0xBB, 0xBF] + Array("first, \"quoted\"\r\n\nthird line\nلغت".utf8))
        let records = try readAll(.init(path: path, blockSize: blockSize))
        #expect(textsAndLabels(records) == [["first, \"quoted\"", nil], ["", nil], ["third line", nil], ["لغت", nil]])
        #expect(records.map(\.line) == [1, 2, 3, 4])
    }

    @Test func linesReportInvalidUTF8AndLongLines() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write("bad.txt", Array("good\nab".utf8) + [0xE2, 0x82] + Array("\nlong line here\nend\n".utf8))
        #expect(readError(.init(path: path)) == .invalidUTF8(path: path, line: 2, column: 3))
        #expect(readError(.init(path: path, maxRecordBytes: 8, blockSize: 4)) == .invalidUTF8(path: path, line: 2, column: 3))
        var reader = try DatasetReader(configuration: .init(path: path, skipBadRows: true, maxRecordBytes: 8, blockSize: 4))
        var texts: [String] = []
        while let record = try reader.next() { texts.append(record.text) }
        #expect(texts == ["good", "end"])
        #expect(reader.skippedRows == 2)
        #expect(reader.firstSkippedError == .invalidUTF8(path: path, line: 2, column: 3))
    }

    @Test func gzipLines() throws {
        let scratch = try DatasetScratch()
        let path = try scratch.writeGzip("c.txt.gz", Array("a\nb\n".utf8))
        #expect(try textsAndLabels(readAll(.init(path: path))) == [["a", nil], ["b", nil]])
    }

    @Test func classFoldersInNameOrder() throws {
        let scratch = try DatasetScratch()
        try scratch.write("imdb/pos/2.txt", "great\nfilm")
        try scratch.write("imdb/pos/10.txt", "loved it")
        try scratch.write("imdb/neg/1.txt", [0xEF, 0xBB, 0xBF] + Array("dull".utf8))
        try scratch.write("imdb/neg/notes.md", "not a review")
        try scratch.write("imdb/README.txt", "top-level files are not records")
        let root = scratch.directory + "/imdb"
        var reader = try DatasetReader(configuration: .init(path: root))
        #expect(reader.format == .folder)
        var records: [DatasetRecord] = []
        while let record = try reader.next() { records.append(record) }
        #expect(textsAndLabels(records) == [["dull", "neg"], ["loved it", "pos"], ["great\nfilm", "pos"]])
        #expect(records.map(\.path) == [root + "/neg/1.txt", root + "/pos/10.txt", root + "/pos/2.txt"])
        #expect(records.map(\.index) == [0, 1, 2])
        #expect(reader.bytesRead == 3 + 4 + 8 + 10)
    }

    @Test func classFolderErrors() throws {
        let scratch = try DatasetScratch()
        try scratch.write("empty/pos/notes.md", "x")
        #expect(readError(.init(path: scratch.directory + "/empty")) == .noClassFolders(path: scratch.directory + "/empty"))
        let bad = try scratch.write("data/neg/a.txt", Array("fine\nbad ".utf8) + [0xC0, 0x80])
        try scratch.write("data/neg/b.txt", "ok")
        #expect(readError(.init(path: scratch.directory + "/data")) == .invalidUTF8(path: bad, line: 2, column: 5))
        let records = try readAll(.init(path: scratch.directory + "/data", skipBadRows: true))
        #expect(textsAndLabels(records) == [["ok", "neg"]])
    }
}
