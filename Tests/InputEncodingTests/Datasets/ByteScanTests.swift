import BertKitSupport
import CEncoderKernels
import Testing
@testable import InputEncoding

/// The readers' byte searches against a plain loop, at every length from 0 to 139 (around and past the vector
/// widths, 16 and 32 bytes, where a wrong mask, offset or tail would show) with random start and hit positions.
@Suite struct ByteScanTests {
    @Test func firstOfTwoBytesMatchesAPlainLoop() {
        var generator = SplitMix64(seed: 3)
        for length in 0..<140 {
            for _ in 0..<40 {
                // Mostly filler; a few commas and line feeds (or none) at random places.
                var bytes = (0..<length).map { _ in UInt8(0x61 + generator.next() % 20) }
                for _ in 0..<Int(generator.next() % 3) where length > 0 {
                    bytes[Int(generator.next() % UInt64(length))] = generator.next() % 2 == 0 ? 0x2C : 0x0A
                }
                let from = length == 0 ? 0 : Int(generator.next() % UInt64(length + 1))
                let expected = (from..<length).first { bytes[$0] == 0x2C || bytes[$0] == 0x0A } ?? length
                let found = bytes.withUnsafeBufferPointer { ByteScan.firstOf(0x2C, 0x0A, in: $0.baseAddress ?? UnsafePointer(bitPattern: 1)!, from: from, to: length) }
                #expect(found == expected, "length \(length) from \(from): \(bytes)")
                let sse2 = bytes.withUnsafeBufferPointer { from + bk_find2_sse2(($0.baseAddress ?? UnsafePointer(bitPattern: 1)!) + from, length - from, 0x2C, 0x0A) }
                #expect(sse2 == expected, "SSE2, length \(length) from \(from): \(bytes)")
            }
        }
    }
}
