import BertKitSupport
import LineIO

/// Maps a record's label to its class id for dataset encoding.
struct LabelMap: Sendable {
    /// The labels in id order.
    let list: [String]
    /// Whether rows carry labels at all.
    let hasLabels: Bool
    /// The input is read once (standard input or a pipe) and no label list was given: a labelled record is
    /// an error, since the ids could not be fixed before the first row is written.
    let mustBeGiven: Bool
    private let ids: [String: Int32]

    /// Fails when `list` names a label twice.
    init(list: [String], hasLabels: Bool, mustBeGiven: Bool) throws {
        self.list = list
        self.hasLabels = hasLabels
        self.mustBeGiven = mustBeGiven
        ids = Dictionary(list.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        if ids.count != list.count {
            throw EncodingError.invalidSetting("the label list names a label twice; give each label once")
        }
    }

    /// The class id of `record`'s label (nil when rows carry no labels).
    func id(of record: RecordBatch.Entry) throws -> Int32? {
        if mustBeGiven && record.label != nil {
            throw EncodingError.invalidSetting("\(record.path == "-" ? "<stdin>" : record.path):\(record.line): the input has labels, and standard input or a pipe can be read only once; give the label list with --labels")
        }
        guard hasLabels else { return nil }
        guard let name = record.label, let id = ids[name] else {
            throw EncodingError.unknownLabel(path: record.path, line: record.line, label: record.label, known: list)
        }
        return id
    }
}

/// Encodes one batch of records into rows on the worker threads (input order kept): the stage of dataset
/// encoding between reading and writing.
struct BatchEncoder: Sendable {
    /// What one batch became.
    struct Outcome: Sendable {
        var records = 0
        var rows = 0
        var tokens = 0
        /// Records whose tokens did not all fit the first window (nil when windows were not computed).
        var truncatedRecords: Int?
        /// The padded row length (nil when rows keep their own lengths or the batch is empty).
        var paddedLength: Int?
        /// Flat rows, one block per worker (the flat path).
        var blocks: [EncodedRows] = []
        /// One row per window or record (the general path).
        var examples: [EncodedExample] = []
    }

    /// Truncation and padding settings apply to every record.
    let tokenizer: Tokenizer
    let labels: LabelMap
    /// Compute offsets (needed for `offset_mapping`).
    let returnOffsets: Bool
    /// Every overflowing window becomes a row.
    let returnOverflowing: Bool
    let threads: Int

    /// Whether full encodings (windows, offsets) are computed for each record.
    var windows: Bool { returnOverflowing || returnOffsets }

    /// Rows are built straight into flat arrays, without an `Encoding` per record, when no row needs offsets
    /// or windows and every row's length is known alone (fixed padding, or none).
    var flat: Bool {
        switch tokenizer.padding?.length {
        case nil, .fixed?: return !windows
        case .longest?: return false
        }
    }

    /// Encodes `batch`.
    func encode(_ batch: RecordBatch) throws -> Outcome {
        guard !batch.isEmpty else { return Outcome() }
        return flat ? try encodeFlat(batch) : try encodeExamples(batch)
    }

    /// Contiguous slices of the batch (several per thread, see `ParallelMap`), each into its own block of rows,
    /// tokenized straight from the batch's bytes.
    private func encodeFlat(_ batch: RecordBatch) throws -> Outcome {
        let pieces = max(1, min(threads * ParallelMap.chunksPerThread, batch.count))
        let per = (batch.count + pieces - 1) / pieces
        let slices = stride(from: 0, to: batch.count, by: per).map { $0..<min(batch.count, $0 + per) }
        let rowLength: Int
        if case .fixed(let n)? = tokenizer.padding?.length {
            rowLength = tokenizer.padding?.targetLength(longest: n) ?? n
        } else {
            rowLength = 64
        }
        let results = try batch.bytes.withUnsafeBufferPointer { bytes in
            try ParallelMap.map(slices, threads: threads) { slice -> (EncodedRows, Int) in
                var rows = EncodedRows()
                rows.reserveCapacity(rows: slice.count, tokens: rowLength)
                var tokens = 0
                for k in slice {
                    let record = batch.records[k]
                    let label = try labels.id(of: record)  // its errors name the record already
                    let (text, pair) = RecordBatch.texts(of: record, in: bytes)
                    tokens += try DatasetEncoding.located(path: record.path, line: record.line) {
                        try tokenizer.appendFirstWindow(utf8: text, pair: pair, to: &rows, label: label, sampleIndex: record.index)
                    }
                }
                return (rows, tokens)
            }
        }
        var outcome = Outcome(records: batch.count)
        for (rows, tokens) in results {
            outcome.rows += rows.count
            outcome.tokens += tokens
            if rows.count > 0, tokenizer.padding != nil { outcome.paddedLength = rows.range(ofRow: 0).count }
        }
        outcome.blocks = results.map(\.0)
        return outcome
    }

    /// An `Encoding` per record (windows and offsets when asked), padded together.
    private func encodeExamples(_ batch: RecordBatch) throws -> Outcome {
        let options = EncodeOptions(alignment: returnOffsets)
        let windows = self.windows
        var encodings = try ParallelMap.map(batch.records, threads: threads) { entry in
            let record = batch.datasetRecord(entry)
            return try DatasetEncoding.located(path: record.path, line: record.line) {
                windows ? try tokenizer.encodeUnpadded(record.text, pair: record.pair, options: options)
                    : try tokenizer.encodeFirstWindow(record.text, pair: record.pair)
            }
        }
        tokenizer.padding?.apply(to: &encodings)
        var outcome = Outcome(records: batch.count)
        outcome.examples.reserveCapacity(encodings.count)
        for (record, encoding) in zip(batch.records, encodings) {
            let label = try labels.id(of: record)
            if windows { outcome.truncatedRecords = (outcome.truncatedRecords ?? 0) + (encoding.overflowing.isEmpty ? 0 : 1) }
            let rows = returnOverflowing ? encoding.windows : [encoding]
            for var row in rows {
                row.overflowing = []
                outcome.examples.append(EncodedExample(encoding: row, label: label, sampleIndex: record.index))
                outcome.tokens += row.specialTokensMask.reduce(0) { $0 + 1 - Int($1) }
            }
        }
        outcome.rows = outcome.examples.count
        if let length = encodings.first?.count, tokenizer.padding != nil { outcome.paddedLength = length }
        return outcome
    }
}
