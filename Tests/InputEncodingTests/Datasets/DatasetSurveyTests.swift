import Foundation
import Testing
@testable import InputEncoding

/// The first pass read as two halves (`DatasetSurvey`, split at any size here) against one reader from the start:
/// the same labels, record count, error and message, whether the split holds, falls inside a quoted field,
/// or meets bad rows in either half.
@Suite struct DatasetSurveyTests {
    /// `count` rows `label,text,pair` with 20 labels (past LabelSet's 16 compared directly), quoted fields with
    /// commas and `""`, and CRLF endings on every third row.
    static func rows(_ count: Int, from start: Int = 0) -> String {
        (start..<(start + count)).map { k in
            let end = k % 3 == 0 ? "\r\n" : "\n"
            return "l\(k % 20),\"text \(k), with \"\"quotes\"\"\",pair \(k)\(end)"
        }.joined()
    }

    func compare(_ text: [UInt8], name: String = "data.csv", expectSplit: Bool?, configure: (inout DatasetReader.Configuration) -> Void = { _ in }) throws {
        let scratch = try DatasetScratch()
        let path = try scratch.write(name, text)
        var configuration = DatasetReader.Configuration(path: path, pairColumn: .name("pair"), blockSize: 64)
        configure(&configuration)
        let serial = Result { try DatasetSurvey.labelsAndCount(configuration, threads: 1) }
        let split = Result { try DatasetSurvey.labelsAndCount(configuration, threads: 2, minimumSplitBytes: 1) }
        switch (serial, split) {
        case let (.success(one), .success(two)):
            #expect(one.records == two.records)
            #expect(one.labels.sorted() == two.labels.sorted())
            #expect(!one.split)
            if let expectSplit { #expect(two.split == expectSplit) }
        case let (.failure(one), .failure(two)):
            #expect("\(one)" == "\(two)")
        default:
            Issue.record("one reading failed and the other did not: \(serial) / \(split)")
        }
    }

    @Test func splitAtALineFeedBetweenRecords() throws {
        try compare(Array(("label,text,pair\n" + Self.rows(400)).utf8), expectSplit: true)
    }

    @Test func splitInsideAQuotedFieldFallsBackToOneReader() throws {
        // One record of several KB with line feeds inside its quotes covers the middle of the file.
        // Its lines look like rows, so that a reader starting inside it reads on without an error.
        let long = "l3,\"" + String(repeating: "l19,inside,quotes\n", count: 600) + "end\",p,q\n"
        try compare(Array(("label,text,pair\n" + Self.rows(50) + long + Self.rows(50, from: 50)).utf8), expectSplit: false)
    }

    @Test func secondHalfStartingInsideAQuoteWithoutAnEnd() throws {
        // The middle falls on the line feed inside `"aaaaaaaa`: a reader starting after it opens a quote at `",p`
        // that no later byte closes (over 1 MiB of rows without quotes follow), so it gives up the split.
        let row = "L0,hi," + String(repeating: "x", count: 1990) + "\n"
        let rows = String(repeating: row, count: 700)
        try compare(Array(("label,text,pad\n" + rows + "L1,\"aaaaaaaa\nQ,\",p\n" + rows).utf8), expectSplit: false) {
            $0.pairColumn = nil
        }
    }

    @Test func badRowsInEitherHalf() throws {
        let head = Array(("label,text,pair\n" + Self.rows(300)).utf8)
        let bad: [UInt8] = Array("l1,caf".utf8) + [0xFF] + Array(",x\n".utf8)
        let missing = Array("l2,only two\n".utf8)
        let tail = Array(Self.rows(300, from: 300).utf8)
        for body in [head + bad + tail, head + tail + bad + missing, Array("label,text,pair\n".utf8) + bad + head.dropFirst(16) + tail] {
            try compare(body, expectSplit: nil)  // the error and its line
            try compare(body, expectSplit: nil) { $0.skipBadRows = true }
        }
        // With skipping, a bad row in the second half still lets the split stand.
        try compare(head + tail + bad + missing, expectSplit: true) { $0.skipBadRows = true }
    }

    @Test func tsvWithoutHeaderAndALastLineWithoutLineFeed() throws {
        let text = (0..<500).map { "l\($0 % 7)\ttext \($0)" }.joined(separator: "\n")
        try compare(Array(text.utf8), name: "data.tsv", expectSplit: true) {
            $0.pairColumn = nil
            $0.hasHeader = false
        }
    }

    @Test func unterminatedQuoteInTheSecondHalf() throws {
        try compare(Array(("label,text,pair\n" + Self.rows(400) + "l1,\"open").utf8), expectSplit: nil)
    }

    @Test func smallAndGzipFilesAreReadByOneThread() throws {
        let scratch = try DatasetScratch()
        let bytes = Array(("label,text,pair\n" + Self.rows(400)).utf8)
        let gzip = try scratch.writeGzip("data.csv.gz", bytes)
        let outcome = try DatasetSurvey.labelsAndCount(.init(path: gzip, pairColumn: .name("pair")), threads: 2, minimumSplitBytes: 1)
        #expect(!outcome.split && outcome.records == 400)
        let plain = try scratch.write("data.csv", bytes)
        #expect(try !DatasetSurvey.labelsAndCount(.init(path: plain, pairColumn: .name("pair")), threads: 2).split)
    }
}
