/// JSON Lines: one object per line; the selected keys' values become the record.
final class JSONLinesSource: DatasetRecordSource {
    private let path: String
    private let cursor: LineCursor
    private let limit: Int
    /// Keys looked up in each object: text, pair, label (absent ones are empty and never match).
    private let keys: [[UInt8]]
    private let keyNames: [String]
    private let pairSelected: Bool
    private let labelExplicit: Bool
    /// Whether records carry the label: decided by the first object when the label key is the default.
    private var labelActive: Bool?
    private var values: [JSONValueSpan?] = [nil, nil, nil]
    private var scratch: [UInt8] = []
    private(set) var skips: SkipLog

    init(configuration: DatasetReader.Configuration, gzip: Bool) throws {
        path = configuration.path
        limit = configuration.maxRecordBytes
        func key(_ selector: ColumnSelector?, role: String, default name: String?) throws -> String? {
            switch selector {
            case let .name(name)?: return name
            case let .index(index)?: throw DatasetError.indexInJSONLines(path: configuration.path, role: role, index: index)
            case nil: return name
            }
        }
        let text = try key(configuration.textColumn, role: "text", default: "text") ?? "text"
        let pair = try key(configuration.pairColumn, role: "pair", default: nil)
        let label = try key(configuration.labelColumn, role: "label", default: "label") ?? "label"
        keyNames = [text, pair ?? "", label]
        // A key that never matches stands in for an absent pair: no JSON key decodes to invalid UTF-8.
        keys = [Array(text.utf8), pair.map { Array($0.utf8) } ?? [0xFF], Array(label.utf8)]
        pairSelected = pair != nil
        labelExplicit = configuration.labelColumn != nil
        labelActive = labelExplicit ? true : nil
        skips = SkipLog(enabled: configuration.skipBadRows)
        let buffer = BlockBuffer(source: try DatasetByteSource(path: path, gzip: gzip), blockSize: configuration.blockSize)
        try buffer.skipByteOrderMark()
        cursor = LineCursor(buffer: buffer, maxBytes: configuration.maxRecordBytes)
    }

    var bytesRead: Int { cursor.buffer.source.bytesRead }

    func nextRecord() throws -> DatasetRecord? {
        while let next = try cursor.next() {
            switch next {
            case let .tooLong(line):
                try skips.skip(.recordTooLong(path: path, line: line, limit: limit))
            case let .line(start, end, line):
                if let record = try record(start: start, end: end, line: line) { return record }
            }
        }
        return nil
    }

    private func record(start: Int, end: Int, line: Int) throws -> DatasetRecord? {
        let base = UnsafePointer(cursor.buffer.base)
        var first = start
        while first < end, base[first] == 0x20 || base[first] == 0x09 { first += 1 }
        if first == end { return nil }
        if let bad = ByteScan.firstInvalidUTF8(in: base, from: start, to: end) {
            try skips.skip(.invalidUTF8(path: path, line: line, column: bad - start + 1))
            return nil
        }
        var scanner = JSONObjectScanner(base: base, from: start, to: end)
        do {
            try scanner.scanObject(keys: keys, values: &values)
        } catch {
            try skips.skip(.malformedJSON(path: path, line: line, column: error.offset - start + 1, reason: error.reason))
            return nil
        }
        if labelActive == nil { labelActive = values[2] != nil }
        do {
            guard let textSpan = values[0], textSpan.kind != .null else {
                try skips.skip(.missingKey(path: path, line: line, role: "text", key: keyNames[0], isNull: values[0] != nil))
                return nil
            }
            let text = try string(textSpan, base: base)
            var pair: String?
            if pairSelected {
                // A null pair is a single text (as HF encodes `(text, None)`); a missing key is a bad row.
                guard let span = values[1] else {
                    try skips.skip(.missingKey(path: path, line: line, role: "pair", key: keyNames[1], isNull: false))
                    return nil
                }
                if span.kind != .null { pair = try string(span, base: base) }
            }
            var label: String?
            if labelActive == true {
                guard let span = values[2] else {
                    try skips.skip(.missingKey(path: path, line: line, role: "label", key: keyNames[2], isNull: false))
                    return nil
                }
                if span.kind != .null { label = try string(span, base: base) }
            }
            return DatasetRecord(text: text, pair: pair, label: label, line: line, path: path, index: 0)
        } catch let error as JSONSyntaxError {
            try skips.skip(.malformedJSON(path: path, line: line, column: error.offset - start + 1, reason: error.reason))
            return nil
        }
    }

    private func string(_ span: JSONValueSpan, base: UnsafePointer<UInt8>) throws(JSONSyntaxError) -> String {
        switch span.kind {
        case .string, .raw, .null:
            return ByteScan.string(base, from: span.start, to: span.end)
        case .escapedString:
            try JSONObjectScanner.decodeString(base: base, from: span.start, to: span.end, into: &scratch)
            return String(decoding: scratch, as: UTF8.self)
        }
    }
}
