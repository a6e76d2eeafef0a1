/// A 64-byte aligned Float buffer owned by a class, so big arenas are allocated once and freed once.
final class FloatArena {
    let base: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = max(count, 1)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: self.count * 4, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: self.count)
        base.initialize(repeating: 0, count: self.count)
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

    @inline(__always) subscript(offset: Int) -> UnsafeMutablePointer<Float> { base + offset }

    var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: base, count: count) }

    func zero() { base.update(repeating: 0, count: count) }
}
