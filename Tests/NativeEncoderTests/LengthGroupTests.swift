import BertKitSupport
import EncoderTraining
import Testing
@testable import NativeEncoder

/// Length grouping in `NativeClassifierTrainer.accumulateGradients`: where the cost model splits a batch, and that
/// the grouped gradients and loss equal the whole batch's (each group weighted by its share of the loss
/// normalizer: sequences, or class weights of the targets), for plain and weighted cross-entropy and multi-label BCE.
@Suite struct LengthGroupTests {
    @Test func groupsFormWhereTheyPay() {
        let split = NativeClassifierTrainer.lengthGroups(extents: [3, 60, 4, 61, 2, 59], hiddenSize: 32)
        #expect(split == [[0, 2, 4], [1, 3, 5]])
        // Similar lengths: the saving is below a group's fixed cost.
        #expect(NativeClassifierTrainer.lengthGroups(extents: [20, 22, 21, 20, 23, 22, 20, 21], hiddenSize: 384).count == 1)
        #expect(NativeClassifierTrainer.lengthGroups(extents: [7], hiddenSize: 384) == [[0]])
        // Rotten Tomatoes-like lengths in a batch of 32: a few groups, every sequence in exactly one.
        var rng = SplitMix64(seed: 3)
        let extents = (0..<32).map { _ in 8 + Int(rng.next() % 60) }
        let groups = NativeClassifierTrainer.lengthGroups(extents: extents, hiddenSize: 384)
        #expect((2...6).contains(groups.count), "\(groups)")
        #expect(groups.flatMap { $0 }.sorted() == Array(0..<32))
        for (shorter, longer) in zip(groups, groups.dropFirst()) {
            #expect(shorter.map { extents[$0] }.max()! <= longer.map { extents[$0] }.min()!)
        }
    }

    /// Six sequences of extents 3 to 61 (right-padded to 64, one with padding inside), random ids.
    static func batch(targets: ClassificationTargets) -> TrainingBatch {
        let s = 64, extents = [3, 60, 4, 61, 2, 59]
        var rng = SplitMix64(seed: 11)
        var ids: [Int32] = [], types: [Int32] = [], mask: [Int32] = []
        for (row, extent) in extents.enumerated() {
            for position in 0..<s {
                let real = position < extent && !(row == 1 && position == 30)
                ids.append(real ? Int32(1 + rng.next() % 90) : 0)
                types.append(real && position > extent / 2 ? 1 : 0)
                mask.append(real ? 1 : 0)
            }
        }
        return TrainingBatch(batchSize: 6, sequenceLength: s, tokenIDs: ids, tokenTypeIDs: types, attentionMask: mask, targets: targets)
    }

    @Test(arguments: [(nil, false), ([1, 3, 0.5], false), (nil, true), ([2, 0.5, 1], true)] as [([Float]?, Bool)])
    func groupedGradientsEqualTheWholeBatch(weights: [Float]?, multiLabel: Bool) throws {
        let task = ClassificationTask(labels: ["a", "b", "c"], multiLabel: multiLabel, classWeights: weights)
        let targets: ClassificationTargets = multiLabel
            ? .multiHot([1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0])
            : .classes([0, 1, 2, 1, 1, 0])
        let batch = Self.batch(targets: targets)
        try Self.expectGroupedEqualsWhole(task: task, batch: batch, groups: [[0, 2, 4], [1, 3, 5]])
    }

    /// Rows the plain batch lacks: a fully padded row (every key masked: its attention is uniform over all the
    /// positions, so it must not be cut), a left-padded row (its extent is the whole length), and a short group
    /// whose targets all have class weight 0 (share 0: it adds nothing and is not run).
    @Test func groupedGradientsEqualTheWholeBatchWithEdgeRows() throws {
        let s = 64
        var rng = SplitMix64(seed: 5)
        var ids: [Int32] = [], types: [Int32] = [], mask: [Int32] = []
        // (first real position, end): row 2 fully padded, row 5 left-padded.
        let spans = [(0, 3), (0, 30), (0, 0), (0, 4), (0, 31), (40, 64), (0, 2), (0, 29)]
        for (first, end) in spans {
            for position in 0..<s {
                let real = position >= first && position < end
                ids.append(real ? Int32(1 + rng.next() % 90) : 0)
                types.append(0)
                mask.append(real ? 1 : 0)
            }
        }
        func batch(_ classes: [Int32]) -> TrainingBatch {
            TrainingBatch(batchSize: spans.count, sequenceLength: s, tokenIDs: ids, tokenTypeIDs: types, attentionMask: mask,
                          targets: .classes(classes))
        }
        let plain = ClassificationTask(labels: ["a", "b", "c"], multiLabel: false, classWeights: nil)
        try Self.expectGroupedEqualsWhole(task: plain, batch: batch([0, 1, 2, 1, 1, 0, 2, 0]),
                                          groups: [[0, 3, 6], [1, 4, 7], [2, 5]])
        // The short group holds only class 0, whose weight is 0.
        let weighted = ClassificationTask(labels: ["a", "b", "c"], multiLabel: false, classWeights: [0, 1, 2])
        try Self.expectGroupedEqualsWhole(task: weighted, batch: batch([0, 1, 2, 2, 1, 0, 0, 2]),
                                          groups: [[0, 3, 6], [1, 4, 7], [2, 5]])
    }

    /// A bad token id in a later group's row, or in padding a group would cut off, refuses the whole batch before
    /// any group runs, as the ungrouped pass does: no gradient of the earlier groups is left behind.
    @Test(arguments: [(3, 50), (1, 62)])
    func badIDRefusesTheBatchBeforeAnyGroup(row: Int, position: Int) throws {
        let task = ClassificationTask(labels: ["a", "b", "c"], multiLabel: false, classWeights: nil)
        let good = Self.batch(targets: .classes([0, 1, 2, 1, 1, 0]))
        var ids = good.tokenIDs
        ids[row * good.sequenceLength + position] = 1_000_000
        let bad = TrainingBatch(batchSize: good.batchSize, sequenceLength: good.sequenceLength, tokenIDs: ids,
                                tokenTypeIDs: good.tokenTypeIDs, attentionMask: good.attentionMask, targets: good.targets)
        for grouped in [false, true] {
            let trainer = try NativeClassifierTrainer(
                modelDirectory: ClassifierTrainerTests.initial, task: task,
                optimizer: OptimizerConfiguration(preset: .bert, learningRate: 1e-3), threads: 2, dropout: false, groupsByLength: grouped)
            #expect(trainer.lossGroups(bad)?.count == 2)
            #expect(throws: NativeEncoderError.self, "grouped: \(grouped)") {
                try trainer.accumulateGradients(for: bad, lossScale: 1, dropoutSeed: 0)
            }
            #expect(trainer.gradient(named: "classifier.bias") == [0, 0, 0], "grouped: \(grouped)")
            #expect(trainer.clipGradientNorm(maxNorm: 1) == 0, "grouped: \(grouped)")
        }
    }

    /// Accumulates `batch` (twice, as gradient accumulation does, with a loss scale) on a grouping and a
    /// non-grouping trainer and expects the groups, the losses and every gradient to agree.
    static func expectGroupedEqualsWhole(task: ClassificationTask, batch: TrainingBatch, groups: [[Int]]) throws {
        func trainer(grouped: Bool) throws -> NativeClassifierTrainer {
            try NativeClassifierTrainer(modelDirectory: ClassifierTrainerTests.initial, task: task,
                                        optimizer: OptimizerConfiguration(preset: .bert, learningRate: 1e-3), threads: 2,
                                        dropout: false, groupsByLength: grouped)
        }
        let whole = try trainer(grouped: false), grouped = try trainer(grouped: true)
        #expect(grouped.lossGroups(batch)?.map(\.members) == groups)
        for scale: Float in [0.5, 0.25] {  // the second pass adds to the first's gradients
            let a = try whole.accumulateGradients(for: batch, lossScale: scale, dropoutSeed: 0)
            let b = try grouped.accumulateGradients(for: batch, lossScale: scale, dropoutSeed: 0)
            #expect(abs(a - b) <= 1e-6 * abs(a), "loss \(b) grouped vs \(a) whole")
        }
        for name in whole.parameterNames {
            let x = try #require(whole.gradient(named: name)), y = try #require(grouped.gradient(named: name))
            let scale = x.map { abs($0) }.max() ?? 0
            let error = ClassifierParityTests.maxDifference(x, y)
            #expect(error <= 1e-5 * scale + 1e-7, "\(name): max diff \(error), scale \(scale)")
        }
    }
}
