import Foundation
import Testing
@testable import InputEncoding

@Suite struct JSONLExampleWriterTests {
    @Test func allFieldsExactBytes() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/rows.jsonl"
        try WriterFixture.write(.jsonl, to: path, fields: .all)
        let expected = """
            {"input_ids":[101,7592,1010,2088,102,0],"token_type_ids":[0,0,0,0,0,0],"attention_mask":[1,1,1,1,1,0],\
            "special_tokens_mask":[1,0,0,0,1,1],"offset_mapping":[[0,0],[0,5],[5,6],[7,12],[0,0],[0,0]],\
            "overflow_to_sample_mapping":0,"label":2}
            {"input_ids":[101,30521,999,102,2054,102],"token_type_ids":[0,0,0,0,1,1],"attention_mask":[1,1,1,1,1,1],\
            "special_tokens_mask":[1,0,0,1,0,1],"offset_mapping":[[0,0],[0,130],[130,131],[0,0],[0,4],[0,0]],\
            "overflow_to_sample_mapping":1,"label":0}
            {"input_ids":[101,1012,102,2054,102,0],"token_type_ids":[0,0,0,1,1,0],"attention_mask":[1,1,1,1,1,0],\
            "special_tokens_mask":[1,0,1,0,1,1],"offset_mapping":[[0,0],[131,1000000],[0,0],[0,4],[0,0],[0,0]],\
            "overflow_to_sample_mapping":1,"label":1}

            """
        #expect(String(decoding: try WriterFixture.read(path), as: UTF8.self) == expected)
        #expect(WriterFixture.list(folder) == ["rows.jsonl"])
    }

    @Test func defaultFieldsOnlyTheThreeInputs() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/rows.jsonl"
        try WriterFixture.write(.jsonl, to: path, fields: WriterFields(), examples: [WriterFixture.examples[1]])
        #expect(String(decoding: try WriterFixture.read(path), as: UTF8.self) == """
            {"input_ids":[101,30521,999,102,2054,102],"token_type_ids":[0,0,0,0,1,1],"attention_mask":[1,1,1,1,1,1]}

            """)
    }

    /// Arrays take three routes (runs of one digit, ids below 100,000 from the digit-pair table, the rest
    /// through `putDecimal`): negative values (a library user's pad id of -1) and each boundary go through them.
    @Test func arrayValuesAroundEveryRoute() {
        let values: [Int32] = [-2_147_483_648, -100_000, -1, -1, 0, 0, 7, 9, 10, 99, 100, 999, 1000, 9999, 10_000,
                               30_521, 99_999, 100_000, 2_147_483_647, 1, 1, 1]
        var buffer = [UInt8](repeating: 0, count: values.count * 12 + 2)
        let written = buffer.withUnsafeMutableBufferPointer { b in
            values.withUnsafeBufferPointer { ASCII.putArray($0, b.baseAddress!) - b.baseAddress! }
        }
        #expect(String(decoding: buffer[..<written], as: UTF8.self) == "[" + values.map(String.init).joined(separator: ",") + "]")
    }

    @Test func rowsOfDifferentLengthsAndEmptyRows() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/rows.jsonl"
        let short = EncodedExample(
            encoding: Encoding(ids: [101, 102], typeIDs: [0, 0], attentionMask: [1, 1], specialTokensMask: [1, 1],
                               wordIndices: [-1, -1], sequenceIndices: [-1, -1], offsets: [.none, .none]),
            label: -3, sampleIndex: 12_345_678_901)
        try WriterFixture.write(.jsonl, to: path, fields: .all, examples: [short, EncodedExample(encoding: Encoding(), label: 0, sampleIndex: 0)])
        #expect(String(decoding: try WriterFixture.read(path), as: UTF8.self) == """
            {"input_ids":[101,102],"token_type_ids":[0,0],"attention_mask":[1,1],"special_tokens_mask":[1,1],\
            "offset_mapping":[[0,0],[0,0]],"overflow_to_sample_mapping":12345678901,"label":-3}
            {"input_ids":[],"token_type_ids":[],"attention_mask":[],"special_tokens_mask":[],"offset_mapping":[],\
            "overflow_to_sample_mapping":0,"label":0}

            """)
    }

    @Test(arguments: [
        Int64.min, Int64.min + 1, -2_147_483_648, -100, -10, -9, -1, 0, 1, 9, 10, 11, 99, 100, 101, 999, 1000,
        30_521, 99_999, 100_000, 2_147_483_647, 999_999_999_999, 1_000_000_000_000_000_000,
        999_999_999_999_999_999, Int64.max - 1, Int64.max,
    ])
    func decimalMatchesSwiftFormatting(value: Int64) {
        var buffer = [UInt8](repeating: 0, count: 32)
        let written = buffer.withUnsafeMutableBufferPointer { b in
            ASCII.putDecimal(value, b.baseAddress!) - b.baseAddress!
        }
        #expect(String(decoding: buffer[..<written], as: UTF8.self) == String(value))
    }

    @Test func missingLabelThrowsAndLeavesTheDestinationAlone() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/rows.jsonl"
        try Array("earlier output\n".utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
        var writer = try makeExampleWriter(format: .jsonl, path: path, fields: WriterFields(labels: true))
        try writer.write(WriterFixture.examples[0])
        var unlabelled = WriterFixture.examples[1]
        unlabelled.label = nil
        #expect(throws: WriterError.missingLabel(path: path, row: 2)) { try writer.write(unlabelled) }
        writer.discard()
        #expect(String(decoding: try WriterFixture.read(path), as: UTF8.self) == "earlier output\n")
        #expect(WriterFixture.list(folder) == ["rows.jsonl"])
    }

    @Test func missingOffsetsThrow() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        var writer = try makeExampleWriter(format: .jsonl, path: folder + "/rows.jsonl", fields: WriterFields(offsets: true))
        var example = WriterFixture.examples[0]
        example.encoding.offsets = []
        #expect(throws: WriterError.missingOffsets(path: folder + "/rows.jsonl", row: 1)) { try writer.write(example) }
        writer.discard()
        #expect(WriterFixture.list(folder).isEmpty)
    }

    @Test func unwritableFolderIsReported() {
        #expect(throws: WriterError.self) {
            _ = try makeExampleWriter(format: .jsonl, path: "/nonexistent-bertkit/rows.jsonl", fields: WriterFields())
        }
        let message = WriterError.unwritableOutput(path: "x/y.jsonl", reason: "No such file or directory").description
        #expect(message == "cannot write output 'x/y.jsonl': No such file or directory; check that the folder exists "
            + "and is writable (nothing was written)")
    }

    /// A writer dropped without finish() leaves no temporary behind.
    @Test func droppedWriterCleansUp() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        do {
            var writer = try makeExampleWriter(format: .jsonl, path: folder + "/rows.jsonl", fields: WriterFields())
            try writer.write(WriterFixture.examples[0])
        }
        #expect(WriterFixture.list(folder).isEmpty)
    }
}
