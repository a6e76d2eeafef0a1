import BertKitSupport
import CEncoderKernels
import Foundation
import Testing
@testable import NativeEncoder

/// The fused per-head attention kernels (CEncoderKernels/attention.c) against a plain float64 reference,
/// forward and backward, on shapes that reach every code path: full 16/32-column panels and row blocks
/// (128 keys), leftover rows and columns (37 keys, head size 64), the one-query-row pooled case, dropout on
/// and off, and both instruction-set clones (the AVX-512 one runs where the CPU has it).
@Suite struct AttentionKernelTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        let seq: Int, rows: Int, dh: Int, dropout: Float
        var testDescription: String { "seq \(seq) rows \(rows) head \(dh) dropout \(dropout)" }
    }

    static let shapes = [
        Shape(seq: 128, rows: 128, dh: 32, dropout: 0.1), Shape(seq: 37, rows: 37, dh: 64, dropout: 0),
        Shape(seq: 128, rows: 1, dh: 32, dropout: 0.1), Shape(seq: 8, rows: 8, dh: 16, dropout: 0.5),
    ]

    @Test(arguments: shapes, [Int32(0), 1])
    func matchesFloat64Reference(shape: Shape, allowWide: Int32) {
        let s = shape.seq, r = shape.rows, dh = shape.dh, ld = 3 * dh + 5  // odd row stride, as heads inside QKV rows
        var noise = SplitMix64(seed: UInt64(s * 1000 + dh))
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float(noise.next() >> 40) / Float(1 << 24) * 2 - 1 } }
        let qkv = random(s * ld), dContext = random(r * dh)
        var keyBias = [Float](repeating: 0, count: s)
        keyBias[s - 1] = -1e9  // one padded key
        let scale = 1 / Float(dh).squareRoot(), seed: UInt64 = 0x1234_5678_9ABC_DEF0, index0 = 777
        // The dropout mask, from the shared mask function applied to ones (same seed and flat indices).
        var keep = [Float](repeating: 1, count: r * s)
        if shape.dropout > 0 { bk_dropout_copy(keep, &keep, r * s, shape.dropout, seed, index0) }

        var probs = [Float](repeating: .nan, count: r * s), context = [Float](repeating: .nan, count: r * dh)
        var scratch = [Float](repeating: .nan, count: 2 * s * s + 5 * s * dh)
        var dq = [Float](repeating: .nan, count: s * ld), dk = dq, dv = dq
        qkv.withUnsafeBufferPointer { x in
            let q = x.baseAddress!, k = q + dh, v = q + 2 * dh
            bk_attention_forward(q, k, v, ld, s, r, dh, keyBias, scale, shape.dropout, seed, index0, &probs, &context, dh,
                                 &scratch, allowWide)
            bk_attention_backward(q, k, v, ld, s, r, dh, probs, scale, shape.dropout, seed, index0, dContext, dh, &dq,
                                  &dk, &dv, &scratch, allowWide)
        }

        // float64 reference.
        func q(_ i: Int, _ d: Int) -> Double { Double(qkv[i * ld + d]) }
        func k(_ j: Int, _ d: Int) -> Double { Double(qkv[j * ld + dh + d]) }
        func v(_ j: Int, _ d: Int) -> Double { Double(qkv[j * ld + 2 * dh + d]) }
        var p = [Double](repeating: 0, count: r * s), dropped = p
        for i in 0..<r {
            let scores = (0..<s).map { j in (0..<dh).reduce(0.0) { $0 + q(i, $1) * k(j, $1) } * Double(scale) + Double(keyBias[j]) }
            let m = scores.max()!, e = scores.map { exp($0 - m) }, total = e.reduce(0, +)
            for j in 0..<s {
                p[i * s + j] = e[j] / total
                dropped[i * s + j] = p[i * s + j] * Double(keep[i * s + j])
            }
        }
        var worst = 0.0
        func check(_ got: Float, _ want: Double, _ what: String) {
            let error = abs(Double(got) - want) / max(abs(want), 1e-2)
            worst = max(worst, error)
            if error > 1e-4 { Issue.record("\(what): \(got) vs \(want)") }
        }
        for i in 0..<r {
            for j in 0..<s { check(probs[i * s + j], p[i * s + j], "probs[\(i), \(j)]") }
            for d in 0..<dh {
                check(context[i * dh + d], (0..<s).reduce(0.0) { $0 + dropped[i * s + $1] * v($1, d) }, "context[\(i), \(d)]")
            }
        }
        // Backward: dD = dC V^T, dS = P (dD keep - sum(P dD keep)) (softmax through dropout), times scale.
        func dc(_ i: Int, _ d: Int) -> Double { Double(dContext[i * dh + d]) }
        var dS = [Double](repeating: 0, count: r * s)
        for i in 0..<r {
            let dD = (0..<s).map { j in (0..<dh).reduce(0.0) { $0 + dc(i, $1) * v(j, $1) } }
            let dot = (0..<s).reduce(0.0) { $0 + dropped[i * s + $1] * dD[$1] }
            for j in 0..<s { dS[i * s + j] = (dropped[i * s + j] * dD[j] - p[i * s + j] * dot) * Double(scale) }
        }
        for d in 0..<dh {
            for i in 0..<r { check(dq[i * ld + d], (0..<s).reduce(0.0) { $0 + dS[i * s + $1] * k($1, d) }, "dq[\(i), \(d)]") }
            for j in 0..<s {
                check(dk[j * ld + d], (0..<r).reduce(0.0) { $0 + dS[$1 * s + j] * q($1, d) }, "dk[\(j), \(d)]")
                check(dv[j * ld + d], (0..<r).reduce(0.0) { $0 + dropped[$1 * s + j] * dc($1, d) }, "dv[\(j), \(d)]")
            }
        }
        print("attention kernel \(shape.testDescription) \(String(cString: bk_attention_isa(allowWide))): worst relative error \(worst)")
    }
}
