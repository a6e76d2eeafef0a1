import Foundation
import Testing
@testable import LineIO

/// Reverses each line's bytes (ASCII in these tests) and prefixes its length: order-sensitive and easy to check.
struct ReverseTransform: LineTransform {
    var failOn: String?
    mutating func transform(line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) throws {
        if let failOn, String(decoding: line, as: UTF8.self) == failOn { throw CocoaError(.featureUnsupported) }
        output += Array("\(line.count):".utf8) + line.reversed()
    }
}

/// Copies each line unchanged.
struct CopyTransform: LineTransform {
    mutating func transform(line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) throws { output += line }
}

@Suite struct LinePipelineTests {
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ bytes: [UInt8], _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test(arguments: [(1, 5), (2, 7), (3, 64), (2, 1 << 20)])
    func keepsOrderAcrossThreadsAndBatches(threads: Int, blockSize: Int) throws {
        let dir = try Self.scratch()
        var lines = (0..<500).map { i in String(repeating: "x", count: i % 37) + "line\(i)" }
        lines[10] = ""  // empty lines are kept
        let input = try Self.write(Array((lines.joined(separator: "\n")).utf8), "in.txt", in: dir)  // no final newline
        let output = dir.appendingPathComponent("out.txt").path
        let pipeline = LinePipeline(configuration: .init(threads: threads, blockSize: blockSize))
        let (stats, _) = try pipeline.run(inputPath: input, outputPath: output) { ReverseTransform() }
        let expected = lines.map { "\($0.utf8.count):" + String($0.reversed()) + "\n" }.joined()
        #expect(try String(contentsOfFile: output, encoding: .utf8) == expected)
        #expect(stats.lines == 500)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["in.txt", "out.txt"])
    }

    @Test(arguments: [1, 2])
    func invalidUTF8NamesLineColumnAndAbsoluteOffsetAndWritesNothing(threads: Int) throws {
        let dir = try Self.scratch()
        let bytes: [UInt8] = Array("good\nalso good\nbad ".utf8) + [0xC3, 0x28] + Array(" here\nlast\n".utf8)
        let input = try Self.write(bytes, "in.txt", in: dir)
        let output = try Self.write(Array("previous".utf8), "out.txt", in: dir)
        let pipeline = LinePipeline(configuration: .init(threads: threads, blockSize: 4))
        #expect(throws: LineIOError.invalidUTF8(path: input, line: 3, column: 5, byteOffset: 19)) {
            try pipeline.run(inputPath: input, outputPath: output) { CopyTransform() }
        }
        // The earlier output is untouched and no temporary file is left behind.
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "previous")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["in.txt", "out.txt"])
    }

    @Test func lossyReplacesEachMaximalIllFormedSubpart() throws {
        let dir = try Self.scratch()
        // E0 80: E0 needs A0...BF next, so two replacements; F0 9F 98 is a truncated emoji: one replacement.
        let bytes: [UInt8] = [0x61, 0xE0, 0x80, 0x62, 0xF0, 0x9F, 0x98, 0x63, 0xFF, 0x0A]
        let input = try Self.write(bytes, "in.txt", in: dir)
        let output = dir.appendingPathComponent("out.txt").path
        try LinePipeline(configuration: .init(threads: 1, lossy: true)).run(inputPath: input, outputPath: output) { CopyTransform() }
        let expected = String(decoding: bytes, as: UTF8.self)  // Swift also substitutes maximal subparts
        #expect(try String(contentsOfFile: output, encoding: .utf8) == expected)
        #expect(expected == "a\u{FFFD}\u{FFFD}b\u{FFFD}c\u{FFFD}\n")
    }

    @Test func overlongLineAndFailingTransformAreReportedWithTheirLine() throws {
        let dir = try Self.scratch()
        let input = try Self.write(Array("short\n\(String(repeating: "y", count: 100))\n".utf8), "in.txt", in: dir)
        let tight = LinePipeline(configuration: .init(threads: 1, blockSize: 8, maxLineBytes: 50))
        #expect(throws: LineIOError.lineTooLong(path: input, line: 2, byteOffset: 6, limit: 50)) {
            try tight.run(inputPath: input, outputPath: dir.appendingPathComponent("o1").path) { CopyTransform() }
        }
        let failing = try Self.write(Array("a\nb\nboom\nc\n".utf8), "f.txt", in: dir)
        do {
            try LinePipeline(configuration: .init(threads: 2)).run(inputPath: failing, outputPath: dir.appendingPathComponent("o2").path) {
                ReverseTransform(failOn: "boom")
            }
            Issue.record("expected an error")
        } catch let LineIOError.transformFailed(path, line, byteOffset, _) {
            #expect(path == failing && line == 3 && byteOffset == 4)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o2").path))
    }

    @Test func missingInputAndUnwritableOutputAreClearErrors() throws {
        #expect(throws: LineIOError.unreadableInput(path: "/nonexistent/in.txt", reason: "No such file or directory")) {
            try LinePipeline().run(inputPath: "/nonexistent/in.txt", outputPath: nil) { CopyTransform() }
        }
        let dir = try Self.scratch()
        let input = try Self.write(Array("a\n".utf8), "in.txt", in: dir)
        #expect(throws: LineIOError.unwritableOutput(path: "/nonexistent/dir/out.txt", reason: "No such file or directory")) {
            try LinePipeline().run(inputPath: input, outputPath: "/nonexistent/dir/out.txt") { CopyTransform() }
        }
    }

    /// CR-only line endings (classic Mac) used to merge every record into one output line silently; such an
    /// input (carriage returns, no line feed) is now refused with the first CR's offset, also when it is too
    /// long for one line. A CR that ends the only line, CRLF endings and a stray CR inside an LF file still pass.
    @Test func carriageReturnOnlyInputIsRefused() throws {
        let dir = try Self.scratch()
        let mac = try Self.write(Array("first\rsecond\rthird\r".utf8), "mac.txt", in: dir)
        let error = LineIOError.carriageReturnLineEndings(path: mac, byteOffset: 5)
        for blockSize in [1 << 20, 3] {
            #expect(throws: error) {
                try LinePipeline(configuration: .init(threads: 1, blockSize: blockSize)).run(inputPath: mac, outputPath: dir.appendingPathComponent("o").path) { CopyTransform() }
            }
        }
        #expect(throws: error) {
            try LinePipeline(configuration: .init(threads: 1, blockSize: 4, maxLineBytes: 8)).run(inputPath: mac, outputPath: nil) { CopyTransform() }
        }
        #expect(error.description == "\(mac): carriage return at byte offset 5 but no line feed in the input: its lines end in CR only "
                + "(classic Mac), which would all be read as one line; convert them first, e.g. tr '\\r' '\\n' < in > out")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o").path))
        for (text, expected) in [("one line\r", "one line\r\n"), ("a\r\nb\r\n", "a\r\nb\r\n"), ("a\rb\nc\n", "a\rb\nc\n")] {
            let input = try Self.write(Array(text.utf8), "ok.txt", in: dir)
            let output = dir.appendingPathComponent("ok.out").path
            try LinePipeline(configuration: .init(threads: 1)).run(inputPath: input, outputPath: output) { CopyTransform() }
            #expect(try String(contentsOfFile: output, encoding: .utf8) == expected, "\(text.debugDescription)")
        }
    }
}
