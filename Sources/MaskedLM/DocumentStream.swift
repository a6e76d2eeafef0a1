#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BertKitSupport
import Dispatch
import Foundation
import LineIO
import TextNormalization

/// Reads documents one at a time, by Google's rules (`GoogleDocumentReader.readLine`), from files read in 1 MiB
/// blocks: memory is a block, the longest line and the current document, whatever the input size. A document
/// runs on across files until a blank line, as in Google's reader.
public struct DocumentStream {
    /// Bytes and lines read.
    public struct Statistics: Sendable, Equatable {
        /// Input bytes.
        public var bytes = 0
        /// Input lines.
        public var lines = 0
        /// Sentences kept (with at least one token).
        public var sentences = 0
        /// Documents handed on.
        public var documents = 0
    }

    /// Lines longer than this are refused (a file without newlines is not a corpus).
    public static let maxLineBytes = 256 << 20

    /// How lines become sentences.
    public let reader: GoogleDocumentReader

    /// Bytes read at a time.
    let blockSize: Int

    /// A stream over a configured reader.
    public init(reader: GoogleDocumentReader) {
        self.init(reader: reader, blockSize: 1 << 20)
    }

    /// A stream with a chosen block size (tests use tiny ones to cut lines across blocks).
    init(reader: GoogleDocumentReader, blockSize: Int) {
        self.reader = reader
        self.blockSize = blockSize
    }

    /// Calls `body` with each document that has a sentence, in input order.
    public func forEachDocument(
        paths: [String], _ body: (GoogleReference.Document) throws -> Void
    ) throws -> Statistics {
        var statistics = Statistics()
        let splitter = try reader.makeSplitter()
        var document: GoogleReference.Document = []
        var ids: [Int32] = []
        func endDocument() throws {
            guard !document.isEmpty else { return }
            statistics.documents += 1
            statistics.sentences += document.count
            try body(document)
            document = []
        }
        let (bytes, lines) = try scanLines(paths: paths) { line in
            if try !reader.readLine(line, splitter: splitter, ids: &ids, into: &document) { try endDocument() }
        }
        statistics.bytes = bytes
        statistics.lines = lines
        try endDocument()
        return statistics
    }

    /// Like `forEachDocument`, in batches of documents (about `threads` x 1 MiB of text each) tokenized on
    /// `threads` threads: the same documents in the same order, whatever the thread count. With more than one
    /// thread, the files are read (lines found, UTF-8 checked, documents cut) on a thread of their own, one batch
    /// ahead of the tokenizing; an error in reading is thrown once the batches before it are handed on.
    public func forEachDocumentBatch(
        paths: [String], threads: Int, _ body: ([GoogleReference.Document]) throws -> Void
    ) throws -> Statistics {
        var statistics = Statistics()
        let batchBytes = max(1, threads) << 20
        func tokenize(_ batch: TextBatch) throws {
            let documents = try batch.text.withUnsafeBufferPointer { bytes in
                // The workers only read `text`, which stays put until the map returns.
                let shared = UnsafeSendable(bytes)
                let reader = self.reader
                return try ParallelMap.map(batch.documents, threads: threads, chunksPerThread: StreamingPretraining.chunksPerThread, state: { (try reader.makeSplitter(), [Int32]()) }) {
                    state, _, lines -> GoogleReference.Document in
                    var document: GoogleReference.Document = []
                    for range in lines {
                        _ = try reader.readLine(
                            UnsafeBufferPointer(rebasing: shared.value[range]), splitter: state.0, ids: &state.1, into: &document)
                    }
                    return document
                }
            }.filter { !$0.isEmpty }
            statistics.documents += documents.count
            statistics.sentences += documents.reduce(0) { $0 + $1.count }
            if !documents.isEmpty { try body(documents) }
        }
        let read: (bytes: Int, lines: Int)
        if threads <= 1 {
            read = try readBatches(paths: paths, batchBytes: batchBytes, tokenize)
        } else {
            let handoff = Handoff<TextBatch>()
            let reading = DispatchGroup()
            let outcome = UnsafeSendable(OutcomeBox())  // written by the reading thread before `reading` leaves
            let stream = UnsafeSendable(self)  // reading uses only the block size and its own files
            // A queue of its own (a thread of its own): a global queue's thread blocked in `put` would count
            // against the worker threads the tokenizing asks for.
            DispatchQueue(label: "bertkit.pretraining.reader").async(group: reading) {
                outcome.value.result = Result { try stream.value.readBatches(paths: paths, batchBytes: batchBytes) { try handoff.put($0) } }
                handoff.close()
            }
            do {
                while let batch = handoff.take() { try tokenize(batch) }
            } catch {
                handoff.cancel()
                reading.wait()
                throw error
            }
            reading.wait()
            guard let result = outcome.value.result else { preconditionFailure("the reading thread ended without an outcome") }
            read = try result.get()
        }
        statistics.bytes = read.bytes
        statistics.lines = read.lines
        return statistics
    }

    /// Non-blank lines of documents, copied together, with each document's lines as ranges of `text`.
    private struct TextBatch: Sendable {
        var text: [UInt8] = []
        var documents: [[Range<Int>]] = []
    }

    /// Where the reading thread leaves its outcome.
    private final class OutcomeBox {
        var result: Result<(bytes: Int, lines: Int), Error>?
    }

    /// Reads the files and hands on batches of whole documents of about `batchBytes` bytes of text (a document
    /// runs on across files until a blank line); returns the bytes and lines read.
    private func readBatches(
        paths: [String], batchBytes: Int, _ emit: (TextBatch) throws -> Void
    ) throws -> (bytes: Int, lines: Int) {
        var batch = TextBatch()
        var current: [Range<Int>] = []
        let read = try scanLines(paths: paths) { line in
            if GoogleDocumentReader.pythonStrip(utf8: line).isEmpty {
                if !current.isEmpty {
                    batch.documents.append(current)
                    current = []
                    if batch.text.count >= batchBytes {
                        try emit(batch)
                        batch = TextBatch()
                        batch.text.reserveCapacity(batchBytes + (batchBytes >> 2))
                    }
                }
            } else {
                current.append(batch.text.count..<(batch.text.count + line.count))
                batch.text.append(contentsOf: line)
            }
        }
        if !current.isEmpty { batch.documents.append(current) }
        if !batch.documents.isEmpty { try emit(batch) }
        return read
    }

    /// Reads the files in blocks and calls `line` with each line (without its `\n`), checked to be UTF-8;
    /// returns the bytes and lines read.
    private func scanLines(
        paths: [String], _ line: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> (bytes: Int, lines: Int) {
        var totalBytes = 0
        var totalLines = 0
        for path in paths {
            let file = try InputFile(path: path)
            var pending: [UInt8] = []     // bytes of lines not yet complete, then the new block
            var fileOffset = 0            // file offset of pending[0]
            var number = 0
            var atEnd = false
            while !atEnd {
                let old = pending.count
                pending.append(contentsOf: repeatElement(0, count: blockSize))
                let got = try pending.withUnsafeMutableBytes { try file.read(into: $0.baseAddress! + old, count: blockSize) }
                pending.removeSubrange((old + got)...)
                atEnd = got == 0
                totalBytes += got
                var start = 0
                try pending.withUnsafeBufferPointer { bytes in
                    guard let base = bytes.baseAddress else { return }
                    while start < bytes.count {
                        // memchr: the newline search was a tenth of the reading time byte by byte.
                        let end = memchr(base + start, 0x0A, bytes.count - start)
                            .map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? bytes.count
                        if end == bytes.count && !atEnd { break }   // an incomplete line: wait for more bytes
                        number += 1
                        let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
                        if let bad = UTF8Validation.firstInvalidByte(in: text) {
                            throw MaskedLMError.invalidUTF8(path: path, line: number, byteOffset: fileOffset + start + bad)
                        }
                        try line(text)
                        start = end + 1
                    }
                }
                let consumed = min(start, pending.count)
                pending.removeSubrange(0..<consumed)
                fileOffset += consumed
                if pending.count > Self.maxLineBytes {
                    throw MaskedLMError.lineTooLong(path: path, line: number + 1, limit: Self.maxLineBytes)
                }
            }
            totalLines += number
        }
        return (totalBytes, totalLines)
    }
}

/// One value at a time handed from a producing thread to a consuming one: `put` waits while the slot is full,
/// `take` while it is empty. The semaphores order every access to the slot; a lock guards the cancel flag.
private final class Handoff<Value>: @unchecked Sendable {
    private let free = DispatchSemaphore(value: 1)
    private let filled = DispatchSemaphore(value: 0)
    private var slot: Value?
    private let lock = NSLock()
    private var cancelled = false

    /// The producer hands on `value`; throws `CancellationError` once the consumer has cancelled.
    func put(_ value: Value) throws {
        free.wait()
        if lock.withLock({ cancelled }) {
            free.signal()
            throw CancellationError()
        }
        slot = value
        filled.signal()
    }

    /// The producer has no more values.
    func close() {
        free.wait()
        filled.signal()  // with an empty slot: `take` returns nil
    }

    /// The next value, or nil once the producer closed (then call it no more).
    func take() -> Value? {
        filled.wait()
        guard let value = slot else {
            free.signal()  // gives back what `close` took: libdispatch refuses to free a semaphore below its start
            return nil
        }
        slot = nil
        free.signal()
        return value
    }

    /// The consumer stops: the producer's next `put` throws; values already handed are dropped until it closes.
    func cancel() {
        lock.withLock { cancelled = true }
        while take() != nil {}
    }
}
