import CEncoderKernels
import COpenBLAS

/// The only Swift file that calls OpenBLAS: row-major sgemm, the thread count and the kernel name.
///
/// Pattern after apple/swift-nio `Sources/NIOWebSocket/SHA1.swift` (one internal wrapper over one C library).
package enum BLAS {
    /// Loads OpenBLAS (once; later calls are free).
    /// - Throws: `NativeEncoderError.blasUnavailable` when the library cannot be loaded.
    package static func load() throws {
        var buffer = [CChar](repeating: 0, count: 512)
        if bk_blas_load(&buffer, Int32(buffer.count)) != 0 {
            throw NativeEncoderError.blasUnavailable(reason: String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    /// Whether OpenBLAS has been loaded (after which `OPENBLAS_CORETYPE` no longer matters to this process).
    package static var isLoaded: Bool { bk_blas_is_loaded() != 0 }

    /// The kernel family OpenBLAS picked at load time (e.g. "Haswell", "Cooperlake"); set by
    /// `OPENBLAS_CORETYPE` or detected from the CPU.
    package static var corename: String {
        guard let name = bk_blas_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Whether OpenBLAS runs AVX-512 kernels (its SkylakeX, Cooperlake and SapphireRapids families).
    package static var usesAVX512: Bool {
        ["skylakex", "cooperlake", "sapphirerapids"].contains(corename.lowercased())
    }

    /// The instruction set of the encoder's own attention kernels with default settings: AVX-512 exactly when
    /// OpenBLAS's kernels are AVX-512 (and the CPU has it), so a user's `OPENBLAS_CORETYPE` binds the whole
    /// encoder; else AVX2+FMA where the CPU has it.
    package static var encoderKernels: String { String(cString: bk_attention_isa(usesAVX512 ? 1 : 0)) }

    /// OpenBLAS's own thread count (the encoder keeps it at 1 and parallelizes by itself).
    package static var threads: Int { Int(bk_blas_get_threads()) }

    /// Sets OpenBLAS's own thread count.
    package static func setThreads(_ count: Int) {
        bk_blas_set_threads(Int32(max(1, count)))
    }

    /// C = alpha op(A) op(B) + beta C, row-major, op = transpose when the flag is set.
    /// A is m x k after op, B is k x n after op, C is m x n; lda/ldb/ldc are row strides in elements.
    @inline(__always)
    static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        bk_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
