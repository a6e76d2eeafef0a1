import InputEncoding

/// The `tf.train.Example` of one instance, written straight from the instance's arrays into the output buffer:
/// the bytes `TFExample.serialize` gives for the seven padded features of `PretrainingFeatures`, without making
/// those seven arrays, the feature list and its names for every record (they were a tenth of the streaming
/// mode's time, allocations included).
///
/// Layout (tensorflow `core/example/example.proto`, `feature.proto`; see `TFExample`): `Example { Features = 1 }`,
/// each feature a map entry `{ key = 1; Feature = 2 }`, `Feature { Int64List = 3 | FloatList = 2 }`, the values one
/// packed field. Padding values are 0, one byte as a varint; mask values 1; weights 1.0 or 0.0 as float32.
struct PretrainingRecord {
    /// Tokens per instance after padding.
    let maxSeqLength: Int
    /// Predictions per instance after padding.
    let maxPredictionsPerSeq: Int

    /// Google's feature names (`PretrainingFeatures.names`), as static bytes.
    private static let inputIDs: StaticString = "input_ids"
    private static let inputMask: StaticString = "input_mask"
    private static let segmentIDs: StaticString = "segment_ids"
    private static let maskedLMPositions: StaticString = "masked_lm_positions"
    private static let maskedLMIDs: StaticString = "masked_lm_ids"
    private static let maskedLMWeights: StaticString = "masked_lm_weights"
    private static let nextSentenceLabels: StaticString = "next_sentence_labels"

    /// Payload bytes (packed values) of the seven features, in order.
    struct Payloads {
        var inputIDs: Int, inputMask: Int, segmentIDs: Int, positions: Int, labels: Int, weights: Int, next: Int
    }

    /// Appends `instance` to `writer` as one record; returns the bytes it took (framing included).
    func write(_ instance: PretrainingInstance, to writer: TFRecordWriter) throws -> Int {
        let payloads = self.payloads(of: instance)
        let body = Self.bodySize(payloads)
        let size = 1 + protobufVarintSize(UInt64(body)) + body
        return try writer.writeRecord(size: size) { encode(instance, payloads: payloads, body: body, into: $0) }
    }

    /// The measures of one instance's record: its packed lists, the Example's body and the framed bytes.
    struct Size {
        var payloads: Payloads
        var body: Int
        /// The record's bytes with TFRecord framing (16 bytes).
        var framed: Int
    }

    /// Measures `instance`'s record.
    func framedSize(of instance: PretrainingInstance) -> Size {
        let payloads = self.payloads(of: instance)
        let body = Self.bodySize(payloads)
        return Size(payloads: payloads, body: body, framed: 1 + protobufVarintSize(UInt64(body)) + body + 16)
    }

    /// Writes `instance`'s framed record (`size` from `framedSize`) at `p`; returns `size.framed`. The bytes are the
    /// ones `write(_:to:)` appends.
    func writeFramed(_ instance: PretrainingInstance, size: Size, at p: UnsafeMutablePointer<UInt8>) -> Int {
        TFRecordWriter.frame(size: size.framed - 16, at: UnsafeMutableRawPointer(p)) {
            encode(instance, payloads: size.payloads, body: size.body, into: $0)
        }
    }

    /// The serialized Example (tests compare it with `TFExample.serialize`).
    func serialize(_ instance: PretrainingInstance) -> [UInt8] {
        let payloads = self.payloads(of: instance)
        let body = Self.bodySize(payloads)
        let size = 1 + protobufVarintSize(UInt64(body)) + body
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            if let base = buffer.baseAddress { _ = encode(instance, payloads: payloads, body: body, into: base) }
            initialized = size
        }
    }

    /// Measures the seven packed lists. Preconditions as `PretrainingFeatures.init`.
    func payloads(of instance: PretrainingInstance) -> Payloads {
        precondition(
            instance.tokenIDs.count <= maxSeqLength && instance.segmentIDs.count <= maxSeqLength
                && instance.maskedLMPositions.count <= maxPredictionsPerSeq && instance.maskedLMLabels.count <= maxPredictionsPerSeq)
        return Payloads(
            inputIDs: Self.packedSize(instance.tokenIDs, paddedTo: maxSeqLength), inputMask: maxSeqLength,
            segmentIDs: Self.packedSize(instance.segmentIDs, paddedTo: maxSeqLength),
            positions: Self.packedSize(instance.maskedLMPositions, paddedTo: maxPredictionsPerSeq),
            labels: Self.packedSize(instance.maskedLMLabels, paddedTo: maxPredictionsPerSeq),
            weights: 4 * maxPredictionsPerSeq, next: 1)
    }

    private static func bodySize(_ p: Payloads) -> Int {
        func outer(_ key: StaticString, _ payload: Int) -> Int {
            tfExampleEntrySize(key: key.utf8CodeUnitCount, payload: payload).outer
        }
        return outer(inputIDs, p.inputIDs) + outer(inputMask, p.inputMask) + outer(segmentIDs, p.segmentIDs)
            + outer(maskedLMPositions, p.positions) + outer(maskedLMIDs, p.labels) + outer(maskedLMWeights, p.weights)
            + outer(nextSentenceLabels, p.next)
    }

    /// Writes the Example at `start` and returns its end.
    private func encode(
        _ instance: PretrainingInstance, payloads: Payloads, body: Int, into start: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        var p = protobufPutLengthDelimited(field: 1, length: body, start)
        p = Self.header(Self.inputIDs, payload: payloads.inputIDs, float: false, p)
        p = Self.put(instance.tokenIDs, paddedTo: maxSeqLength, p)
        p = Self.header(Self.inputMask, payload: payloads.inputMask, float: false, p)
        p = Self.fill(1, count: instance.tokenIDs.count, then: 0, upTo: maxSeqLength, p)
        p = Self.header(Self.segmentIDs, payload: payloads.segmentIDs, float: false, p)
        p = Self.put(instance.segmentIDs, paddedTo: maxSeqLength, p)
        p = Self.header(Self.maskedLMPositions, payload: payloads.positions, float: false, p)
        p = Self.put(instance.maskedLMPositions, paddedTo: maxPredictionsPerSeq, p)
        p = Self.header(Self.maskedLMIDs, payload: payloads.labels, float: false, p)
        p = Self.put(instance.maskedLMLabels, paddedTo: maxPredictionsPerSeq, p)
        p = Self.header(Self.maskedLMWeights, payload: payloads.weights, float: true, p)
        let raw = UnsafeMutableRawPointer(p)
        let real = instance.maskedLMLabels.count
        for i in 0..<maxPredictionsPerSeq {
            raw.storeBytes(of: (i < real ? Float(1) : Float(0)).bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
        }
        p += 4 * maxPredictionsPerSeq
        p = Self.header(Self.nextSentenceLabels, payload: payloads.next, float: false, p)
        p.pointee = instance.isRandomNext ? 1 : 0
        return p + 1
    }

    /// A map entry up to its values: entry, key, `Feature`, list and (for a non-empty list) packed-field headers.
    @inline(__always)
    private static func header(_ key: StaticString, payload: Int, float: Bool, _ start: UnsafeMutablePointer<UInt8>)
        -> UnsafeMutablePointer<UInt8> {
        let keyCount = key.utf8CodeUnitCount
        let sizes = tfExampleEntrySize(key: keyCount, payload: payload)
        var p = protobufPutLengthDelimited(field: 1, length: sizes.entry, start)
        p = protobufPutLengthDelimited(field: 1, length: keyCount, p)
        p.update(from: key.utf8Start, count: keyCount)
        p += keyCount
        p = protobufPutLengthDelimited(field: 2, length: sizes.feature, p)
        p = protobufPutLengthDelimited(field: float ? 2 : 3, length: sizes.list, p)
        if payload > 0 { p = protobufPutLengthDelimited(field: 1, length: payload, p) }
        return p
    }

    /// Varint bytes of `values` as int64, plus one byte per padding zero: one byte per value, one more per 7 bits
    /// past the first 7, ten for a negative value (sign-extended to 64 bits). Counted with sign bits of
    /// differences, no branch per value.
    private static func packedSize(_ values: [Int32], paddedTo count: Int) -> Int {
        values.withUnsafeBufferPointer { values in
            var extra: UInt64 = 0
            for v in values {
                let x = Int64(v)
                let beyond7 = UInt64(bitPattern: 0x7F &- x) >> 63, beyond14 = UInt64(bitPattern: 0x3FFF &- x) >> 63
                let beyond21 = UInt64(bitPattern: 0x1F_FFFF &- x) >> 63, beyond28 = UInt64(bitPattern: 0xFFF_FFFF &- x) >> 63
                extra &+= beyond7 &+ beyond14 &+ beyond21 &+ beyond28 &+ 9 &* (UInt64(bitPattern: x) >> 63)
            }
            return count + Int(extra)
        }
    }

    /// `values` as int64 varints, then zeros up to `count` values.
    @inline(__always)
    private static func put(_ values: [Int32], paddedTo count: Int, _ start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = start
        values.withUnsafeBufferPointer { values in
            for v in values {
                if v >= 0 && v < 0x80 {  // most values (ids of common tokens, segments, positions) take one byte
                    p.pointee = UInt8(truncatingIfNeeded: v)
                    p += 1
                } else {
                    p = protobufPutVarint(UInt64(bitPattern: Int64(v)), p)
                }
            }
        }
        let padding = count - values.count
        p.update(repeating: 0, count: padding)
        return p + padding
    }

    /// `count` bytes of `value`, then `other` up to `total` bytes (one-byte varints).
    @inline(__always)
    private static func fill(_ value: UInt8, count: Int, then other: UInt8, upTo total: Int, _ p: UnsafeMutablePointer<UInt8>)
        -> UnsafeMutablePointer<UInt8> {
        p.update(repeating: value, count: count)
        (p + count).update(repeating: other, count: total - count)
        return p + total
    }
}
