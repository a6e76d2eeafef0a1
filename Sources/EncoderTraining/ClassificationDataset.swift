import InputEncoding

/// One encoded example: the first window (or one of the windows) of a record, with its class ids.
public struct ClassificationExample: Sendable, Equatable {
    /// Token ids with the template's special tokens, unpadded.
    public var tokenIDs: [Int32]
    /// Segment ids, same length.
    public var typeIDs: [Int32]
    /// Class ids: one for single-label data, any number (0 included) for multi-label; empty without labels.
    public var classes: [Int32]
    /// Which record (0-based, in file order) the example comes from; windows of one record share it.
    public var record: Int

    /// Creates an example.
    public init(tokenIDs: [Int32], typeIDs: [Int32], classes: [Int32], record: Int) {
        self.tokenIDs = tokenIDs
        self.typeIDs = typeIDs
        self.classes = classes
        self.record = record
    }
}

/// A labelled dataset read and encoded for classification, held in memory as token ids (4 bytes a token plus
/// about 100 bytes an example: 13k Rotten Tomatoes reviews take about 2 MB).
///
/// ```swift
/// var tokenizer = try Tokenizer(directory: ".assets/minilm")
/// tokenizer.truncation = Truncation(maxLength: 128)
/// let train = try ClassificationDataset(reading: .init(path: "train.csv"), tokenizer: tokenizer, labels: .discover)
/// ```
public struct ClassificationDataset: Sendable {
    /// How labels become class ids.
    public enum LabelSource: Sendable, Equatable {
        /// The sorted distinct labels of this file (training data); at least two are required.
        case discover
        /// These labels, in id order (evaluation data: the training labels); another label is an error.
        case fixed([String])
        /// Labels are not read (prediction).
        case ignore
    }

    /// Where the records came from.
    public let path: String
    /// Label names in id order.
    public let labels: [String]
    /// Encoded examples in file order (several per record with `windows`).
    public let examples: [ClassificationExample]
    /// Records read (with text).
    public let records: Int
    /// Records skipped because their text (and pair) was empty.
    public let skippedEmpty: Int
    /// Malformed rows skipped (with the reader's `skipBadRows`).
    public private(set) var skippedMalformed: Int
    /// Records that lost tokens to truncation (first window only).
    public let truncated: Int

    /// Reads and encodes every record of `reading` with `tokenizer` (whose truncation sets the length).
    ///
    /// Empty texts are skipped and counted (with `skipEmpty`; otherwise encoded as the template alone, so that
    /// predictions stay aligned with input lines). `multiLabel` splits a label field at `,`, `|` or `;` (whitespace
    /// around names trimmed; an empty field means no label). `windows` keeps every overflowing window of a
    /// long record as an example of its own (all with the record's classes) instead of the first only.
    /// - Throws: `DatasetError` from the reader; `TrainingError` for a missing or unknown label, one class
    ///   only, or no usable record.
    public init(
        reading configuration: DatasetReader.Configuration, tokenizer: Tokenizer, labels source: LabelSource,
        multiLabel: Bool = false, windows: Bool = false, skipEmpty: Bool = true
    ) throws {
        var reader = try DatasetReader(configuration: configuration)
        try self.init(path: configuration.path, records: { try reader.next() }, tokenizer: tokenizer, labels: source,
                      multiLabel: multiLabel, windows: windows, skipEmpty: skipEmpty)
        skippedMalformed = reader.skippedRows
    }

    /// Encodes the records `records` delivers until it returns nil (a chunk of a stream, for prediction), as
    /// `init(reading:...)` does; `path` names the source in errors. `allowEmpty` accepts zero records (the end
    /// of a stream) instead of throwing `emptyDataset`.
    public init(
        path: String, records: () throws -> DatasetRecord?, tokenizer: Tokenizer, labels source: LabelSource,
        multiLabel: Bool = false, windows: Bool = false, skipEmpty: Bool = true, allowEmpty: Bool = false
    ) throws {
        var raw: [(example: ClassificationExample, labels: [Substring], line: Int)] = []
        var empty = 0, truncated = 0, record = 0
        var known: [String: Int32] = [:]
        if case let .fixed(list) = source { for (i, name) in list.enumerated() { known[name] = Int32(i) } }
        while let row = try records() {
            if row.isEmpty && skipEmpty { empty += 1; continue }
            var names: [Substring] = []
            if source != .ignore {
                guard let label = row.label else { throw TrainingError.missingLabel(path: row.path, line: row.line) }
                names = multiLabel ? Self.splitLabels(label) : [Substring(label)]
                if case let .fixed(list) = source, let bad = names.first(where: { known[String($0)] == nil }) {
                    throw TrainingError.unknownLabel(path: row.path, line: row.line, label: String(bad), known: list)
                }
            }
            let encoding = windows
                ? try tokenizer.encodeUnpadded(row.text, pair: row.pair, options: EncodeOptions(alignment: false))
                : try tokenizer.encodeFirstWindow(row.text, pair: row.pair)
            let parts = windows ? encoding.windows : [encoding]
            if windows ? parts.count > 1 : Self.wasTruncated(row, encoding, tokenizer) { truncated += 1 }
            for part in parts {
                raw.append((ClassificationExample(tokenIDs: part.ids, typeIDs: part.typeIDs, classes: [], record: record), names, row.line))
            }
            record += 1
        }
        guard record > 0 || allowEmpty else { throw TrainingError.emptyDataset(path: path) }
        var labelList: [String] = []
        switch source {
        case let .fixed(list): labelList = list
        case .ignore: break
        case .discover:
            labelList = Set(raw.flatMap { $0.labels.map(String.init) }).sorted()
            if !multiLabel, labelList.count == 1 { throw TrainingError.singleClass(path: path, label: labelList[0]) }
            if labelList.isEmpty { throw TrainingError.emptyDataset(path: path) }
            for (i, name) in labelList.enumerated() { known[name] = Int32(i) }
        }
        self.path = path
        self.labels = labelList
        self.examples = raw.map { item in
            var example = item.example
            example.classes = item.labels.compactMap { known[String($0)] }
            return example
        }
        self.records = record
        self.skippedEmpty = empty
        self.skippedMalformed = 0
        self.truncated = truncated
    }

    /// Label names of a multi-label field.
    static func splitLabels(_ field: String) -> [Substring] {
        field.split(whereSeparator: { $0 == "," || $0 == "|" || $0 == ";" })
            .map { $0.trimmingCharacters(in: " \t") }
            .filter { !$0.isEmpty }
    }

    /// Whether the first window lost tokens: with truncation, a window that fills the length exactly may or may
    /// not have lost some, so the record is encoded again without the limit to tell.
    static func wasTruncated(_ row: DatasetRecord, _ encoding: Encoding, _ tokenizer: Tokenizer) -> Bool {
        guard let limit = tokenizer.truncation?.maxLength, encoding.count >= limit else { return false }
        var unlimited = tokenizer
        unlimited.truncation = nil
        return ((try? unlimited.encodeFirstWindow(row.text, pair: row.pair))?.count ?? 0) > encoding.count
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = self[...]
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return s
    }
}

extension ClassificationDataset {
    /// The examples at `indices`, padded to the longest of them with `padID`, as one batch with their targets
    /// (class ids for single-label tasks, multi-hot rows for multi-label ones, none for `.ignore` data).
    public func batch(_ indices: some Collection<Int>, padID: Int32, task: ClassificationTask?) -> TrainingBatch {
        let length = indices.map { examples[$0].tokenIDs.count }.max() ?? 0
        var ids: [Int32] = [], types: [Int32] = [], mask: [Int32] = []
        ids.reserveCapacity(indices.count * length)
        types.reserveCapacity(indices.count * length)
        mask.reserveCapacity(indices.count * length)
        for i in indices {
            let e = examples[i], pad = length - e.tokenIDs.count
            ids += e.tokenIDs
            ids += repeatElement(padID, count: pad)
            types += e.typeIDs
            types += repeatElement(0, count: pad)
            mask += repeatElement(1, count: e.tokenIDs.count)
            mask += repeatElement(0, count: pad)
        }
        let targets: ClassificationTargets
        if let task, !labels.isEmpty {
            if task.multiLabel {
                var hot = [Float](repeating: 0, count: indices.count * task.labelCount)
                for (row, i) in indices.enumerated() { for c in examples[i].classes { hot[row * task.labelCount + Int(c)] = 1 } }
                targets = .multiHot(hot)
            } else {
                targets = .classes(indices.map { examples[$0].classes.first ?? 0 })
            }
        } else {
            targets = .none
        }
        return TrainingBatch(batchSize: indices.count, sequenceLength: length, tokenIDs: ids, tokenTypeIDs: types,
                             attentionMask: mask, targets: targets)
    }
}
