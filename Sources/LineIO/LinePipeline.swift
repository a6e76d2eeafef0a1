import BertKitSupport
import Dispatch


#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A per-line transform run by `LinePipeline`: one instance per thread, so it may keep scratch state.
public protocol LineTransform: SendableMetatype {
    /// Whether outputs are deferred to `finishChunk` (default false). A deferring transform writes nothing in
    /// `transform(line:into:)` and, in `finishChunk`, one output line (newline included) per line it was given,
    /// in order: for work that is cheaper in batches, such as one encoder pass over many lines.
    static var defersOutput: Bool { get }
    /// Appends the output for one valid UTF-8 line (without its newline) to `output`, without a newline
    /// (nothing, for a deferring transform).
    mutating func transform(line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) throws
    /// Called after the last line of each chunk (a chunk holds at most about `blockSize` input bytes, which
    /// bounds what a deferring transform keeps). Default: nothing.
    mutating func finishChunk(into output: inout [UInt8]) throws
}

extension LineTransform {
    public static var defersOutput: Bool { false }
    public mutating func finishChunk(into output: inout [UInt8]) throws {}
}

/// Streams a line-oriented input through a `LineTransform` on several threads, keeping line order.
///
/// Memory stays bounded whatever the input size: the pipeline holds one batch of about
/// `threads × blockSize` input bytes (plus the rest of a line that crosses the batch end), the outputs of
/// that batch, and per-thread scratch. A single line longer than `maxLineBytes` is an error, not a reason
/// to read the whole file.
///
/// ```swift
/// let stats = try LinePipeline(configuration: .init(threads: 2))
///     .run(inputPath: "corpus.txt", outputPath: "ids.txt") { MyTransform() }
/// ```
public struct LinePipeline: Sendable {
    /// Pipeline settings.
    public struct Configuration: Sendable {
        /// Worker threads (default: active processor count).
        public var threads: Int
        /// Input bytes handed to each thread per batch (default 1 MiB).
        public var blockSize: Int
        /// Replace ill-formed UTF-8 with U+FFFD instead of stopping with an error (default false).
        public var lossy: Bool
        /// Longest accepted line in bytes (default 256 MiB).
        public var maxLineBytes: Int

        /// Creates a configuration; the defaults suit corpora of any size.
        public init(threads: Int? = nil, blockSize: Int = 1 << 20, lossy: Bool = false, maxLineBytes: Int = 256 << 20) {
            self.threads = max(1, threads ?? Machine.activeProcessorCount)
            self.blockSize = max(1, blockSize)
            self.lossy = lossy
            self.maxLineBytes = maxLineBytes
        }
    }

    /// What a run did.
    public struct Statistics: Sendable {
        /// Lines processed.
        public var lines = 0
        /// Input bytes consumed.
        public var inputBytes = 0
        /// Output bytes produced.
        public var outputBytes = 0
        /// Wall-clock seconds since the run started.
        public var seconds = 0.0
    }

    /// The settings of this pipeline.
    public let configuration: Configuration

    /// Creates a pipeline.
    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// Runs the transform over `inputPath` (nil or "-": standard input) into `outputPath` (nil or "-":
    /// standard output; a file is written to a temporary file and renamed only on success).
    /// `progress` is called after each batch. Returns the statistics and the per-thread transforms (to
    /// collect counters they kept).
    @discardableResult
    public func run<T: LineTransform>(
        inputPath: String?, outputPath: String?, progress: ((Statistics) -> Void)? = nil,
        makeTransform: () throws -> T
    ) throws -> (statistics: Statistics, transforms: [T]) {
        try AtomicOutput.refuseOverwriting(input: inputPath, output: outputPath)
        let input = try LineInput(path: inputPath)
        let output = try AtomicOutput(path: outputPath)
        do {
            let result = try run(input: input, output: output, progress: progress, makeTransform: makeTransform)
            try output.commit()
            return result
        } catch {
            output.discard()
            throw error
        }
    }

    private func run<T: LineTransform>(
        input: LineInput, output: AtomicOutput, progress: ((Statistics) -> Void)?, makeTransform: () throws -> T
    ) throws -> (statistics: Statistics, transforms: [T]) {
        let threads = configuration.threads
        var workers = try (0..<threads).map { _ in BatchWorker(transform: try makeTransform(), lossy: configuration.lossy) }
        var stats = Statistics()
        let clock = ContinuousClock.now
        let batchBytes = threads * configuration.blockSize
        var buffer: [UInt8] = []
        buffer.reserveCapacity(batchBytes + (batchBytes >> 2))
        var eof = false
        while !eof || !buffer.isEmpty {
            // Fill up to one batch, or further while no newline has been seen (a long line). The bytes kept
            // from the previous batch hold no newline, so only newly read bytes need scanning.
            var lastNewline = -1
            while !eof {
                if buffer.count >= batchBytes && lastNewline >= 0 { break }
                if lastNewline < 0 && buffer.count > configuration.maxLineBytes {
                    if stats.lines == 0, let cr = Self.innerCarriageReturn(buffer) {
                        throw LineIOError.carriageReturnLineEndings(path: input.displayPath, byteOffset: cr)
                    }
                    throw LineIOError.lineTooLong(
                        path: input.displayPath, line: stats.lines + 1, byteOffset: stats.inputBytes, limit: configuration.maxLineBytes)
                }
                let old = buffer.count
                eof = try input.read(into: &buffer, upTo: configuration.blockSize)
                if let nl = Self.lastNewline(buffer, from: old) { lastNewline = nl }
            }
            if eof && lastNewline < 0 && stats.lines == 0, let cr = Self.innerCarriageReturn(buffer) {
                // The whole input is one "line" holding carriage returns: a file with CR-only (classic Mac)
                // line endings, whose records would otherwise be merged into one output line.
                throw LineIOError.carriageReturnLineEndings(path: input.displayPath, byteOffset: cr)
            }
            if eof { lastNewline = buffer.isEmpty ? -1 : buffer.count - 1 }
            guard lastNewline >= 0 else { break }
            let regionEnd = lastNewline + 1
            try buffer.withUnsafeBufferPointer { all in
                let region = UnsafeBufferPointer(rebasing: all[0..<regionEnd])
                try process(region, workers: &workers, stats: &stats, path: input.displayPath, output: output)
            }
            buffer.removeSubrange(0..<regionEnd)
            stats.seconds = clock.duration(to: .now).seconds
            progress?(stats)
        }
        stats.seconds = clock.duration(to: .now).seconds
        return (stats, workers.map(\.transform))
    }

    /// Splits a region of whole lines into one chunk per worker, runs them concurrently, writes in order.
    private func process<T>(
        _ region: UnsafeBufferPointer<UInt8>, workers: inout [BatchWorker<T>], stats: inout Statistics,
        path: String, output: AtomicOutput
    ) throws {
        let chunks = Self.split(region, into: workers.count)
        workers.withUnsafeMutableBufferPointer { ws in
            // Iteration k mutates only workers[k] and reads its own chunk of `region`, which outlives the call.
            let box = UnsafeSendable(ws)
            let base = UnsafeSendable(region)
            DispatchQueue.concurrentPerform(iterations: chunks.count) { k in
                box.value[k].run(UnsafeBufferPointer(rebasing: base.value[chunks[k]]))
            }
        }
        var linesBefore = stats.lines
        for k in chunks.indices {
            if let failure = workers[k].failure {
                let line = linesBefore + failure.lineIndex + 1
                let offset = stats.inputBytes + chunks[k].lowerBound + failure.byteOffset
                switch failure.kind {
                case .invalidUTF8(let column):
                    throw LineIOError.invalidUTF8(path: path, line: line, column: column, byteOffset: offset)
                case .transform(let reason):
                    throw LineIOError.transformFailed(path: path, line: line, byteOffset: offset, reason: reason)
                }
            }
            linesBefore += workers[k].lines
        }
        for k in chunks.indices {
            try output.write(workers[k].output)
            stats.outputBytes += workers[k].output.count
        }
        stats.lines = linesBefore
        stats.inputBytes += region.count
    }

    /// Byte ranges of about equal size, each ending just after a newline (or at the region's end).
    static func split(_ region: UnsafeBufferPointer<UInt8>, into parts: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for k in 1...parts where start < region.count {
            var end = k == parts ? region.count : max(start, region.count * k / parts)
            while end < region.count && end > 0 && region[end - 1] != 0x0A { end += 1 }
            if end > start { ranges.append(start..<end) }
            start = end
        }
        return ranges
    }

    /// The offset of the first carriage return that is not the buffer's last byte, if any.
    static func innerCarriageReturn(_ buffer: [UInt8]) -> Int? {
        guard let cr = buffer.firstIndex(of: 0x0D), cr < buffer.count - 1 else { return nil }
        return cr
    }

    static func lastNewline(_ buffer: [UInt8], from: Int) -> Int? {
        var i = buffer.count - 1
        while i >= from { if buffer[i] == 0x0A { return i }; i -= 1 }
        return nil
    }
}
