import Foundation
import Testing
@testable import InputEncoding

/// A fresh temporary directory for one test, removed when the value is released.
final class DatasetScratch {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "bertkit-datasets-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes `bytes` to `name` inside the directory (making folders) and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = directory + "/" + name
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes the UTF-8 of `text` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    /// Compresses `bytes` with the `gzip` tool into `name`.
    @discardableResult
    func writeGzip(_ name: String, _ bytes: [UInt8]) throws -> String {
        let plain = try write(name + ".plain", bytes)
        let path = directory + "/" + name
        try gzip(plain, into: path)
        try FileManager.default.removeItem(atPath: plain)
        return path
    }

    /// Runs `gzip -c input > output`.
    func gzip(_ input: String, into output: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-c", input]
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        #expect(process.terminationStatus == 0)
    }
}

/// All records of a reader made from `configuration`. Every call also reads the input a second time through
/// the byte-batch path of dataset encoding (`next(into:)`, small batches) and expects the same records, the same
/// error and the same skip count.
func readAll(_ configuration: DatasetReader.Configuration) throws -> [DatasetRecord] {
    let batched = Result { try readBatched(configuration) }
    var reader = try DatasetReader(configuration: configuration)
    var records: [DatasetRecord] = []
    do {
        while let record = try reader.next() { records.append(record) }
    } catch {
        switch batched {
        case .failure(let batchError): #expect("\(batchError)" == "\(error)")
        case .success: Issue.record("the batch path read to the end where next() failed with \(error)")
        }
        throw error
    }
    switch batched {
    case .success(let (batchRecords, skipped)):
        #expect(batchRecords == records)
        #expect(skipped == reader.skippedRows)
    case .failure(let error): Issue.record("the batch path failed where next() did not: \(error)")
    }
    return records
}

/// The records of `readAll` read with `next(into:)` in batches of three, and the rows skipped.
private func readBatched(_ configuration: DatasetReader.Configuration) throws -> ([DatasetRecord], Int) {
    var reader = try DatasetReader(configuration: configuration)
    var records: [DatasetRecord] = []
    var batch = RecordBatch()
    while try reader.next(into: &batch) {
        if batch.count == 3 {
            records += batch.records.map(batch.datasetRecord)
            batch.removeAll()
        }
    }
    records += batch.records.map(batch.datasetRecord)
    return (records, reader.skippedRows)
}

/// (text, label) pairs, the shape most expectations compare.
func textsAndLabels(_ records: [DatasetRecord]) -> [[String?]] {
    records.map { [$0.text, $0.label] }
}

/// The error a reader throws for `configuration`, or nil when it reads to the end.
func readError(_ configuration: DatasetReader.Configuration) -> DatasetError? {
    do {
        _ = try readAll(configuration)
        return nil
    } catch let error as DatasetError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// Block sizes that put block ends inside quotes, escapes, CRLFs and multi-byte characters.
let datasetBlockSizes = [1, 2, 3, 5, 7, 64, 1 << 20]
