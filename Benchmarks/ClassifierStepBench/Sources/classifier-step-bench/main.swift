// Times NativeClassifierTrainer calls on a model folder (all-MiniLM-L6-v2 by default):
//   accumulate #1  the first micro-batch after an update (its backward overwrites the gradient arena),
//   accumulate #2  a further micro-batch (its backward writes a second arena, then added: the accumulation cost),
//   clip, update   clipGradientNorm and applyUpdate.
// Twice: at the requested shape (default 32 x 128) and at 1 x 8 tokens, where the backward is cheap, so that
// accumulate #2 - accumulate #1 is the cost of the added pass itself (confounded by the caches the update flushes),
// and the added pass alone from the trainer's profile (`accumulation.add`). Medians over the rounds.
// Usage: classifier-step-bench MODEL_DIR [batch] [length] [rounds] [threads]
import EncoderTraining
import Foundation
import NativeEncoder

let args = CommandLine.arguments
let model = args.count > 1 ? args[1] : ".assets/minilm"
let batchSize = args.count > 2 ? Int(args[2]) ?? 32 : 32, length = args.count > 3 ? Int(args[3]) ?? 128 : 128
let rounds = args.count > 4 ? Int(args[4]) ?? 5 : 5, threads = args.count > 5 ? Int(args[5]) ?? 2 : 2

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}
func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }

let trainer = try NativeClassifierTrainer(
    modelDirectory: model, task: ClassificationTask(labels: ["a", "b"]),
    optimizer: OptimizerConfiguration(preset: .bert, learningRate: 2e-5), threads: threads,
    encoderOptions: BertEncoder.Options(profiling: true))
/// Random ordinary ids of the BERT uncased vocabulary, seeded (SplitMix64 steps).
struct Ids { var state: UInt64 = 42
    mutating func next() -> Int32 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int32(1000 + (z ^ (z >> 31)) % 28000)
    }
}
func batch(_ b: Int, _ s: Int) -> TrainingBatch {
    var ids: [Int32] = [], random = Ids()
    for _ in 0..<b { ids += [101] + (0..<(s - 2)).map { _ in random.next() } + [102] }
    return TrainingBatch(batchSize: b, sequenceLength: s, tokenIDs: ids, tokenTypeIDs: [Int32](repeating: 0, count: b * s),
                         attentionMask: [Int32](repeating: 1, count: b * s), targets: .classes((0..<b).map { Int32($0 % 2) }))
}
print("# model \(model), threads \(threads), rounds \(rounds)")
for (b, s) in [(batchSize, length), (1, 8)] {
    let input = batch(b, s)
    var first: [Double] = [], second: [Double] = [], clip: [Double] = [], update: [Double] = [], add: [Double] = []
    for round in 0...rounds {
        trainer.resetProfile()
        let t1 = try seconds { _ = try trainer.accumulateGradients(for: input, lossScale: 0.5, dropoutSeed: UInt64(round)) }
        let t2 = try seconds { _ = try trainer.accumulateGradients(for: input, lossScale: 0.5, dropoutSeed: UInt64(round)) }
        let t3 = seconds { _ = trainer.clipGradientNorm(maxNorm: 1) }
        let t4 = try seconds { try trainer.applyUpdate(learningRate: 0) }
        if round > 0 {  // round 0 warms up
            first.append(t1); second.append(t2); clip.append(t3); update.append(t4)
            add.append(trainer.profile["accumulation.add"] ?? 0)
        }
    }
    let extra = median(second) - median(first)
    print(String(format: "shape %dx%d: accumulate#1 %.4f s, accumulate#2 %.4f s (difference %+.4f s, %+.1f%%), added pass %.4f s (%.1f%% of accumulate#1), clip %.4f s, update %.4f s",
                 b, s, median(first), median(second), extra, 100 * extra / median(first), median(add), 100 * median(add) / median(first),
                 median(clip), median(update)))
}
