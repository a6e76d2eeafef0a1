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

    /// An arena of `count` zeroed floats, for sizes fixed by the model. A big one is mapped (see the type); if the
    /// mapping fails, the floats come from the heap instead, which fails only as any allocation does.
    convenience init(count: Int) {
        let floats = max(count, 1)
        if let mapped = Self.map(floats: floats) {
            self.init(base: mapped.base, count: floats, mapping: mapped.mapping)
        } else {
            self.init(base: Self.heap(floats: floats), count: floats, mapping: nil)
        }
    }

    /// An arena of `count` zeroed floats, for sizes that come from the input (a batch's shape): a big one that
    /// cannot be mapped is an error for the caller to report, not a crash.
    /// - Throws: `NativeEncoderError.outOfMemory` with the bytes asked for.
    convenience init(reserving count: Int) throws {
        let floats = max(count, 1)
        guard Self.isMapped(floats: floats) else {
            self.init(base: Self.heap(floats: floats), count: floats, mapping: nil)
            return
        }
        guard let mapped = Self.map(floats: floats) else {
            throw NativeEncoderError.outOfMemory(bytes: Self.mappingLength(floats: floats), reason: String(cString: strerror(errno)))
        }
        self.init(base: mapped.base, count: floats, mapping: mapped.mapping)
    }

    private init(base: UnsafeMutablePointer<Float>, count: Int, mapping: (start: UnsafeMutableRawPointer, length: Int)?) {
        self.base = base
        self.count = count
        self.mapping = mapping
    }

    /// Whether an arena of `floats` is mapped rather than allocated (4 MiB and more, on Linux).
    private static func isMapped(floats: Int) -> Bool {
        #if canImport(Glibc)
        return floats * 4 >= 2 * hugePage
        #else
        return false
        #endif
    }

    /// The mapping for `floats`: whole huge pages, plus one so that the arena can start on a 2 MiB boundary.
    private static func mappingLength(floats: Int) -> Int { (floats * 4 + hugePage - 1) / hugePage * hugePage + hugePage }

    /// Maps `floats` zero-filled floats on a 2 MiB boundary, advised as huge pages; nil when the arena is small
    /// or mmap fails (errno says why).
    private static func map(floats: Int) -> (base: UnsafeMutablePointer<Float>, mapping: (start: UnsafeMutableRawPointer, length: Int))? {
        #if canImport(Glibc)
        guard isMapped(floats: floats) else { return nil }
        let length = mappingLength(floats: floats)
        guard let start = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), start != MAP_FAILED else {
            return nil
        }
        let raw = start + (hugePage - Int(bitPattern: start) % hugePage) % hugePage
        _ = madvise(raw, length - hugePage, MADV_HUGEPAGE)  // advice only: failure is harmless
        return (raw.bindMemory(to: Float.self, capacity: floats), (start, length))
        #else
        return nil
        #endif
    }

    /// `floats` zeroed floats on the heap, 64-byte aligned.
    private static func heap(floats: Int) -> UnsafeMutablePointer<Float> {
        let base = UnsafeMutableRawPointer.allocate(byteCount: floats * 4, alignment: 64).bindMemory(to: Float.self, capacity: floats)
        base.initialize(repeating: 0, count: floats)
        return base
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
