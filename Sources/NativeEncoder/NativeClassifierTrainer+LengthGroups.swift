import EncoderTraining

/// Length grouping: a training batch padded to its longest sequence spends most of its work on padding when its
/// lengths vary (Rotten Tomatoes reviews, 32 a batch: 52% of the padded positions are real tokens). Run as a few
/// groups of similar length, each padded to its own longest, the same batch costs fewer token rows (83% real with
/// four groups), while the gradients are the same sum: the loss is a mean, so each group's mean loss is weighted by
/// its share of the batch's normalizer (its sequences, or for weighted cross-entropy its targets' class weights).
extension NativeClassifierTrainer {
    /// One group of a batch: its sequences (indices into the batch, in batch order), the length they are cut to
    /// (their longest real extent), and its share of the batch's loss normalizer.
    struct LossGroup: Equatable {
        var members: [Int]
        var length: Int
        var share: Double
    }

    /// A batch's groups, or nil when it is best run whole.
    func lossGroups(_ batch: TrainingBatch) -> [LossGroup]? {
        let s = batch.sequenceLength
        // A sequence's extent: up to its last real token (padding may sit anywhere; only what follows the last
        // real token can be cut). A fully padded row keeps the whole length: with every key masked its attention
        // is uniform over all `s` positions, so cutting it would change its output.
        let extents = (0..<batch.batchSize).map { row -> Int in
            let mask = batch.attentionMask[(row * s)..<(row * s + s)]
            return (mask.lastIndex(where: { $0 != 0 }).map { $0 - row * s + 1 }) ?? s
        }
        let groups = Self.lengthGroups(extents: extents, hiddenSize: encoder.configuration.hiddenSize)
        guard groups.count > 1 else { return nil }
        let weights: [Double]
        switch batch.targets {
        case let .classes(ids):
            if let w = task.classWeights {
                weights = ids.map { Double(w[Int($0)]) }
            } else {
                weights = ids.map { _ in 1 }
            }
        default:
            weights = [Double](repeating: 1, count: batch.batchSize)
        }
        let total = weights.reduce(0, +)
        // Every weight 0: the whole batch reports it (crossEntropy's error).
        guard total > 0 else { return nil }
        return groups.map { members in
            LossGroup(members: members, length: members.map { extents[$0] }.max() ?? 1,
                      share: members.reduce(0) { $0 + weights[$1] } / total)
        }
    }

    /// Splits sequences of the given extents into groups of similar length that minimize the estimated cost: per
    /// group, its sequences x its longest extent L token rows, each costing 1 + L / (6 hidden) (the attention's
    /// share beside the dense layers), plus a fixed cost per group of `groupRows` token rows (streaming every weight
    /// through the matrix products once more, the extra gradient-accumulation pass, the head). Exact dynamic
    /// programming over the sequences sorted by extent; groups are returned shortest first, members in batch order.
    static func lengthGroups(extents: [Int], hiddenSize: Int, groupRows: Double = 48) -> [[Int]] {
        let n = extents.count
        guard n > 1 else { return [Array(0..<n)] }
        let order = extents.indices.sorted { (extents[$0], $0) < (extents[$1], $1) }
        var best = [Double](repeating: .infinity, count: n + 1), cut = [Int](repeating: 0, count: n + 1)
        best[0] = 0
        for j in 1...n {
            let length = Double(extents[order[j - 1]]), perRow = length * (1 + length / (6 * Double(hiddenSize)))
            for i in 0..<j {
                let cost = best[i] + Double(j - i) * perRow + groupRows
                if cost < best[j] { best[j] = cost; cut[j] = i }
            }
        }
        var groups: [[Int]] = []
        var j = n
        while j > 0 {
            groups.append(order[cut[j]..<j].sorted())
            j = cut[j]
        }
        return groups.reversed()
    }

    /// The sequences `members` of `batch`, cut to `length` positions, with their targets.
    static func subset(_ batch: TrainingBatch, _ members: [Int], length: Int) -> TrainingBatch {
        let s = batch.sequenceLength
        var ids: [Int32] = [], types: [Int32] = [], mask: [Int32] = []
        ids.reserveCapacity(members.count * length)
        types.reserveCapacity(members.count * length)
        mask.reserveCapacity(members.count * length)
        for row in members {
            let range = (row * s)..<(row * s + length)
            ids += batch.tokenIDs[range]
            types += batch.tokenTypeIDs[range]
            mask += batch.attentionMask[range]
        }
        let targets: ClassificationTargets
        switch batch.targets {
        case let .classes(classes): targets = .classes(members.map { classes[$0] })
        case let .multiHot(values):
            let labels = values.count / max(batch.batchSize, 1)
            targets = .multiHot(members.flatMap { values[($0 * labels)..<($0 * labels + labels)] })
        case .none: targets = .none
        }
        return TrainingBatch(batchSize: members.count, sequenceLength: length, tokenIDs: ids, tokenTypeIDs: types,
                             attentionMask: mask, targets: targets)
    }
}
