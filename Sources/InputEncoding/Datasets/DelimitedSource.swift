/// CSV and TSV records, scanned over the block buffer with eight-byte searches for the delimiter, the quote
/// and the line feed. Quoting follows Python's `csv` reader with its defaults (`Lib/csv.py`,
/// `Modules/_csv.c` in CPython), described on `DatasetReader`.
final class DelimitedSource: DatasetRecordSource {
    /// A field's bytes in the buffer. `escaped`: a quoted field holding `""` or text after its closing
    /// quote; then `[start, end)` runs from the opening quote and must be unescaped.
    struct FieldSpan {
        var start: Int
        var end: Int
        var escaped: Bool
    }

    enum ScanOutcome {
        /// A whole record; `next` is where the following one starts, `newlines` the line feeds it spans.
        case record(next: Int, newlines: Int)
        /// The record runs past the bytes read so far.
        case needMore
        /// The end of the input inside the quoted field opened at `quote`.
        case unterminated(quote: Int)
    }

    private let configuration: DatasetReader.Configuration
    private let path: String
    private let buffer: BlockBuffer
    let delimiter: UInt8
    private var line = 1
    /// The line of the record `nextFields` found last.
    private var recordLine = 1
    private var fields: [FieldSpan] = []
    private var scratch: [UInt8] = []
    private var plan: ColumnPlan?
    private var headerPending: Bool
    private(set) var skips: SkipLog

    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    init(configuration: DatasetReader.Configuration, delimiter: UInt8, gzip: Bool) throws {
        self.configuration = configuration
        path = configuration.path
        self.delimiter = delimiter
        headerPending = configuration.hasHeader
        skips = SkipLog(enabled: configuration.skipBadRows)
        buffer = BlockBuffer(source: try DatasetByteSource(path: path, gzip: gzip), blockSize: configuration.blockSize)
        try buffer.skipByteOrderMark()
        fields.reserveCapacity(16)
    }

    /// A source over the records of a plain file that start after the first line feed at or after byte
    /// `offset`, with the columns `plan` (the header's, read by the source of the first part): the second half
    /// of a first pass split in two (`DatasetSurvey`). Its line numbers count from 1 at that line feed.
    /// Nil when there is no line feed after `offset`.
    init?(configuration: DatasetReader.Configuration, delimiter: UInt8, plan: ColumnPlan, after offset: Int) throws {
        self.configuration = configuration
        path = configuration.path
        self.delimiter = delimiter
        headerPending = false
        self.plan = plan
        skips = SkipLog(enabled: configuration.skipBadRows)
        let source = try DatasetByteSource(path: path, gzip: false)
        try source.seek(to: offset)
        buffer = BlockBuffer(source: source, blockSize: configuration.blockSize, offset: offset)
        while true {
            let hit = ByteScan.first(Self.lineFeed, in: UnsafePointer(buffer.base), from: buffer.start, to: buffer.end)
            if hit < buffer.end {
                buffer.start = hit + 1
                break
            }
            buffer.start = buffer.end
            if try !buffer.refill() { return nil }
        }
        fields.reserveCapacity(16)
    }

    var bytesRead: Int { buffer.source.bytesRead }

    /// The size of the input when it is a plain file (not standard input, a pipe or gzip).
    var plainFileSize: Int? { buffer.source.plainFileSize }

    /// The input offset just past the last record returned (or past the header, or the skipped line feed of
    /// the second half's start): where the reading goes on.
    var nextOffset: Int { buffer.offsetOfBase + buffer.start }

    /// When set, `nextRecord` returns nil instead of looking at a line that starts at this input offset, and sets
    /// `reachedStop`; once a record runs across the offset (it was inside a record), the stop is cleared and
    /// reading goes on to the end.
    var stopOffset: Int?
    /// True once reading stopped at `stopOffset`.
    private(set) var reachedStop = false
    /// When set, a record longer than this many bytes throws `SplitAbandoned` instead of being read or
    /// skipped: the second half of a split first pass gives up rather than buffer what may be a quoted field
    /// that began in the first half (the first reader then reads that half itself).
    var abandonAbove: Int?

    /// Thrown by a source with `abandonAbove` set.
    struct SplitAbandoned: Error {}

    /// The resolved columns (after the header, or the first row without one).
    var columnPlan: ColumnPlan? { plan }

    func nextRecord() throws -> DatasetRecord? {
        guard let base = try nextFields(), let plan else { return nil }
        let keepsText = configuration.keepsText
        return DatasetRecord(
            text: keepsText ? field(plan.text, base: base) : "",
            pair: keepsText ? plan.pair.map { field($0, base: base) } : nil,
            label: plan.label.map { field($0, base: base) },
            line: recordLine, path: path, index: 0)
    }

    func nextRecord(into batch: inout RecordBatch) throws -> Bool {
        guard let base = try nextFields(), let plan else { return false }
        let textStart = batch.bytes.count
        var pairStart: Int?
        if configuration.keepsText {
            withField(plan.text, base: base) { batch.bytes.append(contentsOf: $0) }
            if let pair = plan.pair {
                pairStart = batch.bytes.count
                withField(pair, base: base) { batch.bytes.append(contentsOf: $0) }
            }
        }
        batch.appendRecord(
            textStart: textStart, pairStart: pairStart, label: plan.label.map { field($0, base: base) },
            line: recordLine, path: path)
        return true
    }

    /// Scans to the next record that is delivered (not blank, the header or skipped): its fields are then in
    /// `fields` and its line in `recordLine`, and the returned buffer address is valid until the next call.
    /// Nil at the end of the input.
    private func nextFields() throws -> UnsafePointer<UInt8>? {
        while true {
            let p0 = buffer.start
            if let stop = stopOffset {
                let offset = buffer.offsetOfBase + p0
                if offset == stop {
                    reachedStop = true
                    return nil
                }
                if offset > stop { stopOffset = nil }
            }
            if p0 == buffer.end {
                if try buffer.refill() { continue }
                return nil
            }
            let base = UnsafePointer(buffer.base)
            var spans: [FieldSpan] = []
            swap(&spans, &fields)
            let outcome = Self.scan(base: base, from: p0, to: buffer.end, atEOF: buffer.atEOF, delimiter: delimiter, into: &spans)
            swap(&spans, &fields)
            switch outcome {
            case .needMore:
                if let limit = abandonAbove, buffer.end - p0 > limit { throw SplitAbandoned() }
                if buffer.end - p0 > configuration.maxRecordBytes {
                    let error = DatasetError.recordTooLong(path: path, line: line, limit: configuration.maxRecordBytes)
                    if headerPending { throw error }
                    try skips.skip(error)
                    try skipOverlongRecord()
                } else {
                    try buffer.refill()
                }
            case let .unterminated(quote):
                let position = ByteScan.position(of: quote, in: base, lineStart: p0, line: line)
                throw DatasetError.unterminatedQuote(path: path, line: position.line, column: position.column)
            case let .record(next, newlines):
                recordLine = line
                buffer.start = next
                line += newlines
                if try accept(base: base, from: p0, to: next) { return base }
            }
        }
    }

    /// Checks the scanned record (line `recordLine`): false for a blank line, the header, or a skipped row.
    private func accept(base: UnsafePointer<UInt8>, from p0: Int, to next: Int) throws -> Bool {
        let fields = self.fields
        if fields.count == 1 && !fields[0].escaped && fields[0].start == fields[0].end && base[p0] != Self.quote {
            return false
        }
        if next - p0 > configuration.maxRecordBytes {
            let error = DatasetError.recordTooLong(path: path, line: recordLine, limit: configuration.maxRecordBytes)
            if headerPending { throw error }
            try skips.skip(error)
            return false
        }
        if headerPending {
            if let error = utf8Error(base: base, from: p0, to: next, line: recordLine) { throw error }
            headerPending = false
            let header = (0..<fields.count).map { field($0, base: base) }
            plan = try ColumnPlan.resolve(header: header, fieldCount: header.count, configuration: configuration)
            return false
        }
        let plan: ColumnPlan
        if let resolved = self.plan {
            plan = resolved
        } else {
            plan = try ColumnPlan.resolve(header: nil, fieldCount: fields.count, configuration: configuration)
            self.plan = plan
        }
        if let error = utf8Error(base: base, from: p0, to: next, line: recordLine) {
            try skips.skip(error)
            return false
        }
        let needed = max(plan.text, plan.pair ?? -1, plan.label ?? -1)
        if needed >= fields.count {
            let role = plan.text >= fields.count ? "text" : (plan.pair ?? -1) >= fields.count ? "pair" : "label"
            let column = role == "text" ? plan.text : role == "pair" ? (plan.pair ?? 0) : (plan.label ?? 0)
            try skips.skip(.missingColumn(path: path, line: recordLine, role: role, field: column + 1, fieldCount: fields.count))
            return false
        }
        return true
    }

    /// The error for the first ill-formed UTF-8 byte of `[p0, next)`, or nil when all is well-formed.
    private func utf8Error(base: UnsafePointer<UInt8>, from p0: Int, to next: Int, line recordLine: Int) -> DatasetError? {
        guard let bad = ByteScan.firstInvalidUTF8(in: base, from: p0, to: next) else { return nil }
        let position = ByteScan.position(of: bad, in: base, lineStart: p0, line: recordLine)
        return .invalidUTF8(path: path, line: position.line, column: position.column)
    }

    /// The value of field `index` of the scanned record (validated UTF-8), unescaped.
    private func field(_ index: Int, base: UnsafePointer<UInt8>) -> String {
        withField(index, base: base) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes of field `index` of the scanned record, unescaped: in the read buffer, or for
    /// a field holding `""` or text after its closing quote, in `scratch`.
    private func withField<R>(_ index: Int, base: UnsafePointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let span = fields[index]
        guard span.escaped else { return body(UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)) }
        scratch.removeAll(keepingCapacity: true)
        var i = span.start + 1
        while i < span.end {
            let hit = ByteScan.first(Self.quote, in: base, from: i, to: span.end)
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + i, count: hit - i))
            if hit == span.end { break }
            if hit + 1 < span.end && base[hit + 1] == Self.quote {
                scratch.append(Self.quote)
                i = hit + 2
            } else {
                // The closing quote: what follows it, up to the delimiter, is kept as written.
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + hit + 1, count: span.end - hit - 1))
                break
            }
        }
        return scratch.withUnsafeBufferPointer(body)
    }

    /// Scans one record starting at `p0` into `fields`.
    private static func scan(
        base: UnsafePointer<UInt8>, from p0: Int, to end: Int, atEOF: Bool, delimiter: UInt8, into fields: inout [FieldSpan]
    ) -> ScanOutcome {
        fields.removeAll(keepingCapacity: true)
        let quote = Self.quote
        let lineFeed = Self.lineFeed
        let carriageReturn = Self.carriageReturn
        var p = p0
        var newlines = 0
        while true {
            if p < end && base[p] == quote {
                let open = p
                var q = p + 1
                var escaped = false
                var close = 0
                while true {
                    let hit = ByteScan.firstOf(quote, lineFeed, in: base, from: q, to: end)
                    if hit == end { return atEOF ? .unterminated(quote: open) : .needMore }
                    if base[hit] == lineFeed {
                        newlines += 1
                        q = hit + 1
                        continue
                    }
                    if hit + 1 == end && !atEOF { return .needMore }
                    if hit + 1 < end && base[hit + 1] == quote {
                        escaped = true
                        q = hit + 2
                        continue
                    }
                    close = hit
                    break
                }
                p = close + 1
                if p == end {
                    fields.append(escaped ? FieldSpan(start: open, end: p, escaped: true) : FieldSpan(start: open + 1, end: close, escaped: false))
                    return .record(next: end, newlines: newlines)
                }
                let c = base[p]
                let plain = escaped ? FieldSpan(start: open, end: p, escaped: true) : FieldSpan(start: open + 1, end: close, escaped: false)
                if c == delimiter {
                    fields.append(plain)
                    p += 1
                    continue
                }
                if c == lineFeed {
                    fields.append(plain)
                    return .record(next: p + 1, newlines: newlines + 1)
                }
                if c == carriageReturn {
                    if p + 1 < end && base[p + 1] == lineFeed {
                        fields.append(plain)
                        return .record(next: p + 2, newlines: newlines + 1)
                    }
                    if p + 1 == end {
                        if !atEOF { return .needMore }
                        fields.append(plain)
                        return .record(next: end, newlines: newlines)
                    }
                }
                // Text after the closing quote: kept as written up to the delimiter or the line end.
                let stop = ByteScan.firstOf(delimiter, lineFeed, in: base, from: p, to: end)
                if stop == end && !atEOF { return .needMore }
                var fieldEnd = stop
                if (stop == end || base[stop] == lineFeed) && base[fieldEnd - 1] == carriageReturn { fieldEnd -= 1 }
                fields.append(FieldSpan(start: open, end: fieldEnd, escaped: true))
                if stop == end { return .record(next: end, newlines: newlines) }
                if base[stop] == delimiter {
                    p = stop + 1
                    continue
                }
                return .record(next: stop + 1, newlines: newlines + 1)
            }
            let stop = ByteScan.firstOf(delimiter, lineFeed, in: base, from: p, to: end)
            if stop < end && base[stop] == delimiter {
                fields.append(FieldSpan(start: p, end: stop, escaped: false))
                p = stop + 1
                continue
            }
            if stop == end && !atEOF { return .needMore }
            var fieldEnd = stop
            if fieldEnd > p && base[fieldEnd - 1] == carriageReturn { fieldEnd -= 1 }
            fields.append(FieldSpan(start: p, end: fieldEnd, escaped: false))
            return stop == end ? .record(next: end, newlines: newlines) : .record(next: stop + 1, newlines: newlines + 1)
        }
    }

    /// Discards a record longer than the limit without holding it, following the quoting to find its end.
    private func skipOverlongRecord() throws {
        enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
        var state = State.fieldStart
        var column = 0
        var quoteLine = line
        var quoteColumn = 1
        while true {
            let base = buffer.base
            var i = buffer.start
            let end = buffer.end
            while i < end {
                let c = base[i]
                i += 1
                column += 1
                if c == Self.lineFeed {
                    line += 1
                    column = 0
                    if state != .quoted {
                        buffer.start = i
                        return
                    }
                    continue
                }
                switch state {
                case .fieldStart:
                    if c == Self.quote {
                        state = .quoted
                        quoteLine = line
                        quoteColumn = column
                    } else if c != delimiter {
                        state = .unquoted
                    }
                case .unquoted:
                    if c == delimiter { state = .fieldStart }
                case .quoted:
                    if c == Self.quote { state = .quoteInQuoted }
                case .quoteInQuoted:
                    if c == Self.quote {
                        state = .quoted
                    } else {
                        state = c == delimiter ? .fieldStart : .unquoted
                    }
                }
            }
            buffer.start = end
            if try !buffer.refill() {
                if state == .quoted { throw DatasetError.unterminatedQuote(path: path, line: quoteLine, column: quoteColumn) }
                return
            }
        }
    }
}
