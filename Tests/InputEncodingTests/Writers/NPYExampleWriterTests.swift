import Foundation
import Testing
@testable import InputEncoding

@Suite struct NPYExampleWriterTests {
    /// The header dict and data of a version 1.0 `.npy` file.
    static func parse(_ bytes: [UInt8]) throws -> (dict: String, headerSize: Int, data: [Int64]) {
        #expect(Array(bytes[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let headerSize = 10 + bytes.u16(at: 8)
        #expect(bytes[headerSize - 1] == UInt8(ascii: "\n"))
        let dict = String(decoding: bytes[10..<(headerSize - 1)], as: UTF8.self)
            .trimmingCharacters(in: CharacterSet(charactersIn: " "))
        return (dict, headerSize, bytes.int64s(from: headerSize, to: bytes.count))
    }

    @Test func oneFilePerFieldWithShapes() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/rows_npy"
        try WriterFixture.write(.npy, to: path, fields: .all)
        #expect(WriterFixture.list(folder) == ["rows_npy"])
        let shapes = [
            "input_ids": "(3, 6)", "token_type_ids": "(3, 6)", "attention_mask": "(3, 6)",
            "special_tokens_mask": "(3, 6)", "offset_mapping": "(3, 6, 2)", "overflow_to_sample_mapping": "(3,)",
            "label": "(3,)",
        ]
        #expect(WriterFixture.list(path) == shapes.keys.map { $0 + ".npy" }.sorted())
        for (name, shape) in shapes {
            let (dict, headerSize, data) = try Self.parse(try WriterFixture.read("\(path)/\(name).npy"))
            #expect(headerSize == 128)
            #expect(dict == "{'descr': '<i8', 'fortran_order': False, 'shape': \(shape), }", "\(name)")
            #expect(data == WriterFixture.flat(name), "\(name)")
        }
    }

    @Test func headerBytesAreExact() {
        let header = NPYExampleWriter.header(shape: [2, 3])
        let dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }"
        let expected = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 118, 0] + Array(dict.utf8)
            + [UInt8](repeating: 0x20, count: 117 - dict.utf8.count) + [0x0A]
        #expect(header == expected)
        let widest = NPYExampleWriter.header(shape: [Int.max, Int.max, 2])
        #expect(widest.count == 128 && widest[127] == 0x0A && widest[126] == 0x20)
    }

    @Test func replacesAnEarlierOutputFolder() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/rows_npy"
        try WriterFixture.write(.npy, to: path, fields: .all)
        try WriterFixture.write(.npy, to: path, fields: WriterFields(), examples: [WriterFixture.examples[2]])
        #expect(WriterFixture.list(folder) == ["rows_npy"])
        #expect(WriterFixture.list(path) == ["attention_mask.npy", "input_ids.npy", "token_type_ids.npy"])
        let (dict, _, data) = try Self.parse(try WriterFixture.read(path + "/input_ids.npy"))
        #expect(dict.contains("'shape': (1, 6)"))
        #expect(data == [101, 1012, 102, 2054, 102, 0])
    }

    @Test func leavesForeignFoldersAndFilesAlone() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/data"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        _ = FileManager.default.createFile(atPath: path + "/notes.txt", contents: Data("keep".utf8))
        #expect(throws: WriterError.destinationNotReplaceable(
            path: path, reason: "it holds 'notes.txt', which is not an earlier .npy output")) {
            _ = try makeExampleWriter(format: .npy, path: path, fields: WriterFields())
        }
        _ = FileManager.default.createFile(atPath: folder + "/file", contents: Data())
        #expect(throws: WriterError.self) {
            _ = try makeExampleWriter(format: .npy, path: folder + "/file", fields: WriterFields())
        }
        #expect(WriterFixture.list(folder) == ["data", "file"])
        #expect(WriterFixture.list(path) == ["notes.txt"])
    }

    @Test func discardLeavesNothing() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        var writer = try makeExampleWriter(format: .npy, path: folder + "/out", fields: .all)
        try writer.write(WriterFixture.examples[0])
        #expect(WriterFixture.list(folder).count == 1)  // the hidden folder
        writer.discard()
        #expect(WriterFixture.list(folder).isEmpty)
    }

    @Test func rowsOfDifferentLengthsAreRejected() throws {
        let folder = try WriterFixture.makeFolder()
        defer { WriterFixture.remove(folder) }
        let path = folder + "/out"
        var writer = try makeExampleWriter(format: .npy, path: path, fields: WriterFields())
        try writer.write(WriterFixture.examples[0])
        #expect(throws: WriterError.rowLengthMismatch(path: path, row: 2, expected: 6, found: 0)) {
            try writer.write(EncodedExample(encoding: Encoding(), sampleIndex: 1))
        }
        writer.discard()
        #expect(WriterFixture.list(folder).isEmpty)
    }
}
