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
        let e = example.encoding
        try e.ids.withUnsafeBufferPointer { ids in
            try e.typeIDs.withUnsafeBufferPointer { types in
                try e.attentionMask.withUnsafeBufferPointer { mask in
                    try e.specialTokensMask.withUnsafeBufferPointer { special in
                        try e.offsets.withUnsafeBufferPointer { offsets in
                            try put(RowView(ids: ids, typeIDs: types, attentionMask: mask, specialTokensMask: special),
                                    offsets: offsets, label: example.label, sampleIndex: example.sampleIndex)
                        }
                    }
                }
            }
        }
    }

    func write(rows block: EncodedRows) throws {
        guard block.count > 0 else { return }
        if fields.offsets { throw WriterError.missingOffsets(path: path, row: rows + 1) }
        if fields.labels && block.labels.count != block.count { throw WriterError.missingLabel(path: path, row: rows + 1) }
        try RowView.forEachRow(of: block) { row, view in
            try put(view, offsets: nil, label: block.labels.isEmpty ? nil : block.labels[row], sampleIndex: block.sampleIndices[row])
        }
    }

    /// Formats one row into the sink.
    private func put(
        _ row: RowView, offsets: UnsafeBufferPointer<TokenOffsets>?, label: Int32?, sampleIndex: Int
    ) throws {
        let tokens = row.ids.count
        // Worst case: 11 characters and a comma per Int32, 44 per offset pair, under 200 for keys and scalars.
        let bound = tokens * (4 * 12 + (fields.offsets ? 44 : 0)) + 512
        let start = try sink.reserve(bound).assumingMemoryBound(to: UInt8.self)
        var p = start
        p = ASCII.put("{\"input_ids\":", p)
        p = ASCII.putArray(row.ids, p)
        p = ASCII.put(",\"token_type_ids\":", p)
        p = ASCII.putArray(row.typeIDs, p)
        p = ASCII.put(",\"attention_mask\":", p)
        p = ASCII.putArray(row.attentionMask, p)
        if fields.specialTokensMask {
            p = ASCII.put(",\"special_tokens_mask\":", p)
            p = ASCII.putArray(row.specialTokensMask, p)
        }
        if fields.offsets, let offsets {
            p = ASCII.put(",\"offset_mapping\":", p)
            p = ASCII.putPairs(offsets, p)
        }
        if fields.overflowMapping {
            p = ASCII.put(",\"overflow_to_sample_mapping\":", p)
            p = ASCII.putDecimal(Int64(sampleIndex), p)
        }
        if fields.labels, let label {
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

    /// Writes `value` (10 ..< 100,000: every id of a BERT vocabulary) in decimal, two digits at a time from a
    /// table; returns the position after it.
    @inline(__always)
    static func putBelow100000(_ value: UInt32, _ p: UnsafeMutablePointer<UInt8>, pairs: UnsafePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let digits = value < 100 ? 2 : value < 1000 ? 3 : value < 10000 ? 4 : 5
        var v = value
        var q = p + digits
        while v >= 100 {
            let k = Int(v % 100) &* 2
            v /= 100
            q -= 2
            q[0] = pairs[k]
            q[1] = pairs[k &+ 1]
        }
        if v >= 10 {
            q[-2] = pairs[Int(v) &* 2]
            q[-1] = pairs[Int(v) &* 2 &+ 1]
        } else {
            q[-1] = 0x30 &+ UInt8(truncatingIfNeeded: v)
        }
        return p + digits
    }

    /// Writes `[a,b,…]` (at most 12 bytes per value plus 2). A run of one single-digit value (masks, segment
    /// ids, padding) is copied from a prepared `,d,d,…` pattern instead of being formatted value by value.
    @inline(__always)
    static func putArray(_ values: UnsafeBufferPointer<Int32>, _ p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = p
        p.pointee = UInt8(ascii: "[")
        p += 1
        let n = values.count
        var i = 0
        // Fetched once per array: each access to a lazy global is a call.
        let pairs = DigitPairs.table, runs = DigitRuns.storage
        while i < n {
            let v = values[i]
            if UInt32(bitPattern: v) < 10 {
                var j = i + 1
                while j < n && values[j] == v { j += 1 }
                var run = j - i
                if i == 0 {
                    p.pointee = 0x30 &+ UInt8(truncatingIfNeeded: v)
                    p += 1
                    run -= 1
                }
                let pattern = DigitRuns.pattern(Int(v), in: runs)
                while run > 0 {
                    let k = min(run, DigitRuns.length)
                    p.update(from: pattern, count: 2 * k)
                    p += 2 * k
                    run -= k
                }
                i = j
            } else {
                if i > 0 {
                    p.pointee = UInt8(ascii: ",")
                    p += 1
                }
                p = UInt32(bitPattern: v) < 100_000 ? putBelow100000(UInt32(bitPattern: v), p, pairs: pairs) : putDecimal(Int64(v), p)
                i += 1
            }
        }
        p.pointee = UInt8(ascii: "]")
        return p + 1
    }

    /// `putArray` over an array.
    static func putArray(_ values: [Int32], _ p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        values.withUnsafeBufferPointer { putArray($0, p) }
    }

    /// Writes `[[s,e],…]` (at most 44 bytes per pair plus 2).
    static func putPairs(_ pairs: UnsafeBufferPointer<TokenOffsets>, _ p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = p
        p.pointee = UInt8(ascii: "[")
        p += 1
        for i in 0..<pairs.count {
            p = put(i > 0 ? ",[" : "[", p)
            p = putDecimal(Int64(pairs[i].start), p)
            p.pointee = UInt8(ascii: ",")
            p = putDecimal(Int64(pairs[i].end), p + 1)
            p.pointee = UInt8(ascii: "]")
            p += 1
        }
        p.pointee = UInt8(ascii: "]")
        return p + 1
    }
}

/// "00", "01", … "99" back to back: the digit pairs of `ASCII.putBelow100000`.
enum DigitPairs {
    // Written once by the lazy initializer and only read afterwards (never freed), so sharing it is safe.
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 200)
        for k in 0..<100 {
            p[2 * k] = 0x30 + UInt8(k / 10)
            p[2 * k + 1] = 0x30 + UInt8(k % 10)
        }
        return UnsafePointer(p)
    }()
}

/// `,d,d,…` for each digit d: the source of `ASCII.putArray`'s run copies.
enum DigitRuns {
    /// Values per pattern.
    static let length = 512
    /// `length` repetitions of `,d` for d = 0 … 9, one after the other (fetch once, read with `pattern`).
    // Written once by the lazy initializer, only read afterwards (and never freed), so sharing it is safe.
    nonisolated(unsafe) static let storage: UnsafeMutablePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 10 * 2 * length)
        for d in 0..<10 {
            for k in 0..<length {
                p[(d * length + k) * 2] = UInt8(ascii: ",")
                p[(d * length + k) * 2 + 1] = 0x30 + UInt8(d)
            }
        }
        return p
    }()

    /// The `length` repetitions of `,d` in `storage`.
    @inline(__always)
    static func pattern(_ digit: Int, in storage: UnsafeMutablePointer<UInt8>) -> UnsafePointer<UInt8> {
        UnsafePointer(storage + digit * 2 * length)
    }
}

/// One row's four token-aligned arrays, as buffers (from an `Encoding` or a slice of `EncodedRows`).
struct RowView {
    let ids: UnsafeBufferPointer<Int32>
    let typeIDs: UnsafeBufferPointer<Int32>
    let attentionMask: UnsafeBufferPointer<Int32>
    let specialTokensMask: UnsafeBufferPointer<Int32>

    /// Calls `body` with each row of `rows` in order.
    static func forEachRow(of rows: EncodedRows, _ body: (Int, RowView) throws -> Void) rethrows {
        try rows.ids.withUnsafeBufferPointer { ids in
            try rows.typeIDs.withUnsafeBufferPointer { types in
                try rows.attentionMask.withUnsafeBufferPointer { mask in
                    try rows.specialTokensMask.withUnsafeBufferPointer { special in
                        for row in 0..<rows.count {
                            let span = rows.range(ofRow: row)
                            try body(row, RowView(
                                ids: UnsafeBufferPointer(rebasing: ids[span]), typeIDs: UnsafeBufferPointer(rebasing: types[span]),
                                attentionMask: UnsafeBufferPointer(rebasing: mask[span]),
                                specialTokensMask: UnsafeBufferPointer(rebasing: special[span])))
                        }
                    }
                }
            }
        }
    }
}
