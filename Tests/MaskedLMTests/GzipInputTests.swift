import Foundation
import Testing
import WordPiece
@testable import MaskedLM

/// `.gz` inputs: both document readers inflate them (several gzip members included) and give the documents of
/// the plain file; damaged gzip is an error naming the file.
@Suite struct GzipInputTests {
    static let vocabulary = try! Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "is", "you", "?", ".", "##s"])
    static let reader = GoogleDocumentReader(tokenizer: try! GoogleDocumentReader.googleTokenizer(vocabulary: vocabulary, cased: false))
    static let plain = Repo.path("Fixtures/pretraining/input.txt")
    static let gzip = Repo.path("Fixtures/pretraining/input.txt.gz")

    @Test func wholeFileReaderInflates() throws {
        #expect(try GoogleDocumentReader.readFile(Self.gzip) == (try GoogleDocumentReader.readFile(Self.plain)))
        let documents = try Self.reader.documents(paths: [Self.gzip])
        #expect(documents.count == 11)
        #expect(documents == (try Self.reader.documents(paths: [Self.plain])))
    }

    /// Block sizes that end blocks inside lines and inside the first member's last line.
    @Test(arguments: [7, 4096, 1 << 20])
    func streamInflates(blockSize: Int) throws {
        var plain: [GoogleReference.Document] = []
        let plainStatistics = try DocumentStream(reader: Self.reader, blockSize: blockSize).forEachDocument(paths: [Self.plain]) { plain.append($0) }
        var inflated: [GoogleReference.Document] = []
        let statistics = try DocumentStream(reader: Self.reader, blockSize: blockSize).forEachDocument(paths: [Self.gzip]) { inflated.append($0) }
        #expect(inflated == plain)
        #expect(statistics == plainStatistics)
        #expect(statistics.bytes == 13_029)  // inflated bytes: the text's size, not the file's
    }

    @Test func batchedStreamInflates() throws {
        var one: [GoogleReference.Document] = []
        _ = try DocumentStream(reader: Self.reader).forEachDocument(paths: [Self.plain, Self.gzip]) { one.append($0) }
        var batched: [GoogleReference.Document] = []
        _ = try DocumentStream(reader: Self.reader, blockSize: 97).forEachDocumentBatch(paths: [Self.gzip, Self.plain], threads: 2) { batched += $0 }
        #expect(batched == one)
    }

    @Test func truncatedGzipIsAnErrorNamingTheFile() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.gzip))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-truncated-\(getpid()).txt.gz").path
        try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for read in [{ _ = try GoogleDocumentReader.readFile(path) }, { _ = try DocumentStream(reader: Self.reader).forEachDocument(paths: [path]) { _ in } }] {
            #expect {
                try read()
            } throws: { error in
                guard case let MaskedLMError.unreadableInput(p, reason) = error else { return false }
                return p == path && reason.contains("gzip data is damaged")
            }
        }
    }
}
