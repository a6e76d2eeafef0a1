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
