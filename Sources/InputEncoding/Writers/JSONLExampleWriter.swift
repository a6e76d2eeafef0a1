import LineIO

/// Writes one compact JSON object per row, keys in HF `transformers`' order: `input_ids`, `token_type_ids`,
/// `attention_mask`, then as selected `special_tokens_mask`, `offset_mapping` (`[[start,end],…]`, character
/// offsets), `overflow_to_sample_mapping`, `label`; a `\n` after each row.
///
/// Rows are formatted straight into the output buffer (digits without `String`s), one capacity check per row.
final class JSONLExampleWriter: ExampleWriter {
    private let path: String
    private let fields: WriterFields
    private let output: AtomicOutput
    private let sink: ByteSink
    private var rows = 0
    private var closed = false

    /// Opens a temporary file beside `path` (`-`: standard output, written as rows come).
    init(path: String, fields: WriterFields) throws {
        self.path = path
        self.fields = fields
        do {
            output = try AtomicOutput(path: path)
        } catch let LineIOError.unwritableOutput(path, reason) {
            throw WriterError.unwritableOutput(path: path, reason: reason)
        }
        sink = ByteSink(target: .atomic(output), displayPath: output.displayPath)
    }

    deinit { discard() }

    func write(_ example: EncodedExample) throws {
        try RowCheck.validate(example, row: rows + 1, fields: fields, path: path)
        let encoding = example.encoding
        let tokens = encoding.ids.count
        // Worst case: 11 characters and a comma per Int32, 44 per offset pair, under 200 for keys and scalars.
        let bound = tokens * (4 * 12 + (fields.offsets ? 44 : 0)) + 512
        let start = try sink.reserve(bound).assumingMemoryBound(to: UInt8.self)
        var p = start
        p = ASCII.put("{\"input_ids\":", p)
        p = ASCII.putArray(encoding.ids, p)
        p = ASCII.put(",\"token_type_ids\":", p)
        p = ASCII.putArray(encoding.typeIDs, p)
        p = ASCII.put(",\"attention_mask\":", p)
        p = ASCII.putArray(encoding.attentionMask, p)
        if fields.specialTokensMask {
            p = ASCII.put(",\"special_tokens_mask\":", p)
            p = ASCII.putArray(encoding.specialTokensMask, p)
        }
        if fields.offsets {
            p = ASCII.put(",\"offset_mapping\":", p)
            p = ASCII.putPairs(encoding.offsets, p)
        }
        if fields.overflowMapping {
            p = ASCII.put(",\"overflow_to_sample_mapping\":", p)
            p = ASCII.putDecimal(Int64(example.sampleIndex), p)
        }
        if fields.labels, let label = example.label {
            p = ASCII.put(",\"label\":", p)
            p = ASCII.putDecimal(Int64(label), p)
        }
        p = ASCII.put("}\n", p)
        sink.advance(p - start)
        rows += 1
    }

    func finish() throws {
        guard !closed else { return }
        do { try sink.commit(to: output) } catch {
            discard()
            throw error
        }
        closed = true
    }

    func discard() {
        closed = true
        output.discard()
    }
}

/// Unchecked ASCII formatting into a buffer the caller has sized (see `JSONLExampleWriter.write`).
enum ASCII {
    /// Copies a literal; returns the position after it.
    @inline(__always)
    static func put(_ text: StaticString, _ p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        p.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        return p + text.utf8CodeUnitCount
    }

    /// Writes `value` in decimal (at most 20 bytes); returns the position after it.
    @inline(__always)
    static func putDecimal(_ value: Int64, _ p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = p
        if value < 0 {
            p.pointee = UInt8(ascii: "-")
            p += 1
        }
        var v = value.magnitude
        if v < 10 {
            p.pointee = 0x30 &+ UInt8(truncatingIfNeeded: v)
            return p + 1
        }
        var digits = 2
        var limit: UInt64 = 100
        while digits < 20 && v >= limit {
            digits += 1
            limit &*= 10
        }
        var q = p + digits
        while v >= 100 {
            let pair = v % 100
            v /= 100
            q -= 2
            q[0] = 0x30 &+ UInt8(truncatingIfNeeded: pair / 10)
            q[1] = 0x30 &+ UInt8(truncatingIfNeeded: pair % 10)
        }
        if v >= 10 {
            q[-2] = 0x30 &+ UInt8(truncatingIfNeeded: v / 10)
            q[-1] = 0x30 &+ UInt8(truncatingIfNeeded: v % 10)
        } else {
            q[-1] = 0x30 &+ UInt8(truncatingIfNeeded: v)
        }
        return p + digits
    }

    /// Writes `[a,b,…]` (at most 12 bytes per value plus 2).
    @inline(__always)
    static func putArray(_ values: [Int32], _ p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = p
        p.pointee = UInt8(ascii: "[")
        p += 1
        values.withUnsafeBufferPointer { values in
            for i in 0..<values.count {
                if i > 0 {
                    p.pointee = UInt8(ascii: ",")
                    p += 1
                }
                p = putDecimal(Int64(values[i]), p)
            }
        }
        p.pointee = UInt8(ascii: "]")
        return p + 1
    }

    /// Writes `[[s,e],…]` (at most 44 bytes per pair plus 2).
    static func putPairs(_ pairs: [TokenOffsets], _ p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = p
        p.pointee = UInt8(ascii: "[")
        p += 1
        pairs.withUnsafeBufferPointer { pairs in
            for i in 0..<pairs.count {
                p = put(i > 0 ? ",[" : "[", p)
                p = putDecimal(Int64(pairs[i].start), p)
                p.pointee = UInt8(ascii: ",")
                p = putDecimal(Int64(pairs[i].end), p + 1)
                p.pointee = UInt8(ascii: "]")
                p += 1
            }
        }
        p.pointee = UInt8(ascii: "]")
        return p + 1
    }
}
