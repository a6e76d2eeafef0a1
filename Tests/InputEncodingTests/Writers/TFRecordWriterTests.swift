import Foundation
import Testing
@testable import InputEncoding

@Suite struct TFRecordWriterTests {
    /// Splits a TFRecord file into record payloads, checking both masked CRCs with the bitwise reference CRC.
    static func records(_ bytes: [UInt8]) throws -> [[UInt8]] {
        func mask(_ crc: UInt32) -> UInt32 { ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8 }
        var records: [[UInt8]] = []
        var at = 0
        while at < bytes.count {
            try #require(at + 12 <= bytes.count)
            let length = Int(bytes.u64(at: at))
            #expect(bytes.u32(at: at + 8) == mask(referenceCRC32C(Array(bytes[at..<(at + 8)]))), "length CRC")
            try #require(at + 16 + length <= bytes.count)
            let data = Array(bytes[(at + 12)..<(at + 12 + length)])
            #expect(bytes.u32(at: at + 12 + length) == mask(referenceCRC32C(data)), "data CRC")
            records.append(data)
            at += 16 + length
        }
        return records
    }

    @Test func exampleBytesByHand() {
        // Example{features{feature{key:"a" value{int64_list{value:[1]}}}}}
        #expect(TFExample.serialize([TFFeature("a", .int64([1]))])
            == [0x0A, 0x0C, 0x0A, 0x0A, 0x0A, 0x01, 0x61, 0x12, 0x05, 0x1A, 0x03, 0x0A, 0x01, 0x01])
        // float_list (Feature field 2) with 1.5 as little-endian float32.
        #expect(TFExample.serialize([TFFeature("f", .float([1.5]))])
            == [0x0A, 0x0F, 0x0A, 0x0D, 0x0A, 0x01, 0x66, 0x12, 0x08, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x00, 0xC0, 0x3F])
        // An empty list is an empty Int64List; -1 is a 10-byte varint.
        #expect(TFExample.serialize([TFFeature("e", .int64([]))])
            == [0x0A, 0x09, 0x0A, 0x07, 0x0A, 0x01, 0x65, 0x12, 0x02, 0x1A, 0x00])
        #expect(TFExample.serialize([TFFeature("n", .int64([-1]))]).suffix(12)
            == [0x0A, 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test func varintSizes() {
        let cases: [(UInt64, Int)] = [(0, 1), (127, 1), (128, 2), (16_383, 2), (16_384, 3), (UInt64(Int64.max), 9), (.max, 10)]
        for (value, size) in cases { #expect(protobufVarintSize(value) == size, "\(value)") }
    }

    @Test func classifierFeaturesInRunClassifierOrder() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/train.tfrecord"
        try WriterFixture.write(.tfrecord, to: path, fields: WriterFields(labels: true))
        let records = try Self.records(try WriterFixture.read(path))
        #expect(records.count == 3)
        for (record, example) in zip(records, WriterFixture.examples) {
            let features = try ProtoReader.decodeExample(record)
            #expect(features.map(\.name) == ["input_ids", "input_mask", "segment_ids", "label_ids", "is_real_example"])
            #expect(features.allSatisfy { $0.kind == 3 })
            #expect(features[0].ints == example.encoding.ids.map(Int64.init))
            #expect(features[1].ints == example.encoding.attentionMask.map(Int64.init))
            #expect(features[2].ints == example.encoding.typeIDs.map(Int64.init))
            #expect(features[3].ints == [Int64(example.label ?? -99)])
            #expect(features[4].ints == [1])
        }
        #expect(WriterFixture.list(folder) == ["train.tfrecord"])
    }

    @Test func optionalFieldsFollowUnderHFNames() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/train.tfrecord"
        try WriterFixture.write(.tfrecord, to: path, fields: WriterFields(specialTokensMask: true, offsets: true,
                                                                          overflowMapping: true))
        let records = try Self.records(try WriterFixture.read(path))
        let features = try ProtoReader.decodeExample(records[1])
        #expect(features.map(\.name) == ["input_ids", "input_mask", "segment_ids", "label_ids", "is_real_example",
                                         "special_tokens_mask", "offset_mapping", "overflow_to_sample_mapping"])
        #expect(features[3].ints == [0])  // labels not selected
        #expect(features[5].ints == [1, 0, 0, 1, 0, 1])
        #expect(features[6].ints == [0, 0, 0, 130, 130, 131, 0, 0, 0, 4, 0, 0])
        #expect(features[7].ints == [1])
    }

    /// The shared writer the masked-LM data reuse: mixed int64 and float features, raw records.
    @Test func genericFeaturesAndRawRecords() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/lm.tfrecord"
        let writer = try TFRecordWriter(path: path)
        let features = [
            TFFeature("masked_lm_positions", .int64([3, 0, Int64.min, Int64.max])),
            TFFeature("masked_lm_weights", .float([1, 0.25, -2.5e-8, .infinity])),
            TFFeature("next_sentence_labels", .int64([-7])),
        ]
        try writer.write(features)
        let payload = TFExample.serialize(features)
        try payload.withUnsafeBytes { try writer.writeRecord($0) }
        try writer.writeRecord(UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(writer.recordCount == 3)
        try writer.finish()
        let bytes = try WriterFixture.read(path)
        let records = try Self.records(bytes)
        #expect(records == [payload, payload, []])
        #expect(bytes.count == 2 * (16 + payload.count) + 16)
        let decoded = try ProtoReader.decodeExample(records[0])
        #expect(decoded.map(\.name) == features.map(\.name))
        #expect(decoded.map(\.kind) == [3, 2, 3])
        #expect(decoded[0].ints == [3, 0, Int64.min, Int64.max])
        #expect(decoded[1].floats == [1, 0.25, -2.5e-8, .infinity])
        #expect(decoded[2].ints == [-7])
    }

    @Test func discardLeavesTheDestinationAlone() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/train.tfrecord"
        try WriterFixture.write(.tfrecord, to: path, fields: WriterFields())
        let before = try WriterFixture.read(path)
        var writer = try makeExampleWriter(format: .tfrecord, path: path, fields: WriterFields())
        try writer.write(WriterFixture.examples[0])
        writer.discard()
        #expect(try WriterFixture.read(path) == before)
        #expect(WriterFixture.list(folder) == ["train.tfrecord"])
    }
}
