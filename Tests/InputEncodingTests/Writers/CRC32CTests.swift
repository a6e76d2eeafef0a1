import Testing
@testable import InputEncoding

@Suite struct CRC32CTests {
    @Test func standardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    /// RFC 3720 (iSCSI) appendix B.4.
    @Test func rfc3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map(UInt8.init)) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    }

    @Test func emptyInputIsZero() {
        #expect(CRC32C.checksum([]) == 0)
    }

    /// Every length 0–40 at every start offset 0–7 (the 8-byte loop, its tail, unaligned loads), and continuing,
    /// for the path this CPU takes (SSE4.2 where it has it) and for the table-driven one.
    @Test func slicingAgreesWithBitwiseReference() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let data: [UInt8] = (0..<64).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        for start in 0..<8 {
            for length in 0...40 {
                let slice = Array(data[start..<(start + length)])
                #expect(CRC32C.checksum(slice) == referenceCRC32C(slice), "start \(start) length \(length)")
                #expect(slice.withUnsafeBytes { CRC32C.portableChecksum($0) } == referenceCRC32C(slice), "start \(start) length \(length)")
            }
        }
        let whole = data.withUnsafeBytes { CRC32C.checksum($0) }
        let split = data.withUnsafeBytes { bytes in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[13...]),
                            continuing: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[..<13])))
        }
        let portableSplit = data.withUnsafeBytes { bytes in
            CRC32C.portableChecksum(UnsafeRawBufferPointer(rebasing: bytes[13...]),
                                    continuing: CRC32C.portableChecksum(UnsafeRawBufferPointer(rebasing: bytes[..<13])))
        }
        #expect(whole == split)
        #expect(whole == portableSplit)
    }

    /// The x86-64 machines this package targets have SSE4.2 (every x86-64-v2 CPU), so the instruction path is
    /// the one the tests above exercise there.
    @Test func instructionPathOnX86() {
        #if arch(x86_64)
        #expect(CRC32C.hasInstruction)
        #endif
    }

    /// tensorflow's `crc32c::Mask`: rotate right 15, add 0xa282ead8 (wrapping).
    @Test func maskRotatesAndAdds() {
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
        #expect(CRC32C.masked(0x0000_8000) == 0xA282_EAD9)
        #expect(CRC32C.masked(0x0000_0001) == 0x0002_0000 &+ 0xA282_EAD8)
        #expect(CRC32C.masked(0xFFFF_FFFF) == 0xA282_EAD7)
    }
}
