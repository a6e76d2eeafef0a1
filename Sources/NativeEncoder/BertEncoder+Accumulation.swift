import CEncoderKernels

/// A second gradient arena that a backward pass writes into while `BertEncoder.gradients` keeps a running sum,
/// with the word-embedding rows it has written (zeroed before its next use, as the encoder does for its own).
final class GradientScratch {
    let arena: FloatArena
    var touchedWordRows: [Int32] = []
    init(count: Int) { arena = FloatArena(count: count) }
}

extension BertEncoder {
    /// Back-propagates a pooled-output gradient through the last forward pass and ADDS the parameter gradients
    /// to `gradients` (`backward` overwrites them): the pass writes into `scratch`, which is then added.
    ///
    /// Chosen over an accumulating mode inside every backward kernel: the one extra pass reads the dense tensors and
    /// only the word-embedding rows this batch touched (the embedding matrix, half of MiniLM's parameters, is
    /// otherwise skipped), measured at 3.6 ms per 32 x 128 MiniLM micro-batch (Scripts/bench/classifier-step.sh),
    /// which is all such a mode could save. An update of one micro-batch run whole never comes here; every length
    /// group after a batch's first does (`NativeClassifierTrainer.accumulateGradients`).
    func backwardAdding(pooledGradient: [Float], scratch: GradientScratch) throws {
        let primary = gradients, primaryRows = touchedWordRows
        gradients = scratch.arena
        touchedWordRows = scratch.touchedWordRows
        defer { gradients = primary }
        do {
            try backward(hiddenGradient: nil, pooledGradient: pooledGradient)
        } catch {
            scratch.touchedWordRows = touchedWordRows
            touchedWordRows = primaryRows
            throw error
        }
        let written = touchedWordRows
        scratch.touchedWordRows = written
        let h = configuration.hiddenSize, dense = layout.wordEmbeddings + configuration.vocabularySize * h
        let sum = primary.base, part = scratch.arena.base
        parallelRanges(layout.count - dense, align: 1024, label: "accumulation.add") { _, r in
            bk_add(sum + dense + r.lowerBound, part + dense + r.lowerBound, r.count)
        }
        let rows = Self.uniqueRows(written), words = layout.wordEmbeddings
        rows.withUnsafeBufferPointer { rows in
            parallelRanges(rows.count, minimumChunk: 64, label: "accumulation.add") { _, r in
                for row in rows[r] { bk_add(sum + words + Int(row) * h, part + words + Int(row) * h, h) }
            }
        }
        // The sum now has rows from both passes: the next overwriting backward must zero them all.
        touchedWordRows = Self.uniqueRows(primaryRows + rows)
    }

    /// Sorted distinct ids.
    static func uniqueRows(_ ids: [Int32]) -> [Int32] {
        var rows = ids.sorted()
        var kept = 0
        for i in rows.indices where i == 0 || rows[i] != rows[i - 1] {
            rows[kept] = rows[i]
            kept += 1
        }
        rows.removeLast(rows.count - kept)
        return rows
    }

    /// Where `gradients` can be non-zero: the word-embedding rows written since the arena was last cleared
    /// (sorted, distinct) and the dense remainder of the arena after the embedding matrix.
    var gradientSupport: (wordRows: [Int32], denseStart: Int) {
        (Self.uniqueRows(touchedWordRows), layout.wordEmbeddings + configuration.vocabularySize * configuration.hiddenSize)
    }

    /// Sum of squares of every gradient, in Double over fixed blocks summed in a fixed order (the same value
    /// whatever the thread count).
    func gradientSquaredNorm() -> Double {
        let (rows, dense) = gradientSupport, g = gradients.base, h = configuration.hiddenSize
        var total = 0.0
        for row in rows { total += Self.sumOfSquares(g + layout.wordEmbeddings + Int(row) * h, h) }
        let n = layout.count - dense, block = 1 << 16, blocks = (n + block - 1) / block
        var partial = [Double](repeating: 0, count: blocks)
        partial.withUnsafeMutableBufferPointer { out in
            let out = out
            parallelRanges(blocks, minimumChunk: 1, label: "gradients.norm") { _, r in
                for k in r { out[k] = Self.sumOfSquares(g + dense + k * block, min(block, n - k * block)) }
            }
        }
        for p in partial { total += p }
        return total
    }

    /// Multiplies every gradient by `factor`.
    func scaleGradients(by factor: Float) {
        let (rows, dense) = gradientSupport, g = gradients.base, h = configuration.hiddenSize
        for row in rows { Self.scale(g + layout.wordEmbeddings + Int(row) * h, h, factor) }
        parallelRanges(layout.count - dense, align: 1024, label: "gradients.scale") { _, r in
            Self.scale(g + dense + r.lowerBound, r.count, factor)
        }
    }

    /// Sum of x[i]^2 in Double, four interleaved accumulators combined in a fixed order.
    static func sumOfSquares(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
        var a = 0.0, b = 0.0, c = 0.0, d = 0.0, i = 0
        while i + 4 <= n {
            let x0 = Double(x[i]), x1 = Double(x[i + 1]), x2 = Double(x[i + 2]), x3 = Double(x[i + 3])
            a += x0 * x0; b += x1 * x1; c += x2 * x2; d += x3 * x3
            i += 4
        }
        while i < n { a += Double(x[i]) * Double(x[i]); i += 1 }
        return (a + b) + (c + d)
    }

    static func scale(_ x: UnsafeMutablePointer<Float>, _ n: Int, _ factor: Float) {
        for i in 0..<n { x[i] *= factor }
    }
}
