import Foundation
import Testing
@testable import NativeEncoder

/// `FloatArena`: zero-filled, aligned (64 bytes; 2 MiB for arenas of 4 MiB and more, which are anonymous mappings
/// on Linux), writable to its last element, and `zero()` clears what was written. Sizes around the threshold.
@Suite struct FloatArenaTests {
    @Test(arguments: [0, 1, 1000, (4 << 20) / 4 - 1, (4 << 20) / 4, (4 << 20) / 4 + 1, 3_000_001])
    func zeroedAlignedAndWritable(count: Int) {
        let arena = FloatArena(count: count)
        #expect(arena.count == max(count, 1))
        let big = arena.count * 4 >= 2 * FloatArena.hugePage
        let address = Int(bitPattern: arena.base)
        #expect(address % 64 == 0)
        #if canImport(Glibc)
        if big { #expect(address % FloatArena.hugePage == 0) }
        #endif
        let buffer = arena.buffer
        #expect(buffer.allSatisfy { $0 == 0 })
        buffer[0] = 1
        buffer[buffer.count / 2] = 3
        buffer[buffer.count - 1] = 2
        #expect(arena[buffer.count - 1].pointee == 2)
        arena.zero()
        #expect(buffer.allSatisfy { $0 == 0 })
    }

    /// `init(reserving:)` (sizes from a batch's shape) gives the same arenas, and one that cannot be mapped is a
    /// thrown error naming its size, not a crash: 256 TiB is more than a 47-bit address space holds.
    @Test func reservingTooMuchThrows() throws {
        for count in [1000, (4 << 20) / 4, 3_000_001] {
            let arena = try FloatArena(reserving: count)
            #expect(arena.count == count && arena.buffer.allSatisfy { $0 == 0 })
            #expect(Int(bitPattern: arena.base) % 64 == 0)
        }
        #if canImport(Glibc)
        let error = #expect(throws: NativeEncoderError.self) { try FloatArena(reserving: 1 << 46) }
        guard case let .outOfMemory(bytes, _)? = error else {
            Issue.record("expected outOfMemory, got \(String(describing: error))")
            return
        }
        #expect(bytes >= 1 << 48)
        #expect(error?.description.contains("--batch-size") == true)
        #endif
    }

    /// Big arenas made and dropped in turn are unmapped when released: 200 x 64 MiB would leave 12.5 GiB of
    /// address space behind (Linux: VmSize in /proc/self/status; other tests running meanwhile stay far below).
    @Test func bigArenasAreReleased() throws {
        #if canImport(Glibc)
        func virtualKiB() throws -> Int {
            let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
            let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmSize:") })
            return try #require(Int(line.filter(\.isNumber)))
        }
        let before = try virtualKiB()
        for i in 0..<200 {
            let arena = FloatArena(count: 16 << 20)
            arena.base[i] = Float(i)
            #expect(arena.base[i] == Float(i))
        }
        let grown = try virtualKiB() - before
        #expect(grown < 4 << 20, "VmSize grew by \(grown) KiB")
        #endif
    }
}
