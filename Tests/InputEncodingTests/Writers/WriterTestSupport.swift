import Foundation
import Testing
@testable import InputEncoding

/// Rows, folders and little decoders the writer tests share.
enum WriterFixture {
    /// Three padded rows of 6 tokens: record 0, then two overflow windows of record 1.
    static let examples: [EncodedExample] = [
        EncodedExample(
            encoding: Encoding(
                ids: [101, 7592, 1010, 2088, 102, 0], typeIDs: [0, 0, 0, 0, 0, 0], attentionMask: [1, 1, 1, 1, 1, 0],
                specialTokensMask: [1, 0, 0, 0, 1, 1], wordIndices: [-1, 0, 1, 2, -1, -1],
                sequenceIndices: [-1, 0, 0, 0, -1, -1],
                offsets: [.none, TokenOffsets(0, 5), TokenOffsets(5, 6), TokenOffsets(7, 12), .none, .none]),
            label: 2, sampleIndex: 0),
        EncodedExample(
            encoding: Encoding(
                ids: [101, 30521, 999, 102, 2054, 102], typeIDs: [0, 0, 0, 0, 1, 1], attentionMask: [1, 1, 1, 1, 1, 1],
                specialTokensMask: [1, 0, 0, 1, 0, 1], wordIndices: [-1, 0, 1, -1, 0, -1],
                sequenceIndices: [-1, 0, 0, -1, 1, -1],
                offsets: [.none, TokenOffsets(0, 130), TokenOffsets(130, 131), .none, TokenOffsets(0, 4), .none]),
            label: 0, sampleIndex: 1),
        EncodedExample(
            encoding: Encoding(
                ids: [101, 1012, 102, 2054, 102, 0], typeIDs: [0, 0, 0, 1, 1, 0], attentionMask: [1, 1, 1, 1, 1, 0],
                specialTokensMask: [1, 0, 1, 0, 1, 1], wordIndices: [-1, 2, -1, 0, -1, -1],
                sequenceIndices: [-1, 0, -1, 1, -1, -1],
                offsets: [.none, TokenOffsets(131, 1_000_000), .none, TokenOffsets(0, 4), .none, .none]),
            label: 1, sampleIndex: 1),
    ]

    /// A fresh empty folder under the system temporary folder.
    static func makeFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-writers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Deletes a folder `makeFolder` made, with everything in it.
    static func remove(_ folder: String) {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The entries of a folder, sorted.
    static func list(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    /// The bytes of a file.
    static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Writes `examples` with a fresh writer and finishes it.
    static func write(_ format: OutputFormat, to path: String, fields: WriterFields,
                      examples: [EncodedExample] = examples) throws {
        var writer = try makeExampleWriter(format: format, path: path, fields: fields)
        for example in examples { try writer.write(example) }
        try writer.finish()
    }

    /// The values a tensor field holds for `examples`, flattened in C order.
    static func flat(_ name: String, _ examples: [EncodedExample] = examples) -> [Int64] {
        examples.flatMap { example -> [Int64] in
            let e = example.encoding
            switch name {
            case "input_ids": return e.ids.map(Int64.init)
            case "token_type_ids": return e.typeIDs.map(Int64.init)
            case "attention_mask": return e.attentionMask.map(Int64.init)
            case "special_tokens_mask": return e.specialTokensMask.map(Int64.init)
            case "offset_mapping": return e.offsets.flatMap { [Int64($0.start), Int64($0.end)] }
            case "overflow_to_sample_mapping": return [Int64(example.sampleIndex)]
            case "label": return [Int64(example.label ?? 0)]
            default: return []
            }
        }
    }
}

/// Little-endian reads from byte arrays (tests only: bounds are checked by the array).
extension Array where Element == UInt8 {
    func u64(at offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(self[offset + $1]) << (8 * UInt64($1)) }
    }

    func u32(at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << (8 * UInt32($1)) }
    }

    func u16(at offset: Int) -> Int { Int(self[offset]) | Int(self[offset + 1]) << 8 }

    func int64s(from start: Int, to end: Int) -> [Int64] {
        stride(from: start, to: end, by: 8).map { Int64(bitPattern: u64(at: $0)) }
    }
}

/// A minimal, independent protobuf reader for `tf.train.Example` (tests only).
struct ProtoReader {
    enum Failure: Error { case truncated, unexpected(String) }

    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        position = start
        self.end = end ?? bytes.count
    }

    var atEnd: Bool { position >= end }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end, shift < 64 else { throw Failure.truncated }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// The next field: its number and, for a length-delimited field, a reader over its body.
    mutating func lengthDelimited() throws -> (field: Int, body: ProtoReader) {
        let tag = try varint()
        guard tag & 7 == 2 else { throw Failure.unexpected("wire type \(tag & 7)") }
        let length = Int(try varint())
        guard position + length <= end else { throw Failure.truncated }
        defer { position += length }
        return (Int(tag >> 3), ProtoReader(bytes, from: position, to: position + length))
    }

    /// Decodes an Example into its features in wire order: name, field number of the list kind, values.
    static func decodeExample(_ bytes: [UInt8]) throws -> [(name: String, kind: Int, ints: [Int64], floats: [Float])] {
        var example = ProtoReader(bytes)
        var result: [(String, Int, [Int64], [Float])] = []
        while !example.atEnd {
            var (field, features) = try example.lengthDelimited()
            guard field == 1 else { throw Failure.unexpected("Example field \(field)") }
            while !features.atEnd {
                var (entryField, entry) = try features.lengthDelimited()
                guard entryField == 1 else { throw Failure.unexpected("Features field \(entryField)") }
                var name = ""
                var kind = 0
                var ints: [Int64] = []
                var floats: [Float] = []
                while !entry.atEnd {
                    let (f, body) = try entry.lengthDelimited()
                    if f == 1 {
                        name = String(decoding: body.bytes[body.position..<body.end], as: UTF8.self)
                    } else if f == 2 {
                        var feature = body
                        var (k, list) = try feature.lengthDelimited()
                        kind = k
                        while !list.atEnd {
                            var (vf, packed) = try list.lengthDelimited()
                            guard vf == 1 else { throw Failure.unexpected("list field \(vf)") }
                            if k == 3 {
                                while !packed.atEnd { ints.append(Int64(bitPattern: try packed.varint())) }
                            } else if k == 2 {
                                for p in stride(from: packed.position, to: packed.end, by: 4) {
                                    floats.append(Float(bitPattern: bytes.u32(at: p)))
                                }
                            }
                        }
                    }
                }
                result.append((name, kind, ints, floats))
            }
        }
        return result
    }
}

/// A bit-at-a-time CRC-32C, independent of the table-driven one under test.
func referenceCRC32C(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (0x82F6_3B78 & (0 &- (crc & 1))) }
    }
    return ~crc
}
