/// A padded batch of token sequences, row-major [batchSize, sequenceLength].
public struct EncoderBatch: Sendable, Equatable {
    /// Number of sequences.
    public let batchSize: Int
    /// Padded length of every sequence.
    public let sequenceLength: Int
    /// Token ids, `batchSize * sequenceLength`.
    public let tokenIDs: [Int32]
    /// Token type (segment) ids, same size; 0 for single sentences.
    public let tokenTypeIDs: [Int32]
    /// 1 for a real token, 0 for padding, same size.
    public let attentionMask: [Int32]

    /// Creates a batch from flat row-major arrays.
    /// - Throws: `NativeEncoderError.invalidBatch` when sizes disagree or the mask is not 0/1.
    public init(
        batchSize: Int, sequenceLength: Int, tokenIDs: [Int32], tokenTypeIDs: [Int32]? = nil,
        attentionMask: [Int32]? = nil
    ) throws {
        let n = batchSize * sequenceLength
        guard batchSize > 0, sequenceLength > 0, tokenIDs.count == n else {
            throw NativeEncoderError.invalidBatch(
                reason: "\(tokenIDs.count) token ids do not fill \(batchSize) x \(sequenceLength)")
        }
        let types = tokenTypeIDs ?? [Int32](repeating: 0, count: n)
        let mask = attentionMask ?? [Int32](repeating: 1, count: n)
        guard types.count == n, mask.count == n else {
            throw NativeEncoderError.invalidBatch(reason: "token types and attention mask must have \(n) entries")
        }
        guard mask.allSatisfy({ $0 == 0 || $0 == 1 }) else {
            throw NativeEncoderError.invalidBatch(reason: "the attention mask must hold only 0 and 1")
        }
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.tokenIDs = tokenIDs
        self.tokenTypeIDs = types
        self.attentionMask = mask
    }

    /// Pads sequences of token ids (already with [CLS]/[SEP]) to the longest one with `padID`.
    public init(sequences: [[Int32]], padID: Int32 = 0) throws {
        let length = sequences.map(\.count).max() ?? 0
        var ids: [Int32] = [], mask: [Int32] = []
        ids.reserveCapacity(length * sequences.count)
        for s in sequences {
            ids += s + [Int32](repeating: padID, count: length - s.count)
            mask += [Int32](repeating: 1, count: s.count) + [Int32](repeating: 0, count: length - s.count)
        }
        try self.init(batchSize: sequences.count, sequenceLength: length, tokenIDs: ids, attentionMask: mask)
    }
}
