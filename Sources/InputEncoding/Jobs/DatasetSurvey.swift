import Dispatch
import Synchronization

/// The first pass of dataset encoding when only the label list and the record count must be known before the
/// first row is written: the same records, skips and errors as reading the input once more from the start,
/// without the texts.
///
/// A plain (not gzip) CSV/TSV file of 32 MiB or more is read as two halves on two threads. The second half
/// starts after the first line feed past the middle, with the columns of the header (or of the first row
/// without one); the first half reads on until its records reach that line. The split is only kept when the
/// first half's last record ends exactly there (the line feed was not inside a quoted field) and the second
/// half read to the end without an error and without a record over 1 MiB (which may be the tail of a quoted
/// field begun in the first half: the second reader gives up rather than buffer it); otherwise the first
/// half's reader goes on over the rest of the file by itself, so that errors, their lines and the skipped rows
/// are exactly those of one reading from the start.
enum DatasetSurvey {
    /// What the pass found.
    struct Outcome {
        var labels = LabelSet()
        var records = 0
        /// Whether the second half's reading was used (the split was kept).
        var split = false

        mutating func count(_ record: DatasetRecord) {
            records += 1
            if let label = record.label { labels.insert(label) }
        }
    }

    /// Files below this size are read by one thread.
    static let minimumSplitBytes = 32 << 20
    /// The longest record the second half reads before giving up the split.
    static let secondHalfRecordLimit = 1 << 20

    /// Reads `configuration`'s input for its labels and record count, on two threads when `threads` allows
    /// and the input is a plain CSV/TSV file of `minimumSplitBytes` or more.
    static func labelsAndCount(
        _ configuration: DatasetReader.Configuration, threads: Int, minimumSplitBytes: Int = minimumSplitBytes
    ) throws -> Outcome {
        var configuration = configuration
        configuration.keepsText = false
        var reader = try DatasetReader(configuration: configuration)
        var outcome = Outcome()
        guard threads >= 2, let first = reader.delimitedSource, let size = first.plainFileSize, size >= minimumSplitBytes else {
            while let record = try reader.next() { outcome.count(record) }
            return outcome
        }
        // The first record resolves the columns from the header.
        guard let record = try first.nextRecord() else { return outcome }
        outcome.count(record)
        guard let plan = first.columnPlan, first.nextOffset < size / 2,
              let second = try DelimitedSource(configuration: configuration, delimiter: first.delimiter, plan: plan, after: size / 2)
        else {
            while let record = try first.nextRecord() { outcome.count(record) }
            return outcome
        }
        first.stopOffset = second.nextOffset
        second.abandonAbove = secondHalfRecordLimit
        let half = SecondHalf(second)
        let group = DispatchGroup()
        // A serial queue of its own: one thread for the second half, whatever else the process has queued.
        DispatchQueue(label: "bertkit.encode.survey").async(group: group) { half.read() }
        do {
            while let record = try first.nextRecord() { outcome.count(record) }
        } catch {
            half.cancel()
            group.wait()
            throw error
        }
        if !first.reachedStop {  // the split fell inside a record: the first reader went on to the end
            half.cancel()
            group.wait()
            return outcome
        }
        group.wait()
        if let other = half.outcome {
            outcome.records += other.records
            for label in other.labels.members { outcome.labels.insert(label) }
            outcome.split = true
            return outcome
        }
        // The second half met an error (or gave up): read it again from here, in order, for the error's exact place.
        first.stopOffset = nil
        while let record = try first.nextRecord() { outcome.count(record) }
        return outcome
    }

    /// The second half's reader and what it found, handed between the two threads: `read` runs on the
    /// survey's thread; `outcome` is read after the group's wait; `cancel` may come from the first thread.
    private final class SecondHalf: @unchecked Sendable {
        private let source: DelimitedSource
        private let cancelled = Atomic<Bool>(false)
        /// Nil when the half failed or was cancelled.
        private(set) var outcome: Outcome?

        init(_ source: DelimitedSource) { self.source = source }

        func read() {
            var found = Outcome()
            do {
                while !cancelled.load(ordering: .relaxed), let record = try source.nextRecord() { found.count(record) }
            } catch {
                return
            }
            // Rows it skipped are the ones the first reader would skip: a row's fate does not depend on its line.
            if !cancelled.load(ordering: .relaxed) { outcome = found }
        }

        func cancel() { cancelled.store(true, ordering: .relaxed) }
    }
}
