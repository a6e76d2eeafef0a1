/// Line-at-a-time access to a block buffer for the line-oriented formats (plain lines, JSONL).
final class LineCursor {
    enum Next {
        /// Line `line` is `[start, end)` in `buffer.base` (without its LF or CRLF), valid until the next call.
        case line(start: Int, end: Int, line: Int)
        /// Line `line` is longer than the limit; it has been discarded.
        case tooLong(line: Int)
    }

    let buffer: BlockBuffer
    private let maxBytes: Int
    /// The number of the last line returned (0 before the first).
    private(set) var line = 0

    init(buffer: BlockBuffer, maxBytes: Int) {
        self.buffer = buffer
        self.maxBytes = maxBytes
    }

    /// The next line, or nil at the end of the input.
    func next() throws -> Next? {
        var scanned = 0
        while true {
            let base = UnsafePointer(buffer.base)
            let p0 = buffer.start
            let end = buffer.end
            let hit = ByteScan.first(0x0A, in: base, from: p0 + scanned, to: end)
            if hit < end || buffer.atEOF {
                if hit == end && p0 == end { return nil }
                line += 1
                buffer.start = hit < end ? hit + 1 : end
                if hit - p0 > maxBytes { return .tooLong(line: line) }
                var lineEnd = hit
                if lineEnd > p0 && base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                return .line(start: p0, end: lineEnd, line: line)
            }
            if end - p0 > maxBytes {
                line += 1
                try discardRestOfLine()
                return .tooLong(line: line)
            }
            scanned = end - p0
            try buffer.refill()
        }
    }

    private func discardRestOfLine() throws {
        while true {
            let hit = ByteScan.first(0x0A, in: UnsafePointer(buffer.base), from: buffer.start, to: buffer.end)
            if hit < buffer.end {
                buffer.start = hit + 1
                return
            }
            buffer.start = buffer.end
            if try !buffer.refill() { return }
        }
    }
}

/// Plain text: each line is one record's text.
final class PlainLinesSource: DatasetRecordSource {
    private let path: String
    private let cursor: LineCursor
    private(set) var skips: SkipLog

    init(configuration: DatasetReader.Configuration, gzip: Bool) throws {
        path = configuration.path
        skips = SkipLog(enabled: configuration.skipBadRows)
        let buffer = BlockBuffer(source: try DatasetByteSource(path: path, gzip: gzip), blockSize: configuration.blockSize)
        try buffer.skipByteOrderMark()
        cursor = LineCursor(buffer: buffer, maxBytes: configuration.maxRecordBytes)
        limit = configuration.maxRecordBytes
    }

    private let limit: Int

    var bytesRead: Int { cursor.buffer.source.bytesRead }

    func nextRecord() throws -> DatasetRecord? {
        while let next = try cursor.next() {
            switch next {
            case let .tooLong(line):
                try skips.skip(.recordTooLong(path: path, line: line, limit: limit))
            case let .line(start, end, line):
                let base = UnsafePointer(cursor.buffer.base)
                if let bad = ByteScan.firstInvalidUTF8(in: base, from: start, to: end) {
                    try skips.skip(.invalidUTF8(path: path, line: line, column: bad - start + 1))
                    continue
                }
                return DatasetRecord(text: ByteScan.string(base, from: start, to: end), line: line, path: path, index: 0)
            }
        }
        return nil
    }
}
