import BertKitSupport
import LineIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Encodes a whole dataset into model-input files: records stream from a `DatasetReader`, are encoded in
/// parallel batches (input order kept), labels are mapped to ids, and rows go to an `ExampleWriter`.
///
/// Memory stays bounded whatever the input size: three batches of records (at most `batchRecords` records or
/// `batchBytes` bytes of text each, plus one record) with their encodings (one being read while the one
/// before it is encoded and the one before that is written, each stage on threads of its own), the writer's
/// buffers, and the label map.
///
/// ```swift
/// var job = DatasetEncoding(tokenizer: tokenizer, configuration: .init(returnOverflowing: true))
/// let summary = try job.run(reader: .init(path: "train.csv"), format: .jsonl, output: "train.jsonl")
/// ```
public struct DatasetEncoding: Sendable {
    /// What to compute and write.
    public struct Configuration: Sendable {
        /// Every overflowing window becomes a row of its own (`overflow_to_sample_mapping` written).
        public var returnOverflowing: Bool
        /// Write `offset_mapping` (character offsets into the input text).
        public var returnOffsets: Bool
        /// Write `special_tokens_mask`.
        public var returnSpecialTokensMask: Bool
        /// The label list, in id order; nil: the sorted distinct labels of the input (one extra read of it).
        public var labels: [String]?
        /// Pad every row to the longest row of the whole input when the tokenizer pads to `.longest`
        /// (one extra read of the input to find it). When false, `.longest` pads each batch alone.
        public var longestOverInput: Bool
        /// Worker threads (default: all cores).
        public var threads: Int
        /// Records encoded together (default 4,096 per thread: smaller batches spend more on the hand-offs
        /// between the stages; BENCHMARKS.md "Batch size").
        public var batchRecords: Int
        /// Bytes of text after which a batch is closed early (default 4 MiB per thread).
        public var batchBytes: Int

        /// A configuration; see each property for its default.
        public init(
            returnOverflowing: Bool = false, returnOffsets: Bool = false, returnSpecialTokensMask: Bool = false,
            labels: [String]? = nil, longestOverInput: Bool = true, threads: Int? = nil,
            batchRecords: Int? = nil, batchBytes: Int? = nil
        ) {
            self.returnOverflowing = returnOverflowing
            self.returnOffsets = returnOffsets
            self.returnSpecialTokensMask = returnSpecialTokensMask
            self.labels = labels
            self.longestOverInput = longestOverInput
            self.threads = max(1, threads ?? Machine.activeProcessorCount)
            self.batchRecords = max(1, batchRecords ?? 4096 * self.threads)
            self.batchBytes = max(1, batchBytes ?? (4 << 20) * self.threads)
        }
    }

    /// What a run did.
    public struct Summary: Sendable {
        /// Input records encoded.
        public var records = 0
        /// Rows written (records, or windows with `returnOverflowing`).
        public var rows = 0
        /// Malformed rows skipped (reader's `skipBadRows`).
        public var skippedRows = 0
        /// The first skipped row's error, for the summary.
        public var firstSkipped: DatasetError?
        /// Records whose tokens did not all fit in the first window (nil when windows were not computed).
        public var truncatedRecords: Int?
        /// Text tokens in the rows written (special and padding tokens excluded).
        public var tokens = 0
        /// Bytes of text encoded.
        public var textBytes = 0
        /// The padded row length (nil when rows keep their own lengths).
        public var paddedLength: Int?
        /// The label list in id order (empty without labels).
        public var labels: [String] = []
        /// Wall-clock seconds.
        public var seconds = 0.0
    }

    /// The tokenizer: its truncation and padding settings apply to every record.
    public let tokenizer: Tokenizer
    /// The settings of this job.
    public let configuration: Configuration

    /// A job over `tokenizer`.
    public init(tokenizer: Tokenizer, configuration: Configuration = Configuration()) {
        self.tokenizer = tokenizer
        self.configuration = configuration
    }

    /// Reads `reader`'s input, encodes it and writes `format` to `output` (atomically: the destination only
    /// changes when everything succeeded). `progress` is called after each batch.
    public func run(
        reader readerConfiguration: DatasetReader.Configuration, format: OutputFormat, output: String,
        progress: ((Summary, _ bytesRead: Int) -> Void)? = nil
    ) throws -> Summary {
        let clock = ContinuousClock.now
        var summary = Summary()
        var tokenizer = self.tokenizer
        // Survey pass: labels and the longest row, when they must be known before the first row is written.
        var labels = configuration.labels
        let needsLongest: Bool
        if let padding = tokenizer.padding, padding.length == .longest, configuration.longestOverInput { needsLongest = true } else { needsLongest = false }
        // A second read is impossible on standard input or a pipe: labels must then be given, and padding
        // to the longest row of the input cannot be done.
        let rereadable = Self.isRereadable(readerConfiguration.path)
        if needsLongest && !rereadable {
            throw EncodingError.invalidSetting("padding to the longest row reads the input twice, which standard input or a pipe cannot be; use --padding max_length or a file")
        }
        // safetensors places every tensor straight into the output when the row count is known first; rows
        // are records when no record becomes several windows.
        let windows = configuration.returnOverflowing || configuration.returnOffsets
        let countsRows = format == .safetensors && rereadable && !windows
            && (tokenizer.padding.map { padding in needsLongest || padding.length != .longest } ?? true)
        var knownRows: Int?
        var hasLabels = labels != nil
        var labelsMustBeGiven = false
        if !rereadable && labels == nil {
            labelsMustBeGiven = true  // checked on the first record with a label
            labels = []
        } else if !needsLongest && (labels == nil || countsRows) {
            let survey = try DatasetSurvey.labelsAndCount(readerConfiguration, threads: configuration.threads)
            if countsRows { knownRows = survey.records }
            if labels == nil {
                hasLabels = !survey.labels.isEmpty
                labels = survey.labels.sorted()
            }
        } else if needsLongest {
            // The longest row needs the texts: they are encoded (unpadded) in batches as they are read.
            var survey = try DatasetReader(configuration: readerConfiguration)
            var labelsSeen = LabelSet()
            var longest = 0
            var batch = RecordBatch()
            var unpadded = tokenizer
            unpadded.padding = nil
            func measure() throws {
                let lengths = try batch.bytes.withUnsafeBufferPointer { bytes in
                    try ParallelMap.map(batch.records, threads: configuration.threads) { record -> Int in
                        let (text, pair) = RecordBatch.texts(of: record, in: bytes)
                        return try Self.located(path: record.path, line: record.line) {
                            try unpadded.encodeFirstWindow(utf8: text, pair: pair).count
                        }
                    }
                }
                longest = max(longest, lengths.max() ?? 0)
            }
            var records = 0
            while true {
                let more: Bool
                do { more = try survey.next(into: &batch) } catch {
                    try measure()  // an earlier record's error is reported first
                    throw error
                }
                guard more else { break }
                records += 1
                if let label = batch.records[batch.count - 1].label { labelsSeen.insert(label) }
                if batch.count >= configuration.batchRecords || batch.bytes.count >= configuration.batchBytes {
                    try measure()
                    batch.removeAll()
                }
            }
            if countsRows { knownRows = records }
            try measure()
            tokenizer.padding?.length = .fixed(longest)
            if labels == nil {
                hasLabels = !labelsSeen.isEmpty
                labels = labelsSeen.sorted()
            }
        }
        let labelMap = try LabelMap(list: labels ?? [], hasLabels: hasLabels, mustBeGiven: labelsMustBeGiven)
        summary.labels = hasLabels ? labelMap.list : []

        let fields = WriterFields(
            specialTokensMask: configuration.returnSpecialTokensMask, offsets: configuration.returnOffsets,
            overflowMapping: configuration.returnOverflowing, labels: hasLabels)
        let writer = BackgroundWriter(try knownRows.map { rows -> any ExampleWriter in
            try SafetensorsPlacedWriter(path: output, fields: fields, rows: rows)
        } ?? makeExampleWriter(format: format, path: output, fields: fields))
        // Three stages overlap: the main thread reads batch k+1 while batch k is encoded on the worker threads
        // and batch k-1 is written.
        let encoder = BatchEncoder(
            tokenizer: tokenizer, labels: labelMap, returnOffsets: configuration.returnOffsets,
            returnOverflowing: configuration.returnOverflowing, threads: configuration.threads)
        let encoding = InFlight<BatchEncoder.Outcome>(label: "bertkit.encode.batch")
        do {
            var reader = try DatasetReader(configuration: readerConfiguration)
            var batch = RecordBatch()
            // Counts an encoded batch and hands its rows to the writer.
            func deliver(_ outcome: BatchEncoder.Outcome?) throws {
                guard let outcome else { return }
                summary.records += outcome.records
                summary.rows += outcome.rows
                summary.tokens += outcome.tokens
                if let truncated = outcome.truncatedRecords { summary.truncatedRecords = (summary.truncatedRecords ?? 0) + truncated }
                if let length = outcome.paddedLength { summary.paddedLength = length }
                if outcome.blocks.isEmpty { try writer.submit(outcome.examples) } else { try writer.submit(blocks: outcome.blocks) }
                summary.seconds = clock.duration(to: .now).seconds
                progress?(summary, reader.bytesRead)
            }
            func reserve() {
                // The record that crosses `batchBytes` is the batch's last: room for one of up to 64 KiB saves
                // a doubling of the buffer.
                batch.bytes.reserveCapacity(min(configuration.batchBytes, 64 << 20) + (64 << 10))
                batch.records.reserveCapacity(min(configuration.batchRecords, 1 << 16))
            }
            func dispatch() throws {
                guard !batch.isEmpty else { return }
                let records = batch
                summary.textBytes += batch.bytes.count
                batch = RecordBatch()
                try deliver(try encoding.start { try encoder.encode(records) })
            }
            reserve()
            while true {
                let more: Bool
                do { more = try reader.next(into: &batch) } catch {
                    // An earlier record's error is reported first: the batch in flight, then the one being read.
                    try deliver(try encoding.wait())
                    _ = try encoder.encode(batch)
                    throw error
                }
                guard more else { break }
                if batch.count >= configuration.batchRecords || batch.bytes.count >= configuration.batchBytes {
                    try dispatch()
                    reserve()
                }
            }
            try dispatch()
            try deliver(try encoding.wait())
            summary.skippedRows = reader.skippedRows
            summary.firstSkipped = reader.firstSkippedError
            try writer.finish()
        } catch {
            _ = try? encoding.wait()
            writer.discard()
            throw error
        }
        summary.seconds = clock.duration(to: .now).seconds
        return summary
    }

    /// Whether the input can be read a second time: a regular file or a folder, not standard input or a pipe.
    static func isRereadable(_ path: String) -> Bool {
        guard path != "-" else { return false }
        var info = stat()
        guard stat(path, &info) == 0 else { return true }  // the reader reports a missing file
        let kind = info.st_mode & S_IFMT
        return kind == S_IFREG || kind == S_IFDIR
    }

    /// Runs `body`, naming the record's file and line in any encoding error.
    static func located<R>(path: String, line: Int, _ body: () throws -> R) throws -> R {
        do { return try body() } catch let error as EncodingError {
            throw EncodingError.recordFailed(path: path, line: line, reason: error.description)
        }
    }
}
