import InputEncoding

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

    /// A batch of encodings that InputEncoding has padded to one length (`Padding.apply(to:)`, or a
    /// tokenizer with fixed-length padding): ids, segment ids and attention mask as they are.
    /// - Throws: `NativeEncoderError.invalidBatch` when the encodings differ in length or there are none.
    public init(encodings: [Encoding]) throws {
        guard let length = encodings.first?.count, encodings.allSatisfy({ $0.count == length }) else {
            throw NativeEncoderError.invalidBatch(reason: "a batch needs encodings of one length; pad them first")
        }
        try self.init(
            batchSize: encodings.count, sequenceLength: length, tokenIDs: encodings.flatMap(\.ids),
            tokenTypeIDs: encodings.flatMap(\.typeIDs), attentionMask: encodings.flatMap(\.attentionMask))
    }

    /// Sequences of token ids (already with [CLS]/[SEP]) padded to the longest with `padID` by InputEncoding.
    public init(sequences: [[Int32]], padID: Int32 = 0) throws {
        var encodings = sequences.map { ids in
            Encoding(
                ids: ids, typeIDs: Array(repeating: 0, count: ids.count), attentionMask: Array(repeating: 1, count: ids.count),
                specialTokensMask: Array(repeating: 0, count: ids.count), wordIndices: [],
                sequenceIndices: Array(repeating: 0, count: ids.count))
        }
        Padding(length: .longest, padID: padID).apply(to: &encodings)
        try self.init(encodings: encodings)
    }
}
