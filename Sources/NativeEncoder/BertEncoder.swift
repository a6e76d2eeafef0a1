import Dispatch

/// A BERT encoder (embeddings, post-LayerNorm transformer layers, pooler) with a hand-written forward and
/// backward pass on OpenBLAS sgemm plus fused kernels (CEncoderKernels).
///
/// The math follows Hugging Face transformers `src/transformers/models/bert/modeling_bert.py`: summed
/// word + position + type embeddings, LayerNorm, dropout; per layer self-attention with an additive mask on
/// padded keys, dense + dropout + residual + LayerNorm, erf GELU feed-forward, dense + dropout + residual +
/// LayerNorm; the pooler is dense + tanh on the first ([CLS]) token.
///
/// ```swift
/// let encoder = try BertEncoder(directory: ".assets/minilm", threads: 2)
/// let batch = try EncoderBatch(sequences: [[101, 7592, 102]])
/// try encoder.forward(batch)
/// let hidden = encoder.lastHiddenState()   // [1 * 3 * 384]
/// ```
///
/// Threads: OpenBLAS is kept at one thread and the encoder splits every GEMM and kernel over `threads`
/// workers itself (row blocks; batch x head pairs for attention), so BLAS threads never compete with them.
public final class BertEncoder {
    /// Model hyper-parameters.
    public let configuration: BertConfiguration
    /// Where every parameter lives in `parameters` / `gradients`.
    public let layout: ParameterLayout
    /// Worker count for GEMM blocks and kernels (1 = everything on the calling thread).
    public let threads: Int
    let parameters: FloatArena
    /// Allocated on first use (a backward pass or `gradient(named:)`), so inference never holds it. The classifier
    /// trainer swaps in a second arena while it accumulates micro-batches (`backwardAdding`).
    lazy var gradients = FloatArena(count: layout.count)
    var workspace: Workspace?
    /// Dropout seed of the last forward pass, reused by its backward pass.
    var stepSeed: UInt64 = 0
    var training = false
    /// Whether the last forward pass computed the last layer on [CLS] rows only.
    var pooledOnly = false
    /// Token ids and types of the last forward pass (the backward scatters embedding gradients by them).
    var currentTokenIDs: [Int32] = [], currentTokenTypes: [Int32] = []
    /// How the encoder runs (plan, pooled backward path, profiling), fixed at construction.
    public let options: Options
    /// Seconds spent per phase (by phase name) since the encoder was made or `resetProfile()` was called; empty
    /// unless `options.profiling` is on.
    public internal(set) var profile: [String: Double] = [:]
    /// Whether the attention kernels may take their AVX-512 clone. Always on: the clone then follows the CPU and
    /// `BERTKIT_KERNELS` (`EncoderKernels`), not the kernels OpenBLAS runs.
    var wideVectors = true
    /// Word-embedding gradient rows written by the last backward (zeroed before the next one).
    var touchedWordRows: [Int32] = []

    /// Creates an encoder with zero parameters (load or initialize them before use).
    public init(configuration: BertConfiguration, threads: Int = 1, options: Options = Options()) {
        self.configuration = configuration
        self.layout = ParameterLayout(configuration)
        self.threads = max(1, threads)
        self.options = options
        self.parameters = FloatArena(count: layout.count)
        BLAS.setThreads(1)
    }

    /// Total number of parameters.
    public var parameterCount: Int { layout.count }

    /// A copy of parameter `name` (Hugging Face name without `bert.`), or nil if there is none.
    public func parameter(named name: String) -> [Float]? {
        layout.entry(named: name).map { Array(UnsafeBufferPointer(start: parameters[$0.offset], count: $0.count)) }
    }

    /// A copy of the gradient of parameter `name` from the last `backward`, or nil if there is none.
    public func gradient(named name: String) -> [Float]? {
        layout.entry(named: name).map { Array(UnsafeBufferPointer(start: gradients[$0.offset], count: $0.count)) }
    }

    /// Bytes held by the activation plan of the current batch shape (0 before the first forward).
    public var activationBytes: Int { workspace?.byteCount ?? 0 }

    /// Runs `body(worker)` for worker in 0..<count, on the calling thread when count is 1.
    @inline(__always)
    func parallel(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 { body(0); return }
        // Workers touch disjoint rows of buffers the caller owns and the call returns only when all are
        // done, so the non-Sendable closure is safe here; Dispatch on Linux still asks for @Sendable.
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: count, execute: unsafeBitCast(body, to: (@Sendable (Int) -> Void).self))
        }
    }

    /// Most token rows per OpenBLAS call in `gemm` (see there).
    static let gemmRowBlock = 1024

    /// Chunks per worker thread in `parallelRanges` (the chunk index passed to the body is below
    /// `threads * chunksPerWorker`, which sizes per-chunk scratch).
    static let chunksPerWorker = 4

    /// Splits 0..<n into contiguous chunks (multiples of `align`) run on the workers; body(chunk, range).
    func parallelRanges(
        _ n: Int, align: Int = 1, minimumChunk: Int = 8, label: String = "elementwise", _ body: (Int, Range<Int>) -> Void
    ) {
        timed(label) {
            // Several chunks per worker, handed out dynamically: on a shared machine a preempted worker then
            // delays one small chunk instead of half the work.
            let chunks = min(threads == 1 ? 1 : threads * Self.chunksPerWorker, max(1, n / max(align, minimumChunk)))
            if chunks <= 1 { body(0, 0..<n); return }
            var chunk = (n + chunks - 1) / chunks
            chunk = (chunk + align - 1) / align * align
            parallel(chunks) { w in
                let lo = min(n, w * chunk), hi = min(n, lo + chunk)
                if lo < hi { body(w, lo..<hi) }
            }
        }
    }

    /// C = op(A) op(B) (+ beta C) with the m rows of C split across workers (one BLAS thread each). With
    /// `bias` (n values), every row of C is first set to it and the product added (beta 1): one pass over C
    /// fewer than OpenBLAS's own zeroing for beta 0 plus a separate bias pass.
    func gemm(
        transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, bias: UnsafePointer<Float>? = nil, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        parallelRanges(m, align: 16, label: transA ? "gemm.weightgrad" : transB ? "gemm.forward" : "gemm.inputgrad") { _, rows in
            if let bias {
                for r in rows { (c + r * ldc).update(from: bias, count: n) }
            }
            // Token-row products go to OpenBLAS in blocks of at most `gemmRowBlock` rows: it packs all the rows
            // of a call before reusing them, and a 4096-row operand no longer stays in cache (measured 2-5%
            // faster per product at 1024 rows; weight gradients, whose long dimension is k, are left whole).
            let block = transA ? rows.count : Self.gemmRowBlock
            for lo in stride(from: rows.lowerBound, to: rows.upperBound, by: block) {
                let count = min(block, rows.upperBound - lo)
                BLAS.gemm(
                    transA: transA, transB: transB, m: count, n: n, k: k,
                    a: transA ? a + lo : a + lo * lda, lda: lda, b: b, ldb: ldb,
                    beta: bias == nil ? beta : 1, c: c + lo * ldc, ldc: ldc)
            }
        }
    }

    /// Dropout seed of `site` in the current step (counter-hash streams never collide across sites).
    @inline(__always)
    func seed(site: Int) -> UInt64 {
        var z = stepSeed &+ UInt64(site + 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
