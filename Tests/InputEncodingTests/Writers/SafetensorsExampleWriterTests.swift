import Foundation
import Testing
@testable import InputEncoding

@Suite struct SafetensorsExampleWriterTests {
    /// A parsed safetensors file: header entries in file order and the data buffer.
    struct Parsed {
        var headerLength: Int
        var headerText: String
        var tensors: [String: (dtype: String, shape: [Int], offsets: [Int])]
        var metadata: [String: String]
        var data: [UInt8]
    }

    static func parse(_ bytes: [UInt8]) throws -> Parsed {
        let n = Int(bytes.u64(at: 0))
        let headerBytes = Array(bytes[8..<(8 + n)])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any])
        var tensors: [String: (String, [Int], [Int])] = [:]
        var metadata: [String: String] = [:]
        for (key, value) in object {
            let entry = try #require(value as? [String: Any])
            if key == "__metadata__" {
                metadata = try #require(entry as? [String: String])
                continue
            }
            tensors[key] = (try #require(entry["dtype"] as? String), try #require(entry["shape"] as? [Int]),
                            try #require(entry["data_offsets"] as? [Int]))
        }
        return Parsed(headerLength: n, headerText: String(decoding: headerBytes, as: UTF8.self), tensors: tensors,
                      metadata: metadata, data: Array(bytes[(8 + n)...]))
    }

    @Test func allFieldsHeaderAndData() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/rows.safetensors"
        try WriterFixture.write(.safetensors, to: path, fields: .all)
        let parsed = try Self.parse(try WriterFixture.read(path))

        #expect(parsed.headerLength % 8 == 0)
        #expect(parsed.headerText.hasPrefix("{\"__metadata__\":{\"format\":\"pt\"},\"input_ids\":{"))
        #expect(parsed.metadata == ["format": "pt"])
        let expected: [(String, [Int])] = [
            ("input_ids", [3, 6]), ("token_type_ids", [3, 6]), ("attention_mask", [3, 6]),
            ("special_tokens_mask", [3, 6]), ("offset_mapping", [3, 6, 2]), ("overflow_to_sample_mapping", [3]),
            ("label", [3]),
        ]
        #expect(parsed.tensors.count == expected.count)
        var offset = 0
        for (name, shape) in expected {
            let tensor = try #require(parsed.tensors[name], "missing \(name)")
            let bytes = shape.reduce(8, *)
            #expect(tensor.dtype == "I64")
            #expect(tensor.shape == shape, "\(name)")
            // Contiguous in header order from the start of the data buffer.
            #expect(tensor.offsets == [offset, offset + bytes], "\(name)")
            #expect(parsed.data.int64s(from: offset, to: offset + bytes) == WriterFixture.flat(name), "\(name)")
            offset += bytes
        }
        #expect(parsed.data.count == offset)
        #expect(WriterFixture.list(folder) == ["rows.safetensors"])
    }

    @Test func exactHeaderForTheDefaultFields() throws {
        let header = SafetensorsExampleWriter.header(columns: TensorColumn.selected(by: WriterFields()), rows: 2, length: 4)
        let text = #"{"__metadata__":{"format":"pt"},"input_ids":{"dtype":"I64","shape":[2,4],"data_offsets":[0,64]},"#
            + #""token_type_ids":{"dtype":"I64","shape":[2,4],"data_offsets":[64,128]},"#
            + #""attention_mask":{"dtype":"I64","shape":[2,4],"data_offsets":[128,192]}}"#
        let padding = (8 - text.utf8.count % 8) % 8
        #expect(header == Array(text.utf8) + [UInt8](repeating: 0x20, count: padding))
    }

    @Test func noRowsGivesEmptyTensors() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/empty.safetensors"
        try WriterFixture.write(.safetensors, to: path, fields: WriterFields(labels: true), examples: [])
        let parsed = try Self.parse(try WriterFixture.read(path))
        #expect(parsed.tensors["input_ids"]?.shape == [0, 0])
        #expect(parsed.tensors["label"]?.shape == [0])
        #expect(parsed.tensors["label"]?.offsets == [0, 0])
        #expect(parsed.data.isEmpty)
    }

    @Test func rowsOfDifferentLengthsAreRejected() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/rows.safetensors"
        try Array("earlier".utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
        var writer = try makeExampleWriter(format: .safetensors, path: path, fields: WriterFields())
        try writer.write(WriterFixture.examples[0])
        var longer = WriterFixture.examples[1]
        longer.encoding = Encoding(ids: [1, 2, 3, 4, 5, 6, 7], typeIDs: [0, 0, 0, 0, 0, 0, 0],
                                   attentionMask: [1, 1, 1, 1, 1, 1, 1], specialTokensMask: [0, 0, 0, 0, 0, 0, 0],
                                   wordIndices: [0, 1, 2, 3, 4, 5, 6], sequenceIndices: [0, 0, 0, 0, 0, 0, 0])
        let error = WriterError.rowLengthMismatch(path: path, row: 2, expected: 6, found: 7)
        #expect(throws: error) { try writer.write(longer) }
        #expect(error.description.contains("--padding max_length"))
        writer.discard()
        #expect(WriterFixture.list(folder) == ["rows.safetensors"])
        #expect(try WriterFixture.read(path) == Array("earlier".utf8))
    }

    @Test func standardOutputIsRefused() {
        #expect(throws: WriterError.standardOutputUnsupported(format: .safetensors)) {
            _ = try makeExampleWriter(format: .safetensors, path: "-", fields: WriterFields())
        }
    }

    /// More than one 1 MiB buffer per tensor, so parts are flushed and copied in several chunks.
    @Test func largeOutputRoundTrips() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/large.safetensors"
        let length = 512
        let rows = 300  // 300 × 512 × 8 bytes = 1.2 MiB per [N, L] tensor
        var writer = try makeExampleWriter(format: .safetensors, path: path, fields: WriterFields(overflowMapping: true))
        for row in 0..<rows {
            let ids = (0..<length).map { Int32(truncatingIfNeeded: row &* 7919 &+ $0 &* 31) }
            try writer.write(EncodedExample(
                encoding: Encoding(ids: ids, typeIDs: ids.map { $0 & 1 }, attentionMask: ids.map { _ in 1 },
                                   specialTokensMask: ids.map { _ in 0 }, wordIndices: ids.map { _ in 0 },
                                   sequenceIndices: ids.map { _ in 0 }),
                sampleIndex: row / 2))
        }
        try writer.finish()
        let parsed = try Self.parse(try WriterFixture.read(path))
        let ids = try #require(parsed.tensors["input_ids"])
        #expect(ids.shape == [rows, length])
        let values = parsed.data.int64s(from: ids.offsets[0], to: ids.offsets[1])
        #expect(values[length * 299 + 511] == Int64(299 * 7919 + 511 * 31))
        let mapping = try #require(parsed.tensors["overflow_to_sample_mapping"])
        #expect(parsed.data.int64s(from: mapping.offsets[0], to: mapping.offsets[1]) == (0..<rows).map { Int64($0 / 2) })
        #expect(mapping.offsets[1] == parsed.data.count)
    }
}
