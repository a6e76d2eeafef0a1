#if canImport(Glibc)
import Glibc
#endif

/// A 64-byte aligned Float buffer owned by a class, so big arenas are allocated once and freed once.
///
/// Arenas of 4 MiB and more are 2 MiB aligned and advised as transparent huge pages (Linux, where the
/// kernel's THP mode is `madvise`, the common default): activations are read in strided rows (one attention
/// head of the fused QKV rows, a row block of a GEMM operand), and with 4 KiB pages nearly every row is its
/// own TLB entry, which is costly under virtualization (measured: the strided attention products ran ~1.7x
/// faster on huge pages, Scripts/bench/train-step.sh and BENCHMARKS.md for the step).
final class FloatArena {
    let base: UnsafeMutablePointer<Float>
    let count: Int

    static let hugePage = 2 << 20

    init(count: Int) {
        self.count = max(count, 1)
        var bytes = self.count * 4, alignment = 64
        if bytes >= 2 * Self.hugePage {
            bytes = (bytes + Self.hugePage - 1) / Self.hugePage * Self.hugePage
            alignment = Self.hugePage
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: alignment)
        #if canImport(Glibc)
        if alignment == Self.hugePage { _ = madvise(raw, bytes, MADV_HUGEPAGE) }  // advice only: failure is harmless
        #endif
        base = raw.bindMemory(to: Float.self, capacity: self.count)
        base.initialize(repeating: 0, count: self.count)
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

    @inline(__always) subscript(offset: Int) -> UnsafeMutablePointer<Float> { base + offset }

    var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: base, count: count) }

    func zero() { base.update(repeating: 0, count: count) }
}
