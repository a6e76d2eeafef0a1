import BertKitSupport
import InputEncoding
import Testing
@testable import MaskedLM

/// The record writer that encodes instances in place gives the bytes of the generic `TFExample` serialization of
/// the seven padded features (the writer the golden TFRecords were checked with).
@Suite struct PretrainingRecordTests {
    /// The generic path: `PretrainingFeatures` (padding) through `TFExample.serialize`.
    static func generic(_ instance: PretrainingInstance, _ maxSeqLength: Int, _ maxPredictions: Int) -> [UInt8] {
        let f = PretrainingFeatures(instance, maxSeqLength: maxSeqLength, maxPredictionsPerSeq: maxPredictions)
        return TFExample.serialize([
            TFFeature("input_ids", .int64(f.inputIDs)),
            TFFeature("input_mask", .int64(f.inputMask)),
            TFFeature("segment_ids", .int64(f.segmentIDs)),
            TFFeature("masked_lm_positions", .int64(f.maskedLMPositions)),
            TFFeature("masked_lm_ids", .int64(f.maskedLMIDs)),
            TFFeature("masked_lm_weights", .float(f.maskedLMWeights)),
            TFFeature("next_sentence_labels", .int64(f.nextSentenceLabels)),
        ])
    }

    /// Random instances of every length up to the maximum, ids of one to five varint bytes, zero to all
    /// predictions, both labels; and lengths whose sizes cross the one-byte varint bound (128, 512).
    @Test(arguments: [(128, 20), (512, 80), (5, 1), (200, 128)])
    func matchesGenericSerialization(maxSeqLength: Int, maxPredictions: Int) {
        var rng = SplitMix64(seed: UInt64(maxSeqLength * 1_000 + maxPredictions))
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        let record = PretrainingRecord(maxSeqLength: maxSeqLength, maxPredictionsPerSeq: maxPredictions)
        for trial in 0..<300 {
            let length = trial < 2 ? (trial == 0 ? maxSeqLength : 1) : 1 + below(maxSeqLength)
            let widths: [Int32] = [100, 30_522, 1 << 20, Int32.max]
            let tokens = (0..<length).map { _ in Int32(below(Int(widths[below(widths.count)]))) }
            let split = below(length + 1)
            let segments = (0..<length).map { $0 < split ? Int32(0) : 1 }
            let predictions = min(maxPredictions, trial == 1 ? 0 : below(min(length, maxPredictions) + 1))
            let positions = (0..<predictions).map { _ in Int32(below(length)) }.sorted()
            let labels = positions.map { _ in Int32(below(30_522)) }
            let instance = PretrainingInstance(
                tokenIDs: tokens, segmentIDs: segments, isRandomNext: trial % 2 == 0, maskedLMPositions: positions,
                maskedLMLabels: labels)
            #expect(record.serialize(instance) == Self.generic(instance, maxSeqLength, maxPredictions), "trial \(trial)")
        }
    }
}
