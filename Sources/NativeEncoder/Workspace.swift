/// The activation memory plan for one batch shape: every buffer the forward pass keeps for the backward,
/// plus backward scratch, carved from one arena allocated when the shape (or thread count) changes and
/// reused for every later step of that shape. Offsets are in Floats.
///
/// Kept per layer: the layer input x_l [T, H], fused QKV [T, 3H], attention probabilities [B, heads, S, S]
/// (before dropout: the backward hashes the mask again), the context [T, H], the two
/// LayerNorms' normalized inputs [T, H] and 1/std [T], the post-attention state [T, H], the feed-forward
/// pre-activation and GELU output [T, I]. T = B x S.
struct Workspace {
    struct Layer {
        var qkv = 0, probs = 0, context = 0, xhat1 = 0, rstd1 = 0, h1 = 0, preGELU = 0, gelu = 0
        var xhat2 = 0, rstd2 = 0
    }

    let batchSize: Int, sequenceLength: Int, threads: Int
    /// Whether the plan keeps what a backward pass needs (false: inference only).
    let forBackward: Bool
    let arena: FloatArena
    var keyBias = 0, embeddingXhat = 0, embeddingRstd = 0, pooled = 0
    /// Pooled-only last layer: per (sequence, head) u = W_k^T q, y = sum_j d_j x_j, sigma = sum_j d_j, beta = q . b_k,
    /// and their gradients (BertEncoder+PooledAttention.swift).
    var pooledU = 0, pooledY = 0, pooledSigma = 0, pooledBeta = 0
    var pooledDY = 0, pooledDU = 0, pooledDQ = 0, pooledDSigma = 0, pooledDBeta = 0
    /// x[l] = input of layer l; x[layerCount] = last hidden state.
    var x: [Int] = []
    var layers: [Layer] = []
    // Backward scratch (shared by all layers).
    var dX = 0, dSum = 0, dH1 = 0, dContext = 0, dQKV = 0, dInter = 0, dPooled = 0
    /// Per-chunk attention scratch: contiguous or transposed copies of one head's Q, K, V, dContext and a
    /// transposed gradient (5 x S x head size), the dropped probabilities and the score gradient (2 x S x S).
    var threadScratch = 0, threadScratchStride = 0
    /// Partial column sums per block of `Workspace.reductionRows` rows (fixed blocks, so sums do not
    /// depend on the thread count).
    var partialSums = 0, partialStride = 0
    static let reductionRows = 128

    /// Lays out the plan. `reusing` is an earlier plan's arena: kept when it holds enough floats (every buffer
    /// is written before it is read, so stale contents do not matter), else set to nil, releasing it before
    /// the new arena is allocated when the caller held the last reference.
    ///
    /// With `forBackward` false (inference), nothing is kept for a backward pass: all layers share one set of
    /// layer buffers, layer inputs alternate between two buffers, the LayerNorm statistics go to one scratch
    /// and no gradient buffers exist, a plan about `layerCount` times smaller.
    /// - Throws: `NativeEncoderError.outOfMemory` when the arena for this shape cannot be reserved.
    init(_ c: BertConfiguration, batchSize: Int, sequenceLength: Int, threads: Int, forBackward: Bool = true,
         reusing: inout FloatArena?) throws {
        self.forBackward = forBackward
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.threads = threads
        let t = batchSize * sequenceLength, h = c.hiddenSize, i = c.intermediateSize
        let s = sequenceLength
        var size = 0
        func take(_ n: Int) -> Int {
            let offset = size
            size += (n + 15) & ~15  // 64-byte aligned starts
            return offset
        }
        keyBias = take(batchSize * s)
        let normScratch = take(t * h), rstdScratch = take(t)
        embeddingXhat = normScratch
        embeddingRstd = rstdScratch
        func layer() -> Layer {
            var l = Layer()
            l.qkv = take(t * 3 * h)
            l.probs = take(batchSize * c.headCount * s * s)
            l.context = take(t * h)
            l.xhat1 = forBackward ? take(t * h) : normScratch
            l.rstd1 = forBackward ? take(t) : rstdScratch
            l.h1 = take(t * h)
            l.preGELU = take(t * i)
            l.gelu = take(t * i)
            l.xhat2 = forBackward ? take(t * h) : normScratch
            l.rstd2 = forBackward ? take(t) : rstdScratch
            return l
        }
        if forBackward {
            for _ in 0...c.layerCount { x.append(take(t * h)) }
            for _ in 0..<c.layerCount { layers.append(layer()) }
        } else {
            let pair = [take(t * h), take(t * h)]
            x = (0...c.layerCount).map { pair[$0 % 2] }
            layers = Array(repeating: layer(), count: c.layerCount)
        }
        pooled = take(batchSize * h)
        // Last-layer [CLS] attention in input space (BertEncoder+PooledAttention.swift), [B x heads] rows.
        let rowsBH = batchSize * c.headCount
        pooledU = take(rowsBH * h)
        pooledY = take(rowsBH * h)
        pooledSigma = take(rowsBH)
        pooledBeta = take(rowsBH)
        if forBackward {
            pooledDY = take(rowsBH * h)
            pooledDU = take(rowsBH * h)
            pooledDQ = take(batchSize * h)
            pooledDSigma = take(rowsBH)
            pooledDBeta = take(rowsBH)
        }
        if forBackward {
            dX = take(t * h)
            dSum = take(t * h)
            dH1 = take(t * h)
            dContext = take(t * h)
            dQKV = take(t * 3 * h)
            dInter = take(t * i)
            dPooled = take(batchSize * h)
        }
        threadScratchStride = (2 * s * s + 5 * s * c.headSize + 15) & ~15
        threadScratch = take(threads * BertEncoder.chunksPerWorker * threadScratchStride)
        partialStride = (max(3 * h, i, 2 * h) + 15) & ~15
        partialSums = forBackward ? take((t + Self.reductionRows - 1) / Self.reductionRows * partialStride) : 0
        if let old = reusing, old.count >= size {
            arena = old
        } else {
            // Growing by half at least: batches that lengthen one after another (sorted input, length groups)
            // re-make the arena a few times, not at every batch. The room costs address space only until used
            // (big arenas are anonymous mappings, FloatArena).
            let grown = max(size, (reusing?.count ?? 0) / 2 * 3)
            reusing = nil
            arena = try FloatArena(reserving: grown)
        }
        planFloats = size
    }

    /// Floats the plan uses (the arena may be larger when reused).
    let planFloats: Int
    /// Bytes held by the plan's arena.
    var byteCount: Int { arena.count * 4 }
}
