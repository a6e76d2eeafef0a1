import Foundation
import Testing
@testable import InputEncoding

/// Optional: runs Scripts/golden/check-writers.py (numpy, safetensors, torch, tfrecord, crc32c) over fresh
/// outputs of every format. Skipped, with the reason shown, when the reference venv is not installed; the
/// other writer tests check the same files in Swift and need no Python.
///
/// Set BERTKIT_WRITER_CHECK_DIR to keep the outputs (one subfolder per field selection) for a manual run.
@Suite struct PythonCheckerTests {
    static let root = TestRepository.root.path
    static let python = TestAsset.referenceEnvironment.path
    static let checker = root + "/Scripts/golden/check-writers.py"

    /// Writes every format with `fields` into `folder` plus the `expected.json` the checker compares with.
    static func writeAll(to folder: String, fields: WriterFields) throws {
        let outputs = ["jsonl": "examples.jsonl", "safetensors": "examples.safetensors", "npy": "examples_npy",
                       "tfrecord": "examples.tfrecord"]
        for format in OutputFormat.allCases {
            try WriterFixture.write(format, to: folder + "/" + (outputs[format.rawValue] ?? ""), fields: fields)
        }
        let names = TensorColumn.selected(by: fields).map(\.name)
        let rows: [[String: Any]] = WriterFixture.examples.map { example in
            var row: [String: Any] = [:]
            for name in names {
                let values = WriterFixture.flat(name, [example])
                switch name {
                case "offset_mapping": row[name] = example.encoding.offsets.map { [$0.start, $0.end] }
                case "overflow_to_sample_mapping", "label": row[name] = values[0]
                default: row[name] = values
                }
            }
            return row
        }
        let expected: [String: Any] = ["fields": names, "rows": rows, "outputs": outputs]
        try JSONSerialization.data(withJSONObject: expected, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: folder + "/expected.json"))
    }

    @Test(.requires(.referenceEnvironment),
          arguments: [("all", WriterFields.all), ("default", WriterFields())])
    func pythonReadersAgree(label: String, fields: WriterFields) throws {
        let keep = ProcessInfo.processInfo.environment["BERTKIT_WRITER_CHECK_DIR"]
        let folder = try keep.map { $0 + "/" + label } ?? WriterFixture.makeFolder()
        defer { if keep == nil { WriterFixture.remove(folder) } }
        if keep != nil {
            try? FileManager.default.removeItem(atPath: folder)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try Self.writeAll(to: folder, fields: fields)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [Self.checker, folder]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "check-writers.py failed:\n\(output)")
        #expect(output.contains("all 4 outputs"), "\(output)")
    }
}
