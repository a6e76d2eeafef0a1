import BertKitSupport

/// A small seeded mutator for runs without libFuzzer (`bertkit-fuzz mutate`, the test suite): each input is
/// a seed or an earlier input with a few byte-level edits (flip, insert, delete, duplicate, splice, a
/// harness-specific token), so the same seed gives the same inputs. libFuzzer (`Scripts/fuzz.sh`) is the real
/// fuzzer; this one keeps the harnesses exercised in every `swift test`.
package struct FuzzMutator {
    private var generator: SplitMix64
    private var pool: [[UInt8]]
    private let tokens: [[UInt8]]
    /// The longest input produced.
    package let maxLength: Int

    /// Starts from `seeds` (at least one) with the harness's dictionary.
    package init(harness: FuzzHarness, seed: UInt64, maxLength: Int = 4096) {
        generator = SplitMix64(seed: seed)
        pool = harness.seeds
        tokens = harness.dictionary.map { Array($0.utf8) }
        self.maxLength = maxLength
    }

    /// The next input; `keep` adds it to the pool later inputs are mutated from.
    package mutating func next() -> [UInt8] {
        var bytes = pool[Int(generator.next() % UInt64(pool.count))]
        let edits = 1 + Int(generator.next() % 4)
        for _ in 0..<edits { mutate(&bytes) }
        if bytes.count > maxLength { bytes.removeLast(bytes.count - maxLength) }
        if generator.next() % 8 == 0 && pool.count < 256 { pool.append(bytes) }
        return bytes
    }

    private mutating func position(in bytes: [UInt8], end: Bool = true) -> Int {
        Int(generator.next() % UInt64(bytes.count + (end ? 1 : 0)))
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        let choice = generator.next() % 7
        if bytes.isEmpty && choice < 3 {
            bytes.append(UInt8(truncatingIfNeeded: generator.next()))
            return
        }
        switch choice {
        case 0: bytes[position(in: bytes, end: false)] ^= 1 << UInt8(generator.next() % 8)
        case 1: bytes[position(in: bytes, end: false)] = UInt8(truncatingIfNeeded: generator.next())
        case 2:
            let start = position(in: bytes, end: false)
            let end = min(bytes.count, start + 1 + Int(generator.next() % 16))
            bytes.removeSubrange(start..<end)
        case 3: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position(in: bytes))
        case 4 where !tokens.isEmpty:
            bytes.insert(contentsOf: tokens[Int(generator.next() % UInt64(tokens.count))], at: position(in: bytes))
        case 4, 5:
            guard !bytes.isEmpty else { return }
            let start = position(in: bytes, end: false)
            let end = min(bytes.count, start + 1 + Int(generator.next() % 64))
            let piece = Array(bytes[start..<end])
            bytes.insert(contentsOf: piece, at: position(in: bytes))
        default:
            let other = pool[Int(generator.next() % UInt64(pool.count))]
            let cut = position(in: bytes)
            let from = Int(generator.next() % UInt64(other.count + 1))
            bytes = Array(bytes[..<cut]) + other[from...]
        }
    }
}
