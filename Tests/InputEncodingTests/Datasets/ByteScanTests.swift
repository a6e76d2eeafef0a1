import BertKitSupport
import CEncoderKernels
import LineIO
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

    /// The C validator (all three variants) against LineIO's `UTF8Validation.firstInvalidByte`: random mixes of
    /// ASCII, well-formed sequences of every length, and the ill-formed cases of Table 3-7 (continuation bytes
    /// alone, C0/C1 and F5-FF leads, overlongs after E0/F0, surrogates after ED, above U+10FFFF after F4, and
    /// sequences cut short by the end), at lengths around the vector widths.
    @Test func utf8ValidationMatchesTheReference() {
        let pieces: [[UInt8]] = [
            [0x61], [0x20], [0x2C], [0x7F], [0xC3, 0xA9], [0xD9, 0x85], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xE2, 0x82, 0xAC],
            [0xED, 0x9F, 0xBF], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
            [0x80], [0xBF], [0xC0, 0xAF], [0xC1, 0xBF], [0xC2], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
            [0xE2, 0x82], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xF0, 0x9F, 0x98],
        ]
        var generator = SplitMix64(seed: 11)
        for round in 0..<3000 {
            var bytes: [UInt8] = []
            let target = Int(generator.next() % 140)
            // Mostly ASCII runs (vector skips) with Persian-like stretches; an ill-formed piece in about half the rounds.
            while bytes.count < target {
                let pick = Int(generator.next() % 100)
                if pick < 60 {
                    bytes += [UInt8(0x61 + generator.next() % 26)]
                } else if pick < 95 {
                    bytes += pieces[4 + Int(generator.next() % 10)]
                } else if round % 2 == 0 {
                    bytes += pieces[Int(generator.next() % UInt64(pieces.count))]
                }
            }
            if round % 7 == 0, !bytes.isEmpty { bytes.removeLast() }  // may cut the last sequence short
            let expected = bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidByte(in: $0) } ?? bytes.count
            bytes.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
                #expect(bk_utf8_first_invalid(base, buffer.count) == expected, "\(bytes)")
                #expect(bk_utf8_first_invalid_sse2(base, buffer.count) == expected, "SSE2 \(bytes)")
                #expect(bk_utf8_first_invalid_scalar(base, buffer.count) == expected, "scalar \(bytes)")
                #expect(ByteScan.firstInvalidUTF8(in: base, from: 0, to: buffer.count) == (expected == bytes.count ? nil : expected))
            }
        }
    }
}
