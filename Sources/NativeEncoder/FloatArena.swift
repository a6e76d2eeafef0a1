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
///
/// Those big arenas are mapped anonymously (zero-filled by the kernel on first touch) instead of allocated and
/// cleared: a page never written costs nothing. `bertkit predict` holds a trainer whose gradient and AdamW moment
/// arenas (270 MB for MiniLM) it never writes; clearing them up front was 10% of its time (perf).
final class FloatArena {
    let base: UnsafeMutablePointer<Float>
    let count: Int
    /// The anonymous mapping behind a big arena (nil: allocated with `allocate`).
    private let mapping: (start: UnsafeMutableRawPointer, length: Int)?

    static let hugePage = 2 << 20

    init(count: Int) {
        self.count = max(count, 1)
        var bytes = self.count * 4
        #if canImport(Glibc)
        if bytes >= 2 * Self.hugePage {
            bytes = (bytes + Self.hugePage - 1) / Self.hugePage * Self.hugePage
            // One huge page more than needed, so the arena can start on a 2 MiB boundary inside the mapping.
            let length = bytes + Self.hugePage
            guard let start = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  start != MAP_FAILED else {
                fatalError("out of memory: cannot map \(length) bytes for an arena (\(String(cString: strerror(errno))))")
            }
            let offset = (Self.hugePage - Int(bitPattern: start) % Self.hugePage) % Self.hugePage
            let raw = start + offset
            _ = madvise(raw, bytes, MADV_HUGEPAGE)  // advice only: failure is harmless
            mapping = (start, length)
            base = raw.bindMemory(to: Float.self, capacity: self.count)  // zero-filled by the kernel
            return
        }
        #endif
        mapping = nil
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: self.count)
        base.initialize(repeating: 0, count: self.count)
    }

    deinit {
        #if canImport(Glibc)
        if let mapping {
            munmap(mapping.start, mapping.length)
            return
        }
        #endif
        UnsafeMutableRawPointer(base).deallocate()
    }

    @inline(__always) subscript(offset: Int) -> UnsafeMutablePointer<Float> { base + offset }

    var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: base, count: count) }

    func zero() { base.update(repeating: 0, count: count) }
}
