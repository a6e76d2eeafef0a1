/// One named feature of a `tf.train.Example`: a list of int64 or float32 values.
package struct TFFeature: Sendable, Equatable {
    /// The values of a feature (`Int64List` or `FloatList` in tensorflow's `feature.proto`).
    package enum Values: Sendable, Equatable {
        /// An `int64_list`.
        case int64([Int64])
        /// A `float_list`.
        case float([Float])
    }

    /// The feature's key in the `Features` map.
    package var name: String
    /// Its values.
    package var values: Values

    /// A feature from its name and values.
    package init(_ name: String, _ values: Values) {
        self.name = name
        self.values = values
    }
}

/// Hand-rolled protobuf encoding of `tf.train.Example` (tensorflow `core/example/example.proto`,
/// `feature.proto`), enough for int64 and float features:
///
/// ```
/// Example  { Features features = 1; }
/// Features { map<string, Feature> feature = 1; }     // on the wire: repeated entry { key = 1; value = 2; }
/// Feature  { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3; } }
/// Int64List { repeated int64 value = 1 [packed = true]; }   // varints, negatives as 10-byte two's complement
/// FloatList { repeated float value = 1 [packed = true]; }   // little-endian float32
/// ```
///
/// Every field is length-delimited (wire type 2), so each tag is one byte `(field << 3) | 2`. Map entries are
/// written in the order given, and empty lists as an empty `Int64List`/`FloatList`, as protobuf does.
package enum TFExample {
    /// The sizes a serialization needs, each list measured once: the payload (packed values) of each feature's
    /// list and the `Features` body they add up to.
    package struct Layout {
        /// Bytes of each feature's packed values, in order.
        var payloads: [Int]
        /// Bytes of the `Features` message.
        var body: Int
        /// Bytes of the whole Example.
        package var size: Int { 1 + protobufVarintSize(UInt64(body)) + body }

        /// Measures `features`.
        package init(_ features: [TFFeature]) {
            payloads = []
            payloads.reserveCapacity(features.count)
            body = 0
            for feature in features {
                let payload: Int
                switch feature.values {
                case let .int64(values): payload = packedSize(values)
                case let .float(values): payload = values.count * 4
                }
                payloads.append(payload)
                body += tfExampleEntrySize(key: feature.name.utf8.count, payload: payload).outer
            }
        }
    }

    /// The serialized size of an Example holding `features`.
    package static func serializedSize(_ features: [TFFeature]) -> Int {
        Layout(features).size
    }

    /// The serialized Example.
    package static func serialize(_ features: [TFFeature]) -> [UInt8] {
        let layout = Layout(features)
        let size = layout.size
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            if let base = buffer.baseAddress { _ = serialize(features, layout: layout, into: base) }
            initialized = size
        }
    }

    /// Writes the Example at `p`, which must have room for `layout.size` bytes (`layout` measured from
    /// `features`); returns the end.
    static func serialize(
        _ features: [TFFeature], layout: Layout, into p: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        var p = protobufPutLengthDelimited(field: 1, length: layout.body, p)
        for (index, feature) in features.enumerated() {
            let key = feature.name.utf8.count
            let payload = layout.payloads[index]
            let sizes = tfExampleEntrySize(key: key, payload: payload)
            p = protobufPutLengthDelimited(field: 1, length: sizes.entry, p)
            p = protobufPutLengthDelimited(field: 1, length: key, p)
            for byte in feature.name.utf8 {
                p.pointee = byte
                p += 1
            }
            p = protobufPutLengthDelimited(field: 2, length: sizes.feature, p)
            switch feature.values {
            case let .int64(values):
                p = protobufPutLengthDelimited(field: 3, length: sizes.list, p)
                if !values.isEmpty {
                    p = protobufPutLengthDelimited(field: 1, length: payload, p)
                    values.withUnsafeBufferPointer { values in
                        for value in values { p = protobufPutVarint(UInt64(bitPattern: value), p) }
                    }
                }
            case let .float(values):
                p = protobufPutLengthDelimited(field: 2, length: sizes.list, p)
                if !values.isEmpty {
                    p = protobufPutLengthDelimited(field: 1, length: payload, p)
                    values.withUnsafeBufferPointer { values in
                        let raw = UnsafeMutableRawPointer(p)
                        for i in 0..<values.count {
                            raw.storeBytes(of: values[i].bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self)
                        }
                    }
                    p += values.count * 4
                }
            }
        }
        return p
    }

    // MARK: sizes

    private static func packedSize(_ values: [Int64]) -> Int {
        values.withUnsafeBufferPointer { values in
            var total = 0
            for value in values { total += protobufVarintSize(UInt64(bitPattern: value)) }
            return total
        }
    }
}

// MARK: wire primitives

// Free functions rather than `TFExample` members: Swift (6.3) does not inline a `package` type's static members into
// another module even when they are `@inlinable`, and MaskedLM's record writer calls these once per value.

/// For one `Features` map entry with a `key` of that many bytes and a list of `payload` packed bytes: the
/// `Int64List`/`FloatList` body (its packed field, absent when empty), the `Feature` body, the entry body and
/// the entry with its tag and length.
@inlinable @inline(__always)
package func tfExampleEntrySize(key: Int, payload: Int) -> (list: Int, feature: Int, entry: Int, outer: Int) {
    let list = payload == 0 ? 0 : 1 + protobufVarintSize(UInt64(payload)) + payload
    let feature = 1 + protobufVarintSize(UInt64(list)) + list
    let entry = 1 + protobufVarintSize(UInt64(key)) + key + 1 + protobufVarintSize(UInt64(feature)) + feature
    return (list, feature, entry, 1 + protobufVarintSize(UInt64(entry)) + entry)
}

/// Bytes in the base-128 varint of `value` (1 to 10).
@inlinable @inline(__always)
package func protobufVarintSize(_ value: UInt64) -> Int {
    (64 - (value | 1).leadingZeroBitCount + 6) / 7
}

/// Writes the base-128 varint of `value` at `p`; returns the end.
@inlinable @inline(__always)
package func protobufPutVarint(_ value: UInt64, _ p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
    var p = p
    var v = value
    while v >= 0x80 {
        p.pointee = UInt8(truncatingIfNeeded: v) | 0x80
        p += 1
        v >>= 7
    }
    p.pointee = UInt8(truncatingIfNeeded: v)
    return p + 1
}

/// A length-delimited field's tag and length (every field of an Example is one, so the tag is one byte).
@inlinable @inline(__always)
package func protobufPutLengthDelimited(field: UInt8, length: Int, _ p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
    p.pointee = field << 3 | 2
    return protobufPutVarint(UInt64(length), p + 1)
}
