import Foundation
import WordPiece

/// A read-only view of a safetensors file (https://github.com/huggingface/safetensors, format spec in its
/// README): an 8-byte little-endian header length, a JSON header, then raw little-endian tensor bytes.
///
/// The header is validated before anything is read: its length against the file size and a cap, every
/// dtype, shape and byte range (inside the data, no overlap, size = element count x dtype width, with
/// overflow checks). No allocation is sized by an unchecked number from the file.
///
/// ```swift
/// let file = try SafetensorsFile(contentsOf: "model.safetensors")
/// let bias = try file.floats("pooler.dense.bias")
/// ```
public struct SafetensorsFile: Sendable {
    /// Element types the format names; the encoder reads F32 (and converts F64/F16/BF16/I32/I64 on request).
    public enum DType: String, Sendable {
        /// 32-bit IEEE float.
        case f32 = "F32"
        /// 64-bit IEEE float.
        case f64 = "F64"
        /// 16-bit IEEE float.
        case f16 = "F16"
        /// bfloat16.
        case bf16 = "BF16"
        /// Signed 32-bit integer.
        case i32 = "I32"
        /// Signed 64-bit integer.
        case i64 = "I64"
        /// Bytes per element.
        public var width: Int {
            switch self {
            case .f32, .i32: return 4
            case .f64, .i64: return 8
            case .f16, .bf16: return 2
            }
        }
    }

    /// One tensor's header entry.
    public struct TensorInfo: Sendable, Equatable {
        /// Element type.
        public let dtype: DType
        /// Dimensions, outermost first.
        public let shape: [Int]
        /// Byte range inside the data section (after the header).
        public let byteRange: Range<Int>
        /// Number of elements (product of `shape`).
        public var count: Int { shape.reduce(1, *) }
    }

    /// Largest header accepted (the spec's reference implementation uses 100 MB too).
    public static let maximumHeaderBytes = 100_000_000

    /// The file's path, used in errors.
    public let path: String
    /// Header entries by tensor name (the `__metadata__` entry is excluded).
    public let tensors: [String: TensorInfo]
    private let bytes: Data
    private let dataStart: Int

    /// Opens and validates a safetensors file (memory-mapped).
    /// - Throws: `NativeEncoderError.unreadableFile` or `.invalidSafetensors` naming the file and tensor.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw NativeEncoderError.unreadableFile(path: path, reason: error.localizedDescription)
        }
        try self.init(data: data, path: path)
    }

    /// Validates safetensors bytes already in memory; `path` only labels errors.
    public init(data: Data, path: String) throws {
        func bad(_ reason: String, _ tensor: String? = nil) -> NativeEncoderError {
            .invalidSafetensors(path: path, tensor: tensor, reason: reason)
        }
        guard data.count >= 8 else { throw bad("file has \(data.count) bytes, fewer than the 8-byte header length") }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(data[data.startIndex + i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(Self.maximumHeaderBytes), Int(headerLength) <= data.count - 8 else {
            throw bad("header length \(headerLength) exceeds the file size (\(data.count) bytes) or the 100 MB cap")
        }
        let start = data.startIndex + 8
        let header = data[start..<(start + Int(headerLength))]
        let object: [String: Any]
        do { object = try JSONValue.parseObject(Data(header)) } catch {
            // Positions count from the header's first byte, which is byte 8 of the file.
            throw bad("its JSON header (\(header.count) bytes starting at byte 8 of the file) is \(error.reason)")
        }
        let dataSize = data.count - 8 - Int(headerLength)
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in object where name != "__metadata__" {
            guard let entry = value as? [String: Any] else { throw bad("entry is not an object", name) }
            guard let dtypeName = entry["dtype"] as? String else { throw bad("missing dtype", name) }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw NativeEncoderError.unsupportedDType(path: path, tensor: name, dtype: dtypeName)
            }
            guard let rawShape = entry["shape"] as? [Any], let offsets = entry["data_offsets"] as? [Any],
                offsets.count == 2
            else { throw bad("missing shape or data_offsets", name) }
            var shape: [Int] = []
            var count = 1
            for dim in rawShape {
                guard let d = (dim as? NSNumber)?.intValue, d >= 0 else { throw bad("shape \(rawShape) is invalid", name) }
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow else { throw bad("shape \(rawShape) overflows", name) }
                shape.append(d)
                count = product
            }
            guard let begin = (offsets[0] as? NSNumber)?.intValue, let end = (offsets[1] as? NSNumber)?.intValue,
                begin >= 0, begin <= end, end <= dataSize
            else { throw bad("data_offsets \(offsets) fall outside the \(dataSize) data bytes", name) }
            let (bytesNeeded, overflow) = count.multipliedReportingOverflow(by: dtype.width)
            guard !overflow, bytesNeeded == end - begin else {
                throw bad("shape \(shape) of \(dtype.rawValue) needs \(bytesNeeded) bytes, offsets give \(end - begin)", name)
            }
            tensors[name] = TensorInfo(dtype: dtype, shape: shape, byteRange: begin..<end)
        }
        let ordered = tensors.sorted { $0.value.byteRange.lowerBound < $1.value.byteRange.lowerBound }
        for (previous, next) in zip(ordered, ordered.dropFirst())
        where next.value.byteRange.lowerBound < previous.value.byteRange.upperBound {
            throw bad("overlaps tensor \(previous.key)", next.key)
        }
        self.path = path
        self.tensors = tensors
        self.bytes = data
        self.dataStart = start + Int(headerLength)
    }

    /// The header entry for `name`, or a `missingTensor` error.
    public func info(_ name: String) throws -> TensorInfo {
        guard let info = tensors[name] else { throw NativeEncoderError.missingTensor(path: path, tensor: name) }
        return info
    }

    /// Copies tensor `name` into `destination` as Float (converting F64/F16/BF16/I32/I64).
    /// - Precondition: `destination.count` equals the tensor's element count.
    public func copyFloats(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws {
        let info = try info(name)
        precondition(destination.count == info.count, "destination size must match the tensor")
        let range = (dataStart + info.byteRange.lowerBound)..<(dataStart + info.byteRange.upperBound)
        bytes[range].withUnsafeBytes { raw in
            if info.dtype == .f32, info.count > 0, UInt32(1).littleEndian == 1, let base = raw.baseAddress {
                // Little-endian host: the bytes are already Floats (copied, as the mapping may be unaligned).
                UnsafeMutableRawPointer(destination.baseAddress!).copyMemory(from: base, byteCount: 4 * info.count)
                return
            }
            for i in 0..<info.count {
                destination[i] = Self.element(raw, i, info.dtype)
            }
        }
    }

    /// Tensor `name` as Float values, row-major.
    public func floats(_ name: String) throws -> [Float] {
        let n = try info(name).count
        var out = [Float](repeating: 0, count: n)
        try out.withUnsafeMutableBufferPointer { try copyFloats(name, into: $0) }
        return out
    }

    /// Tensor `name` as Double values (exact for F64, I32 and small I64).
    public func doubles(_ name: String) throws -> [Double] {
        let info = try info(name)
        let range = (dataStart + info.byteRange.lowerBound)..<(dataStart + info.byteRange.upperBound)
        return bytes[range].withUnsafeBytes { raw in
            (0..<info.count).map { i -> Double in
                switch info.dtype {
                case .f64: return Double(bitPattern: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian)
                case .i64: return Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                default: return Double(Self.element(raw, i, info.dtype))
                }
            }
        }
    }

    /// Tensor `name` as integers (I32/I64 exactly; floats truncated toward zero).
    /// - Throws: `invalidSafetensors` naming the tensor when a value is NaN, infinite or outside `Int`'s range.
    public func integers(_ name: String) throws -> [Int] {
        try doubles(name).map { value in
            // Int(_:) traps on these; 2^63 itself is out of range, so the bound is exclusive.
            guard value.isFinite, value >= -9.223372036854775808e18, value < 9.223372036854775808e18 else {
                throw NativeEncoderError.invalidSafetensors(path: path, tensor: name, reason: "value \(value) is not an integer in range")
            }
            return Int(value)
        }
    }

    @inline(__always)
    private static func element(_ raw: UnsafeRawBufferPointer, _ i: Int, _ dtype: DType) -> Float {
        switch dtype {
        case .f32: return Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian)
        case .f64: return Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian))
        case .bf16:
            return Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) << 16)
        case .f16: return halfToFloat(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian)
        case .i32: return Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
        case .i64: return Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
        }
    }

    /// IEEE binary16 to Float without relying on the platform's Float16 support.
    private static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = (h & 0x8000) != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F), mantissa = Float(h & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}

extension SafetensorsFile {
    /// Bytes after the header: an upper bound on what the tensors can hold.
    public var dataByteCount: Int { bytes.count - dataStart }
}
