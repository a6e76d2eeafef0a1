/// A padded batch of encoded sequences with their targets, row-major `[batchSize, sequenceLength]`.
public struct TrainingBatch: Sendable, Equatable {
    /// Number of sequences.
    public var batchSize: Int
    /// Padded length of every sequence.
    public var sequenceLength: Int
    /// Token ids, `batchSize * sequenceLength`.
    public var tokenIDs: [Int32]
    /// Segment ids, same size.
    public var tokenTypeIDs: [Int32]
    /// 1 for a real token, 0 for padding, same size.
    public var attentionMask: [Int32]
    /// What the loss compares the logits with.
    public var targets: ClassificationTargets

    /// Creates a batch; sizes are checked by the backend.
    public init(
        batchSize: Int, sequenceLength: Int, tokenIDs: [Int32], tokenTypeIDs: [Int32], attentionMask: [Int32],
        targets: ClassificationTargets
    ) {
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.tokenIDs = tokenIDs
        self.tokenTypeIDs = tokenTypeIDs
        self.attentionMask = attentionMask
        self.targets = targets
    }
}
