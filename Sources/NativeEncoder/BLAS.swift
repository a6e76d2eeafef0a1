import CEncoderKernels
import COpenBLAS
import Foundation

/// The only Swift file that calls OpenBLAS: row-major sgemm, the thread count and the kernel name.
///
/// Pattern after apple/swift-nio `Sources/NIOWebSocket/SHA1.swift` (one internal wrapper over one C library).
package enum BLAS {
    /// Loads OpenBLAS (once; later calls are free), with the kernels `selectCoreType` chose (by default: an
    /// `OPENBLAS_CORETYPE` from the environment, else the CPUID choice).
    /// - Throws: `NativeEncoderError.blasUnavailable` when the library cannot be loaded.
    package static func load() throws {
        _ = defaultSelection
        var buffer = [CChar](repeating: 0, count: 512)
        if bk_blas_load(&buffer, Int32(buffer.count)) != 0 {
            throw NativeEncoderError.blasUnavailable(reason: String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    /// Whether OpenBLAS has been loaded (after which `OPENBLAS_CORETYPE` no longer matters to this process).
    package static var isLoaded: Bool { bk_blas_is_loaded() != 0 }

    /// The kernel family OpenBLAS runs (e.g. "Haswell", "SkylakeX"), as `openblas_get_corename()` says; loads it.
    package static var corename: String {
        _ = defaultSelection
        guard let name = bk_blas_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The release: from `openblas_get_config()` once loaded; before that, from the file name of the library
    /// `load()` would open (Debian: `libopenblas.so.0` -> `libopenblasp-r0.3.21.so`). nil when neither says.
    package static var version: OpenBLASVersion? {
        if isLoaded, let config = bk_blas_config() { return OpenBLASVersion(parsing: String(cString: config)) }
        return installedVersion()
    }

    /// The version in the resolved file name of the first library `bk_blas_load` would find, searching
    /// LD_LIBRARY_PATH and the usual library folders the way the dynamic loader does (close enough for naming a
    /// release; the report checks it against `openblas_get_config()` after loading).
    static func installedVersion() -> OpenBLASVersion? {
        let searchPath = ProcessInfo.processInfo.environment["LD_LIBRARY_PATH"]?.split(separator: ":").map(String.init) ?? []
        let folders = searchPath + ["/usr/local/lib", "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib"]
        var index: Int32 = 0
        while let cName = bk_blas_library_name(index) {
            index += 1
            let name = String(cString: cName)
            for path in name.hasPrefix("/") ? [name] : folders.map({ $0 + "/" + name }) where FileManager.default.fileExists(atPath: path) {
                return OpenBLASVersion(parsing: URL(fileURLWithPath: path).resolvingSymlinksInPath().lastPathComponent)
            }
        }
        return nil
    }

    /// The choice the last `selectCoreType` made (nil before any).
    package static var coreChoice: OpenBLASCoreChoice? { selectionState.withLock { $0 } }

    /// Chooses OpenBLAS's kernels (`OpenBLASCoreChoice.choose` on this CPU and the installed release) and, if
    /// OpenBLAS is not loaded yet, applies the choice by setting or removing `OPENBLAS_CORETYPE` in this process,
    /// which OpenBLAS reads once when it loads. Call it before anything else touches the environment from other
    /// threads (bertkit calls it first thing). `applied` is false when OpenBLAS was already loaded: the kernels are
    /// then fixed for this process (bertkit re-executes itself).
    @discardableResult
    package static func selectCoreType(_ request: OpenBLASCoreRequest = .environment) -> (choice: OpenBLASCoreChoice, applied: Bool) {
        let current = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        let choice = OpenBLASCoreChoice.choose(features: .current, version: version, request: request, environment: current)
        selectionState.withLock { $0 = choice }
        guard !isLoaded else { return (choice, false) }
        if let core = choice.coreType {
            if current != core { setenv("OPENBLAS_CORETYPE", core, 1) }
        } else if current != nil {
            unsetenv("OPENBLAS_CORETYPE")
        }
        return (choice, true)
    }

    /// Applies the default request once, unless a caller chose first: library users get the CPUID choice too.
    private static let defaultSelection: Void = {
        if coreChoice == nil, !isLoaded { selectCoreType(.environment) }
    }()
    private static let selectionState = LockedValue<OpenBLASCoreChoice?>(nil)

    /// OpenBLAS's own thread count (the encoder keeps it at 1 and parallelizes by itself).
    package static var threads: Int {
        _ = defaultSelection
        return Int(bk_blas_get_threads())
    }

    /// Sets OpenBLAS's own thread count.
    package static func setThreads(_ count: Int) {
        _ = defaultSelection
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

/// A value behind a lock (the platform floor, macOS 14, predates `Synchronization.Mutex`).
final class LockedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
