import Foundation

/// Writes F32 tensors as a safetensors file (names sorted, header padded to 8 bytes with spaces, as the
/// reference implementation does), through a temporary file renamed on success.
public enum SafetensorsWriter {
    /// One tensor to write.
    public struct Tensor: Sendable {
        /// Tensor name.
        public var name: String
        /// Dimensions, outermost first.
        public var shape: [Int]
        /// Row-major values; `values.count` must equal the product of `shape`.
        public var values: [Float]
        /// Creates a tensor entry.
        public init(name: String, shape: [Int], values: [Float]) {
            precondition(shape.reduce(1, *) == values.count, "shape must match the value count")
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// Writes `tensors` (plus optional string metadata) to `path`.
    public static func write(_ tensors: [Tensor], metadata: [String: String] = [:], to path: String) throws {
        let sorted = tensors.sorted { $0.name < $1.name }
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for t in sorted {
            header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.values.count]]
            offset += 4 * t.values.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(json)
        for t in sorted {
            t.values.withUnsafeBufferPointer { buffer in
                for v in buffer {
                    var bits = v.bitPattern.littleEndian
                    withUnsafeBytes(of: &bits) { out.append(contentsOf: $0) }
                }
            }
        }
        do {
            try out.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw NativeEncoderError.unwritableFile(path: path, reason: error.localizedDescription)
        }
    }
}

extension SafetensorsWriter {
    /// A tensor whose values stay where they are (an arena) until written.
    struct View {
        var name: String
        var shape: [Int]
        var values: UnsafeBufferPointer<Float>
    }

    /// Writes `views` to `path` straight from their memory (no copy of the values), in the same format as
    /// `write(_:metadata:to:)`, and syncs the file. Not atomic by itself: callers write into a temporary folder.
    /// Little-endian hosts only (the package builds for x86-64 Linux), where Float memory is the file's bytes.
    static func write(views: [View], metadata: [String: String] = [:], to path: String) throws {
        let sorted = views.sorted { $0.name < $1.name }
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for t in sorted {
            precondition(t.shape.reduce(1, *) == t.values.count, "shape must match the value count")
            header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.values.count]]
            offset += 4 * t.values.count
        }
        do {
            var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
            while json.count % 8 != 0 { json.append(0x20) }
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw NativeEncoderError.unwritableFile(path: path, reason: "the file cannot be created")
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            var length = UInt64(json.count).littleEndian
            try handle.write(contentsOf: withUnsafeBytes(of: &length) { Data($0) } + json)
            for t in sorted where !t.values.isEmpty {
                let raw = UnsafeMutableRawPointer(mutating: t.values.baseAddress!)
                try handle.write(contentsOf: Data(bytesNoCopy: raw, count: 4 * t.values.count, deallocator: .none))
            }
            try handle.synchronize()
        } catch let error as NativeEncoderError {
            throw error
        } catch {
            throw NativeEncoderError.unwritableFile(path: path, reason: error.localizedDescription)
        }
    }
}
