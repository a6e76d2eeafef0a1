/// The vocabulary as a byte-level trie with failure links and failure pops, for linear-time WordPiece.
///
/// This is LinMaxMatch from "Fast WordPiece Tokenization" (Song et al., EMNLP 2021): greedy longest-match-first
/// WordPiece, but when the trie cannot follow the next byte, the tokens that greedy matching would have
/// emitted (the failure pops) and the state it would resume in (the failure link) are precomputed, so no byte
/// is read twice. TF.Text stores its trie as a double array (tensorflow/text
/// `tensorflow_text/core/kernels/fast_wordpiece_tokenizer_model_builder.cc`); so do we, with our own builder.
///
/// Two roots: `root` holds word-initial tokens, `suffixRoot` holds continuation tokens with their `##` removed.
/// A word never contains `#` (it is punctuation), so the two spaces cannot collide.
struct LinMaxMatchTrie: Sendable {
    /// Double array: the child of state `s` on byte `b` is `t = base[s] + b` when `check[t] == s`.
    private(set) var base: [Int32]
    private(set) var check: [Int32]
    /// Token id ending at a state, or -1.
    private(set) var tokenID: [Int32]
    /// Failure link of a state, or -1 when matching must fail (the word becomes `[UNK]`).
    private(set) var failLink: [Int32]
    /// Failure pops of a state: `pops[popStart[s] ..< popStart[s] + popCount[s]]`.
    private(set) var popStart: [Int32]
    private(set) var popCount: [Int32]
    private(set) var pops: [Int32]
    let root: Int32 = 0
    let suffixRoot: Int32 = 1

    /// Builds the trie for a vocabulary; tokens beginning with `prefix` go under the suffix root.
    init(tokens: [String], continuingSubwordPrefix prefix: String) {
        var builder = PointerTrie()
        let prefixBytes = Array(prefix.utf8)
        for (id, token) in tokens.enumerated() {
            let bytes = Array(token.utf8)
            if bytes.count > prefixBytes.count && bytes.starts(with: prefixBytes) {
                builder.insert(bytes[prefixBytes.count...], id: Int32(id), under: 1)
            } else if !bytes.isEmpty {
                builder.insert(bytes[...], id: Int32(id), under: 0)
            }
        }
        builder.computeFailureLinks()
        (base, check, tokenID, failLink, popStart, popCount, pops) = builder.doubleArray()
    }
}

/// A plain pointer trie used only while building: nodes 0 (root) and 1 (suffix root).
private struct PointerTrie {
    var children: [[(byte: UInt8, node: Int32)]] = [[], []]
    var token: [Int32] = [-1, -1]
    var depth: [Int32] = [0, 0]
    var fail: [Int32] = [-1, -1]
    var failPops: [[Int32]] = [[], []]

    func child(_ node: Int32, _ byte: UInt8) -> Int32? {
        for c in children[Int(node)] where c.byte == byte { return c.node }
        return nil
    }

    mutating func insert(_ bytes: ArraySlice<UInt8>, id: Int32, under root: Int32) {
        var node = root
        for b in bytes {
            if let next = child(node, b) {
                node = next
            } else {
                let next = Int32(token.count)
                children.append([]); token.append(-1); depth.append(depth[Int(node)] + 1)
                fail.append(-1); failPops.append([])
                children[Int(node)].append((b, next))
                node = next
            }
        }
        // On a duplicate path (impossible for a valid vocabulary) the first id wins, like a dictionary insert.
        if token[Int(node)] < 0 { token[Int(node)] = id }
    }

    /// Breadth-first over both roots by depth: a node's link targets are always shallower (Song et al., §3.2).
    mutating func computeFailureLinks() {
        var queue: [Int32] = [0, 1]
        var head = 0
        while head < queue.count {
            let u = queue[head]; head += 1
            for (byte, v) in children[Int(u)] {
                queue.append(v)
                if token[Int(v)] >= 0 {
                    // A complete token: on failure, emit it and continue with a `##` piece.
                    fail[Int(v)] = 1
                    failPops[Int(v)] = [token[Int(v)]]
                    continue
                }
                var pops = failPops[Int(u)]
                var z = fail[Int(u)]
                while z >= 0, child(z, byte) == nil {
                    pops += failPops[Int(z)]
                    z = fail[Int(z)]
                }
                if z >= 0, let target = child(z, byte) {
                    fail[Int(v)] = target
                    failPops[Int(v)] = pops
                } else {
                    fail[Int(v)] = -1
                    failPops[Int(v)] = []
                }
            }
        }
    }

    /// Lays the trie out as a double array. Bases are found first-fit over free slots only: `FreeSlots`
    /// jumps over occupied ones, so a node with one child (most of them) is placed in constant time.
    func doubleArray() -> (base: [Int32], check: [Int32], tokenID: [Int32], failLink: [Int32],
                           popStart: [Int32], popCount: [Int32], pops: [Int32]) {
        let nodeCount = token.count
        var state = [Int32](repeating: -1, count: nodeCount)
        var check = [Int32](repeating: -1, count: 512)
        var baseOfNode = [Int32](repeating: 0, count: nodeCount)
        var free = FreeSlots()
        state[0] = 0; state[1] = 1
        check[0] = -2; check[1] = -2  // occupied by the two roots, which have no parent
        free.occupy(0); free.occupy(1)
        var queue: [Int32] = [0, 1]
        var head = 0
        while head < queue.count {
            let u = Int(queue[head]); head += 1
            let kids = children[u]
            guard !kids.isEmpty else { continue }
            let minByte = Int(kids.map(\.byte).min()!)
            var t = free.first(atLeast: minByte + 1)
            var b: Int
            search: while true {
                b = t - minByte
                for (byte, _) in kids where !free.isFree(b + Int(byte)) {
                    t = free.first(atLeast: t + 1)
                    continue search
                }
                break
            }
            let needed = b + 256 + 1
            if needed > check.count { check += [Int32](repeating: -1, count: max(needed - check.count, check.count)) }
            baseOfNode[u] = Int32(b)
            for (byte, v) in kids {
                let slot = b + Int(byte)
                check[slot] = state[u]
                free.occupy(slot)
                state[Int(v)] = Int32(slot)
                queue.append(v)
            }
        }
        // Pad so that base + any byte stays in range without a bounds test in the hot loop.
        let size = check.count
        var base = [Int32](repeating: 0, count: size)
        var tokenID = [Int32](repeating: -1, count: size)
        var failLink = [Int32](repeating: -1, count: size)
        var popStart = [Int32](repeating: 0, count: size)
        var popCount = [Int32](repeating: 0, count: size)
        var pops: [Int32] = []
        for node in 0..<nodeCount {
            let s = Int(state[node])
            base[s] = baseOfNode[node]
            tokenID[s] = token[node]
            failLink[s] = fail[node] >= 0 ? state[Int(fail[node])] : -1
            popStart[s] = Int32(pops.count)
            popCount[s] = Int32(failPops[node].count)
            pops += failPops[node]
        }
        // Unused slots keep check == -1; a node's state index is never -1, so they never match.
        return (base, check, tokenID, failLink, popStart, popCount, pops)
    }
}

/// Free slots of the double array as a union-find "next free slot" forest with path compression.
private struct FreeSlots {
    private var next: [Int32] = Array(0..<1024)

    /// The smallest free slot at or after `i`.
    mutating func first(atLeast i: Int) -> Int {
        grow(to: i + 1)
        var r = i
        while Int(next[r]) != r { r = Int(next[r]); grow(to: r + 1) }
        var k = i
        while Int(next[k]) != r { let n = Int(next[k]); next[k] = Int32(r); k = n }
        return r
    }

    func isFree(_ i: Int) -> Bool { i >= next.count || Int(next[i]) == i }

    mutating func occupy(_ i: Int) {
        grow(to: i + 2)
        next[i] = Int32(i + 1)
    }

    private mutating func grow(to n: Int) {
        if n > next.count { next += (Int32(next.count)..<Int32(max(n, next.count * 2))).map { $0 } }
    }
}
