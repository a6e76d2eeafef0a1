import BertKitSupport
import Foundation
import BertKitTestSupport
import Testing
import WordPiece
@testable import MaskedLM

/// The pipelined writer (instances encoded on the workers, records shuffled and written on a thread of their own)
/// writes the bytes of the instance stream written record by record, for any thread count.
@Suite(.requires(.minilmVocabulary)) struct StreamingPretrainingWriterTests {
    static let configuration = PretrainingConfiguration(maxSeqLength: 32, maxPredictionsPerSeq: 5, dupeFactor: 2, seed: 17)
    /// Small enough that the window slides and the buffer fills and lets records go long before the end.
    static let bounds = StreamingPretraining.Bounds(poolDocuments: 3, poolTokens: 400, shuffleBuffer: 40)

    static func documents() throws -> [GoogleReference.Document] {
        let reader = GoogleDocumentReader(tokenizer: try GoogleDocumentReader.googleTokenizer(vocabulary: try Repo.realVocabulary(), cased: false))
        return try reader.documents(paths: [Repo.path("Fixtures/pretraining/input.txt")])
    }

    /// Files in a fresh temporary folder; their bytes once `body` has written them.
    static func written(_ names: [String], _ body: ([String]) throws -> Void) throws -> [[UInt8]] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let paths = names.map { folder.appendingPathComponent($0).path }
        try body(paths)
        return try paths.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
    }

    @Test(arguments: [(PretrainingWriter.Format.tfrecord, false), (.jsonl, false), (.tfrecord, true), (.jsonl, true)])
    func writesTheInstanceStreamsBytes(format: PretrainingWriter.Format, fullSentences: Bool) throws {
        let vocabulary = try Repo.realVocabulary()
        // Three copies, so that about 200 records pass through the 40-slot buffer.
        let documents = try Self.documents()
        let items = (0..<3).flatMap { copy in documents.enumerated().map { (document: $0.element, index: 100 * copy + 5 * $0.offset) } }
        let names = ["a.out", "b.out"]
        func generator() throws -> StreamingPretraining {
            try StreamingPretraining(
                vocabulary: vocabulary, configuration: Self.configuration, bounds: Self.bounds, shard: 1, fullSentences: fullSentences)
        }
        func files(_ paths: [String]) throws -> PretrainingWriter {
            try PretrainingWriter(paths: paths, format: format, maxSeqLength: 32, maxPredictionsPerSeq: 5)
        }
        var instances = 0
        let expected = try Self.written(names) { paths in
            var stream = try generator()
            let writer = try files(paths)
            for start in stride(from: 0, to: items.count, by: 4) {
                try stream.add(batch: Array(items[start..<min(items.count, start + 4)]), threads: 1) { try writer.write($0) }
            }
            try stream.finish { try writer.write($0) }
            try writer.finish()
            instances = writer.count
        }
        #expect(instances > 150)
        for threads in [1, 2, 4] {
            var count = 0
            let got = try Self.written(names) { paths in
                let writer = StreamingPretrainingWriter(generator: try generator(), writer: try files(paths), threads: threads)
                for start in stride(from: 0, to: items.count, by: 7) {
                    try writer.add(batch: Array(items[start..<min(items.count, start + 7)]))
                }
                count = try writer.finish()
            }
            #expect(count == instances, "\(threads) thread(s)")
            #expect(got == expected, "\(threads) thread(s)")
        }
    }

    /// Records longer than a slot are kept apart: the buffer hands on the same records in the same order
    /// whatever the slot size.
    @Test func recordsLongerThanASlot() {
        let records = (0..<300).map { k in [UInt8]((0..<(1 + k % 23)).map { UInt8(truncatingIfNeeded: k &* 31 &+ $0) }) }
        func shuffled(stride: Int) -> [[UInt8]] {
            var buffer = ShuffleBuffer(slots: RecordSlots(stride: stride, capacity: 50), rng: SplitMix64(seed: 9), capacity: 50)
            var out: [[UInt8]] = []
            for record in records { record.withUnsafeBytes { buffer.push($0) { out.append([UInt8]($0)) } } }
            buffer.finish { out.append([UInt8]($0)) }
            return out
        }
        let roomy = shuffled(stride: 23)
        #expect(roomy.count == records.count && roomy != records)
        #expect(roomy.sorted { $0.lexicographicallyPrecedes($1) } == records.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(shuffled(stride: 4) == roomy)
        #expect(shuffled(stride: 1) == roomy)
    }

    /// The slot size is an upper bound of every record whose ids are below the vocabulary size, in both formats.
    @Test(arguments: PretrainingWriter.Format.allCases)
    func slotSizeBoundsEveryRecord(format: PretrainingWriter.Format) {
        let encoder = PretrainingWriter.Encoder(format: format, record: PretrainingRecord(maxSeqLength: 128, maxPredictionsPerSeq: 20))
        let bound = encoder.maxRecordBytes(maxTokenID: 30_521)
        var rng = SplitMix64(seed: 3)
        func below(_ n: Int) -> Int32 { Int32(rng.next() % UInt64(n)) }
        var largest = 0
        for trial in 0..<500 {
            let length = trial == 0 ? 128 : Int(below(128)) + 1
            let predictions = min(20, Int(below(length)) + 1)
            let instance = PretrainingInstance(
                tokenIDs: (0..<length).map { _ in trial == 0 ? 30_521 : below(30_522) },
                segmentIDs: (0..<length).map { _ in below(2) }, isRandomNext: trial % 2 == 0,
                maskedLMPositions: (0..<predictions).map { _ in below(length) }.sorted(),
                maskedLMLabels: (0..<predictions).map { _ in below(30_522) })
            largest = max(largest, encoder.encode([instance]).bytes.count)
        }
        #expect(largest <= bound)
        #expect(largest > bound * 9 / 10)
    }
}
