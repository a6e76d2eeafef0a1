import Foundation
import BertKitTestSupport
import Testing
import WordPiece
@testable import MaskedLM

/// The streaming mode: the same documents as Google's reader, instances independent of the shuffle buffer, and
/// the same distributions as Google's sampling on real text.
@Suite(.requires(.minilmVocabulary)) struct StreamingPretrainingTests {
    static func reader() throws -> GoogleDocumentReader {
        GoogleDocumentReader(tokenizer: try GoogleDocumentReader.googleTokenizer(vocabulary: try Repo.realVocabulary(), cased: false))
    }
    static let input = Repo.path("Fixtures/pretraining/input.txt")

    /// Block sizes that cut lines (and UTF-8 sequences) anywhere give Google's documents.
    @Test(arguments: [7, 64, 1 << 20])
    func streamReadsGooglesDocuments(blockSize: Int) throws {
        let reader = try Self.reader()
        var streamed: [GoogleReference.Document] = []
        let statistics = try DocumentStream(reader: reader, blockSize: blockSize).forEachDocument(paths: [Self.input]) { streamed.append($0) }
        #expect(streamed == (try reader.documents(paths: [Self.input])))
        #expect(statistics == DocumentStream.Statistics(bytes: 13_029, lines: 226, sentences: 216, documents: 11))
    }

    static func streaming(_ configuration: PretrainingConfiguration, bounds: StreamingPretraining.Bounds) throws -> [PretrainingInstance] {
        var generator = try StreamingPretraining(vocabulary: try Repo.realVocabulary(), configuration: configuration, bounds: bounds)
        var out: [PretrainingInstance] = []
        _ = try DocumentStream(reader: try Self.reader()).forEachDocument(paths: [Self.input]) { generator.add($0) { out.append($0) } }
        generator.finish { out.append($0) }
        return out
    }

    /// Instances are made per document with keyed generators: the shuffle buffer only reorders them.
    @Test func bufferOnlyReorders() throws {
        let configuration = PretrainingConfiguration(dupeFactor: 3, seed: 5)
        let small = try Self.streaming(configuration, bounds: .init(shuffleBuffer: 10))
        let large = try Self.streaming(configuration, bounds: .init(shuffleBuffer: 100_000))
        #expect(small.count == large.count && small.count > 100)
        #expect(small != large)
        let key: (PretrainingInstance) -> String = { "\($0.tokenIDs)\($0.maskedLMPositions)" }
        #expect(small.map(key).sorted() == large.map(key).sorted())
        #expect(try Self.streaming(configuration, bounds: .init(shuffleBuffer: 10)) == small)
    }

    /// Same distributions as Google's sampling (its reference reproduction) over 30 passes of the fixture text
    /// (~1,600 instances each): NSP balance, lengths, short targets, masked counts and 80/10/10. Tolerances are
    /// about four standard errors.
    @Test func distributionsMatchGoogles() throws {
        let configuration = PretrainingConfiguration(dupeFactor: 30, seed: 11)
        let vocabulary = try Repo.realVocabulary()
        let google = try GoogleReference(vocabulary: vocabulary, configuration: configuration)
            .makeInstances(documents: try Self.reader().documents(paths: [Self.input]))
        let streamed = try Self.streaming(configuration, bounds: .init())
        struct Stats {
            var count = 0.0, randomNext = 0.0, length = 0.0, short = 0.0, masked = 0.0, maskToken = 0.0, kept = 0.0
            init(_ instances: [PretrainingInstance], mask: Int32, originals: [[Int32]]?) {
                count = Double(instances.count)
                for instance in instances {
                    if instance.isRandomNext { randomNext += 1 }
                    length += Double(instance.tokenIDs.count)
                    if instance.tokenIDs.count < 100 { short += 1 }
                    masked += Double(instance.maskedLMPositions.count)
                    for (p, label) in zip(instance.maskedLMPositions, instance.maskedLMLabels) {
                        let now = instance.tokenIDs[Int(p)]
                        if now == mask { maskToken += 1 } else if now == label { kept += 1 }
                    }
                }
            }
        }
        let mask = try #require(vocabulary.id(of: "[MASK]"))
        let g = Stats(google, mask: mask, originals: nil), s = Stats(streamed, mask: mask, originals: nil)
        #expect(abs(s.count / g.count - 1) < 0.05, "instances \(s.count) vs \(g.count)")
        #expect(abs(s.randomNext / s.count - g.randomNext / g.count) < 0.05, "random next \(s.randomNext / s.count) vs \(g.randomNext / g.count)")
        #expect(abs(s.length / s.count - g.length / g.count) < 3, "mean length \(s.length / s.count) vs \(g.length / g.count)")
        #expect(abs(s.short / s.count - g.short / g.count) < 0.04, "short share \(s.short / s.count) vs \(g.short / g.count)")
        #expect(abs(s.masked / s.count - g.masked / g.count) < 0.5, "masked per instance \(s.masked / s.count) vs \(g.masked / g.count)")
        #expect(abs(s.maskToken / s.masked - 0.8) < 0.02 && abs(g.maskToken / g.masked - 0.8) < 0.02)
        #expect(abs(s.kept / s.masked - 0.1) < 0.02)
    }

    /// Batches tokenized on several threads are the documents the one-by-one reader gives.
    @Test(arguments: [1, 2, 3])
    func batchesOnThreadsReadTheSameDocuments(threads: Int) throws {
        let reader = try Self.reader()
        var one: [GoogleReference.Document] = []
        _ = try DocumentStream(reader: reader).forEachDocument(paths: [Self.input, Self.input]) { one.append($0) }
        var batched: [GoogleReference.Document] = []
        let statistics = try DocumentStream(reader: reader, blockSize: 97).forEachDocumentBatch(paths: [Self.input, Self.input], threads: threads) {
            batched += $0
        }
        #expect(batched == one)
        #expect(statistics.documents == 21 && statistics.sentences == 432)  // the two copies join at the file boundary
    }

    /// With the reading on a thread of its own (2 threads: batches of 2 MiB), an input error is thrown after the
    /// batches before it were handed on, naming the line; an error of the caller's stops the reading.
    @Test func errorsWithTheReadingThread() throws {
        let reader = try Self.reader()
        let fixture = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.input)))
        let copies = ((2 << 20) + (1 << 17)) / fixture.count + 1  // just over one batch
        var bytes: [UInt8] = []
        for _ in 0..<copies { bytes += fixture + Array("\n\n".utf8) }
        bytes += Array("fine\n".utf8)
        let badLine = bytes.filter { $0 == 0x0A }.count + 1, badOffset = bytes.count + 5
        bytes += Array("bad \u{00}".utf8) + [0xC3, 0x28] + Array(" line\nafter\n".utf8)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-reading-\(UUID().uuidString).txt").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var documents = 0
        #expect(throws: MaskedLMError.invalidUTF8(path: path, line: badLine, byteOffset: badOffset)) {
            _ = try DocumentStream(reader: reader).forEachDocumentBatch(paths: [path], threads: 2) { documents += $0.count }
        }
        #expect(documents >= 11 * (copies - 1) / 2)  // at least the first 2 MiB came through
        struct Stop: Error {}
        var calls = 0
        #expect(throws: Stop.self) {
            _ = try DocumentStream(reader: reader).forEachDocumentBatch(paths: [path], threads: 2) { _ in
                calls += 1
                throw Stop()
            }
        }
        #expect(calls == 1)
    }

    /// Adding documents in batches on 1, 2 or 4 threads gives the instances of adding them one by one, also
    /// when the window (3 documents, 400 tokens) slides inside a batch.
    @Test func batchAddEqualsOneByOne() throws {
        let configuration = PretrainingConfiguration(maxSeqLength: 32, maxPredictionsPerSeq: 5, dupeFactor: 2, seed: 17)
        let bounds = StreamingPretraining.Bounds(poolDocuments: 3, poolTokens: 400, shuffleBuffer: 40)
        let vocabulary = try Repo.realVocabulary()
        let documents = try Self.reader().documents(paths: [Self.input])
        var single = try StreamingPretraining(vocabulary: vocabulary, configuration: configuration, bounds: bounds)
        var expected: [PretrainingInstance] = []
        for (k, document) in documents.enumerated() { single.add(document, index: 10 * k) { expected.append($0) } }
        single.finish { expected.append($0) }
        for threads in [1, 2, 4] {
            var generator = try StreamingPretraining(vocabulary: vocabulary, configuration: configuration, bounds: bounds)
            var got: [PretrainingInstance] = []
            let items = documents.enumerated().map { (document: $0.element, index: 10 * $0.offset) }
            for start in stride(from: 0, to: items.count, by: 4) {
                try generator.add(batch: Array(items[start..<min(items.count, start + 4)]), threads: threads) { got.append($0) }
            }
            generator.finish { got.append($0) }
            #expect(got == expected, "\(threads) thread(s)")
        }
    }

    /// FULL-SENTENCES packs: [CLS] … [SEP] within the length, one segment, no NSP label, and (masks undone)
    /// every sentence's tokens exactly once, cut to the pack size, with a [SEP] between documents inside packs.
    @Test func fullSentencePacksHoldEverySentenceOnce() throws {
        let vocabulary = try Repo.realVocabulary()
        let configuration = PretrainingConfiguration(maxSeqLength: 64, maxPredictionsPerSeq: 10, dupeFactor: 1, seed: 4)
        let documents = try Self.reader().documents(paths: [Self.input])
        var generator = try StreamingPretraining(vocabulary: vocabulary, configuration: configuration, fullSentences: true)
        var packs: [PretrainingInstance] = []
        for document in documents { generator.add(document) { packs.append($0) } }
        generator.finish { packs.append($0) }
        let cls = try #require(vocabulary.id(of: "[CLS]")), sep = try #require(vocabulary.id(of: "[SEP]"))
        var restoredTokens = 0
        var innerSeparators = 0
        for pack in packs {
            #expect(pack.tokenIDs.first == cls && pack.tokenIDs.last == sep && pack.tokenIDs.count <= 64)
            #expect(pack.segmentIDs.allSatisfy { $0 == 0 } && !pack.isRandomNext)
            #expect(pack.maskedLMPositions.count == min(10, max(1, Int((Double(pack.tokenIDs.count) * 0.15).rounded(.toNearestOrEven)))))
            var original = pack.tokenIDs
            for (p, label) in zip(pack.maskedLMPositions, pack.maskedLMLabels) { original[Int(p)] = label }
            let body = original.dropFirst().dropLast()
            innerSeparators += body.filter { $0 == sep }.count
            restoredTokens += body.filter { $0 != sep }.count
        }
        let expected = documents.reduce(0) { $0 + $1.reduce(0) { $0 + min($1.count, 62) } }
        #expect(restoredTokens == expected)
        #expect(innerSeparators >= 1 && innerSeparators <= documents.count - 1)
        #expect(packs.count >= expected / 62)
    }

    /// The random-next window never holds more than its bounds: with a window of one document, random segments
    /// of document k come from document k - 1 (or, for the first, from itself).
    @Test func windowOfOneDocument() throws {
        let configuration = PretrainingConfiguration(dupeFactor: 2, seed: 3)
        let instances = try Self.streaming(configuration, bounds: .init(poolDocuments: 1, shuffleBuffer: 1))
        #expect(instances.count > 50)
        #expect(instances.contains { $0.isRandomNext })
    }
}
