/// The streaming mode's shuffle buffer: instances packed in fixed-size slots of one array instead of four arrays
/// each. The buffer's instances live long and leave in random order; as separate arrays (200,000 of them with the
/// default 50,000 instances) they kept the allocator searching fragmented free lists, a fifth of the time on a
/// 117 MB corpus. Slots are copied in and out (the arrays made on the way out are freed at once, the cheap case).
///
/// Slot layout (Int32): token count, prediction count, next-sentence label, then `maxSeqLength` token ids,
/// `maxSeqLength` segment ids, `maxPredictionsPerSeq` positions and as many labels.
struct InstanceSlots: ShuffleSlots {
    private let maxSeqLength: Int
    private let maxPredictions: Int
    private let stride: Int
    private let reserve: Int
    private var storage: [Int32] = []
    /// Instances held.
    private(set) var count = 0

    /// Empty slots for instances of at most `maxSeqLength` tokens and `maxPredictionsPerSeq` predictions, with
    /// room for `capacity` of them (up to 65,536) reserved with the first, so that growing does not copy the
    /// buffer (and hold it twice) on the way to the usual 50,000.
    init(maxSeqLength: Int, maxPredictionsPerSeq: Int, capacity: Int) {
        self.maxSeqLength = maxSeqLength
        maxPredictions = maxPredictionsPerSeq
        stride = 3 + 2 * maxSeqLength + 2 * maxPredictionsPerSeq
        reserve = min(max(1, capacity), 1 << 16)
    }

    /// Adds an instance in a new slot.
    mutating func append(_ instance: PretrainingInstance) {
        if storage.isEmpty { storage.reserveCapacity(reserve * stride) }
        storage.append(contentsOf: repeatElement(0, count: stride))
        count += 1
        store(instance, at: count - 1)
    }

    /// Overwrites slot `slot`.
    mutating func store(_ instance: PretrainingInstance, at slot: Int) {
        let tokens = instance.tokenIDs.count
        let predictions = instance.maskedLMPositions.count
        // Instances of this module only: [CLS] A [SEP] B [SEP] within the length, one label per position.
        precondition(
            tokens <= maxSeqLength && instance.segmentIDs.count == tokens && predictions <= maxPredictions
                && instance.maskedLMLabels.count == predictions, "an instance that does not fit its slot")
        storage.withUnsafeMutableBufferPointer { all in
            guard let base = all.baseAddress else { return }  // never: slot < count
            let s = base + slot * stride
            s[0] = Int32(tokens)
            s[1] = Int32(predictions)
            s[2] = instance.isRandomNext ? 1 : 0
            let tokenBase = s + 3, segmentBase = tokenBase + maxSeqLength
            let positionBase = segmentBase + maxSeqLength, labelBase = positionBase + maxPredictions
            _ = UnsafeMutableBufferPointer(start: tokenBase, count: tokens).update(fromContentsOf: instance.tokenIDs)
            _ = UnsafeMutableBufferPointer(start: segmentBase, count: tokens).update(fromContentsOf: instance.segmentIDs)
            _ = UnsafeMutableBufferPointer(start: positionBase, count: predictions).update(fromContentsOf: instance.maskedLMPositions)
            _ = UnsafeMutableBufferPointer(start: labelBase, count: predictions).update(fromContentsOf: instance.maskedLMLabels)
        }
    }

    /// The instance in slot `slot`.
    func instance(at slot: Int) -> PretrainingInstance {
        storage.withUnsafeBufferPointer { all in
            let s = all[(slot * stride)...]
            let tokens = Int(s[s.startIndex]), predictions = Int(s[s.startIndex + 1])
            let tokenStart = s.startIndex + 3, segmentStart = tokenStart + maxSeqLength
            let positionStart = segmentStart + maxSeqLength, labelStart = positionStart + maxPredictions
            return PretrainingInstance(
                tokenIDs: Array(all[tokenStart..<(tokenStart + tokens)]),
                segmentIDs: Array(all[segmentStart..<(segmentStart + tokens)]),
                isRandomNext: s[s.startIndex + 2] != 0,
                maskedLMPositions: Array(all[positionStart..<(positionStart + predictions)]),
                maskedLMLabels: Array(all[labelStart..<(labelStart + predictions)]))
        }
    }

    /// Hands the instance in slot `slot` to `body`.
    func hand(_ slot: Int, to body: (PretrainingInstance) throws -> Void) rethrows {
        try body(instance(at: slot))
    }

    /// Empties the buffer and returns its memory.
    mutating func removeAll() {
        storage = []
        count = 0
    }
}
