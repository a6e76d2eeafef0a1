import COpenBLAS

/// The only Swift file that calls OpenBLAS: row-major sgemm, the thread count and the kernel name.
///
/// Pattern after apple/swift-nio `Sources/NIOWebSocket/SHA1.swift` (one internal wrapper over one C library).
public enum BLAS {
    /// The kernel family OpenBLAS picked at load time (e.g. "Haswell", "Cooperlake"); set by
    /// `OPENBLAS_CORETYPE` or detected from the CPU.
    public static var corename: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's own thread count (the encoder keeps it at 1 and parallelizes by itself).
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Sets OpenBLAS's own thread count.
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
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
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}
