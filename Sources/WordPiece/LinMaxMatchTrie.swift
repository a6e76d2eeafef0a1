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
    ///
    /// A piece with more than `maxPieceScalars` Unicode scalars is left out: it could only match inside a word
    /// that long, and such words are `[UNK]` whole (`Vocabulary.maxInputCharsPerWord`). Leaving it out keeps
    /// the build linear in the vocabulary; one 60 KB token used to take 7 GB and 18 s (failure links are
    /// quadratic in a path's length).
    init(tokens: [String], continuingSubwordPrefix prefix: String, maxPieceScalars: Int = .max) {
        var builder = PointerTrie(expectedNodes: tokens.count * 3)
        let prefixBytes = Array(prefix.utf8)
        // Scalars in UTF-8 bytes: every byte that is not a continuation byte (10xxxxxx) starts one.
        func scalarCount(_ bytes: ArraySlice<UInt8>) -> Int { bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }
        for (id, token) in tokens.enumerated() {
            let bytes = Array(token.utf8)
            let isSuffix = bytes.count > prefixBytes.count && bytes.starts(with: prefixBytes)
            let piece = isSuffix ? bytes[prefixBytes.count...] : bytes[...]
            guard !piece.isEmpty, piece.count <= maxPieceScalars || scalarCount(piece) <= maxPieceScalars else { continue }
            builder.insert(piece, id: Int32(id), under: isSuffix ? 1 : 0)
        }
        builder.computeFailureLinks()
        (base, check, tokenID, failLink, popStart, popCount, pops) = builder.doubleArray()
    }
}

/// A plain trie used only while building: nodes 0 (root) and 1 (suffix root). Children are kept in flat
/// first-child / next-sibling arrays (no array per node), with a dense byte table for the two roots, whose
/// fan-out is large.
private struct PointerTrie {
    var firstChild: [Int32] = [-1, -1]
    var nextSibling: [Int32] = [-1, -1]
    var edge: [UInt8] = [0, 0]
    var token: [Int32] = [-1, -1]
    var fail: [Int32] = [-1, -1]
    /// Failure pops of node n: `popList[popFrom[n] ..< popFrom[n] + popLength[n]]`.
    var popFrom: [Int32] = []
    var popLength: [Int32] = []
    var popList: [Int32] = []
    var rootChild = [[Int32]](repeating: [Int32](repeating: -1, count: 256), count: 2)

    init(expectedNodes: Int) {
        for array in [\PointerTrie.firstChild, \.nextSibling, \.token, \.fail] { self[keyPath: array].reserveCapacity(expectedNodes) }
        edge.reserveCapacity(expectedNodes)
    }

    func child(_ node: Int32, _ byte: UInt8) -> Int32? {
        if node < 2 {
            let c = rootChild[Int(node)][Int(byte)]
            return c >= 0 ? c : nil
        }
        var c = firstChild[Int(node)]
        while c >= 0 {
            if edge[Int(c)] == byte { return c }
            c = nextSibling[Int(c)]
        }
        return nil
    }

    /// The children of a node, as (byte, node) pairs.
    func forEachChild(_ node: Int32, _ body: (UInt8, Int32) -> Void) {
        var c = firstChild[Int(node)]
        while c >= 0 {
            body(edge[Int(c)], c)
            c = nextSibling[Int(c)]
        }
    }

    mutating func insert(_ bytes: ArraySlice<UInt8>, id: Int32, under root: Int32) {
        var node = root
        for b in bytes {
            if let next = child(node, b) {
                node = next
                continue
            }
            let next = Int32(token.count)
            firstChild.append(-1); edge.append(b); token.append(-1); fail.append(-1)
            nextSibling.append(firstChild[Int(node)])
            firstChild[Int(node)] = next
            if node < 2 { rootChild[Int(node)][Int(b)] = next }
            node = next
        }
        // On a duplicate path (impossible for a valid vocabulary) the first id wins, like a dictionary insert.
        if token[Int(node)] < 0 { token[Int(node)] = id }
    }

    /// Breadth-first over both roots by depth: a node's link targets are always shallower (Song et al., §3.2).
    mutating func computeFailureLinks() {
        popFrom = [Int32](repeating: 0, count: token.count)
        popLength = [Int32](repeating: 0, count: token.count)
        popList.reserveCapacity(token.count * 2)
        var queue: [Int32] = [0, 1]
        queue.reserveCapacity(token.count)
        var head = 0
        while head < queue.count {
            let u = queue[head]; head += 1
            var v = firstChild[Int(u)]
            while v >= 0 {
                defer { v = nextSibling[Int(v)] }
                queue.append(v)
                if token[Int(v)] >= 0 {
                    // A complete token: on failure, emit it and continue with a `##` piece.
                    fail[Int(v)] = 1
                    popFrom[Int(v)] = Int32(popList.count)
                    popLength[Int(v)] = 1
                    popList.append(token[Int(v)])
                    continue
                }
                // F(v) = F(u) followed by the pops of each link followed from f(u) until one has the edge.
                let byte = edge[Int(v)]
                let start = popList.count
                appendPops(of: u)
                var z = fail[Int(u)]
                while z >= 0, child(z, byte) == nil {
                    appendPops(of: z)
                    z = fail[Int(z)]
                }
                if z >= 0, let target = child(z, byte) {
                    fail[Int(v)] = target
                    popFrom[Int(v)] = Int32(start)
                    popLength[Int(v)] = Int32(popList.count - start)
                } else {
                    popList.removeSubrange(start...)
                }
            }
        }
    }

    private mutating func appendPops(of node: Int32) {
        let from = Int(popFrom[Int(node)])
        for k in from..<from + Int(popLength[Int(node)]) { popList.append(popList[k]) }
    }

    /// Lays the trie out as a double array. Bases are found first-fit over free slots only: `FreeSlots`
    /// jumps over occupied ones, so a node with one child (most of them) is placed in constant time.
    func doubleArray() -> (base: [Int32], check: [Int32], tokenID: [Int32], failLink: [Int32],
                           popStart: [Int32], popCount: [Int32], pops: [Int32]) {
        let nodeCount = token.count
        var kids: [(byte: UInt8, node: Int32)] = []
        var state = [Int32](repeating: -1, count: nodeCount)
        var check = [Int32](repeating: -1, count: nodeCount + nodeCount / 4 + 512)
        var baseOfNode = [Int32](repeating: 0, count: nodeCount)
        var free = FreeSlots(capacity: check.count)
        state[0] = 0; state[1] = 1
        check[0] = -2; check[1] = -2  // occupied by the two roots, which have no parent
        free.occupy(0); free.occupy(1)
        var queue: [Int32] = [0, 1]
        var head = 0
        while head < queue.count {
            let u = Int(queue[head]); head += 1
            kids.removeAll(keepingCapacity: true)
            forEachChild(Int32(u)) { kids.append(($0, $1)) }
            guard !kids.isEmpty else { continue }
            var minByte = 255
            for k in kids where Int(k.byte) < minByte { minByte = Int(k.byte) }
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
        pops.reserveCapacity(popList.count)
        for node in 0..<nodeCount {
            let s = Int(state[node])
            base[s] = baseOfNode[node]
            tokenID[s] = token[node]
            failLink[s] = fail[node] >= 0 ? state[Int(fail[node])] : -1
            popStart[s] = Int32(pops.count)
            popCount[s] = popLength[node]
            let from = Int(popFrom[node])
            pops.append(contentsOf: popList[from..<from + Int(popLength[node])])
        }
        // Unused slots keep check == -1; a node's state index is never -1, so they never match.
        return (base, check, tokenID, failLink, popStart, popCount, pops)
    }
}

/// Free slots of the double array as a union-find "next free slot" forest with path compression.
private struct FreeSlots {
    private var next: [Int32]

    init(capacity: Int) { next = Array(0..<Int32(capacity)) }

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
