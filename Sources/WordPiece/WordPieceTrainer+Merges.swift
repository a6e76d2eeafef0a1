/// The merge loop of HF's BPE trainer (huggingface/tokenizers `tokenizers/src/models/bpe/trainer.rs`, `do_train`
/// steps 4 and 5, and `word.rs`, `Word::merge`), kept step for step because its quirks decide the vocabulary:
/// - the queue holds one entry per (pair, batch of words where it newly appeared), ordered by count (highest
///   first) then by the pair's ids (lowest first);
/// - an entry whose count is stale is re-queued with the current count instead of being used;
/// - merging a pair never lowers that pair's own count, and an entry only merges the words it lists, so a pair
///   can be merged again later (adding no token) when another of its entries comes up.
/// One difference: HF keeps pair counts in 32-bit integers (`counts[i] as i32`), which wrap past 2^31 - 1 on
/// very large corpora; these are 64-bit.
struct PairMerger {
    var table: TokenTable
    let prefix: String
    let vocabSize: Int
    let minFrequency: Int64
    let progress: (@Sendable (WordPieceTrainer.Progress) -> Void)?

    private var words: [[Int32]] = []
    private var counts: [Int64] = []

    init(table: TokenTable, prefix: String, vocabSize: Int, minFrequency: Int,
         progress: (@Sendable (WordPieceTrainer.Progress) -> Void)? = nil) {
        self.progress = progress
        self.table = table
        self.prefix = prefix
        self.vocabSize = vocabSize
        self.minFrequency = Int64(minFrequency)
    }

    mutating func addWord(_ symbols: [Int32], count: Int64) {
        words.append(symbols)
        counts.append(count)
    }

    @inline(__always) private static func key(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }

    mutating func run() {
        var pairCounts: [UInt64: Int64] = [:]
        var whereToUpdate: [UInt64: [Int32]] = [:]
        for (i, word) in words.enumerated() where word.count > 1 {
            for j in 0..<(word.count - 1) {
                let pair = Self.key(word[j], word[j + 1])
                pairCounts[pair, default: 0] += counts[i]
                whereToUpdate[pair, default: []].appendUnique(Int32(i))
            }
        }
        var queue = MergeQueue()
        for (pair, positions) in whereToUpdate {
            if let count = pairCounts[pair], count > 0 { queue.push(MergeEntry(count: count, pair: pair, positions: positions)) }
        }
        whereToUpdate.removeAll(keepingCapacity: true)

        var changes: [(pair: UInt64, delta: Int64, word: Int32)] = []
        while table.tokens.count < vocabSize, var top = queue.pop() {
            let current = pairCounts[top.pair] ?? 0
            if top.count != current {
                top.count = current
                queue.push(top)
                continue
            }
            if top.count < 1 || minFrequency > top.count { break }

            let left = Int32(truncatingIfNeeded: top.pair >> 32)
            let right = Int32(truncatingIfNeeded: top.pair & 0xFFFF_FFFF)
            // Byte-wise prefix test: `String.hasPrefix` compares Characters, and "##" + a combining mark
            // (U+064B in Persian) is not a Character sequence starting with "##".
            var rightPart = Substring(table.tokens[Int(right)]).utf8
            if rightPart.starts(with: prefix.utf8) { rightPart = rightPart.dropFirst(prefix.utf8.count) }
            let replacement = table.intern(table.tokens[Int(left)] + String(decoding: rightPart, as: UTF8.self))
            if let progress, table.tokens.count % 1000 == 0 { progress(.init(tokens: table.tokens.count)) }

            changes.removeAll(keepingCapacity: true)
            for w in top.positions {
                Self.merge(&words[Int(w)], left, right, replacement) { pair, delta in
                    changes.append((pair, delta, w))
                }
            }
            for change in changes {
                pairCounts[change.pair, default: 0] += change.delta * counts[Int(change.word)]
                if change.delta > 0 { whereToUpdate[change.pair, default: []].appendUnique(change.word) }
            }
            for (pair, positions) in whereToUpdate {
                if let count = pairCounts[pair], count > 0 { queue.push(MergeEntry(count: count, pair: pair, positions: positions)) }
            }
            whereToUpdate.removeAll(keepingCapacity: true)
        }
    }

    /// Replaces every `a b` in `symbols` by `replacement`, left to right, reporting the pairs lost and formed
    /// around each replacement (HF's `Word::merge` with no length limit).
    private static func merge(
        _ symbols: inout [Int32], _ a: Int32, _ b: Int32, _ replacement: Int32, change: (UInt64, Int64) -> Void
    ) {
        var i = 0
        while i < symbols.count {
            if symbols[i] == a && i + 1 < symbols.count && symbols[i + 1] == b {
                if i > 0 {
                    change(key(symbols[i - 1], a), -1)
                    change(key(symbols[i - 1], replacement), 1)
                }
                symbols[i] = replacement
                symbols.remove(at: i + 1)
                if i < symbols.count - 1 {
                    change(key(b, symbols[i + 1]), -1)
                    change(key(replacement, symbols[i + 1]), 1)
                }
            }
            i += 1
        }
    }
}

extension Array where Element == Int32 {
    /// Appends `x` unless it is already the last element (positions arrive grouped by word).
    @inline(__always) fileprivate mutating func appendUnique(_ x: Int32) {
        if last != x { append(x) }
    }
}

/// One queued candidate: a pair, its count when queued, and the words to merge it in.
struct MergeEntry {
    var count: Int64
    var pair: UInt64
    var positions: [Int32]

    /// Whether `self` comes out of the queue before `other`: higher count, then lower pair ids.
    @inline(__always) func precedes(_ other: MergeEntry) -> Bool {
        count != other.count ? count > other.count : pair < other.pair
    }
}

/// A binary max-heap of merge candidates.
struct MergeQueue {
    private var heap: [MergeEntry] = []

    mutating func push(_ entry: MergeEntry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> MergeEntry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            var best = left
            if left + 1 < heap.count && heap[left + 1].precedes(heap[left]) { best = left + 1 }
            guard heap[best].precedes(heap[parent]) else { break }
            heap.swapAt(best, parent)
            parent = best
        }
        return top
    }
}
