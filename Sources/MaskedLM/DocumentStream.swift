#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
        for path in paths {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw MaskedLMError.unreadableInput(path: path, reason: String(cString: strerror(errno))) }
            defer { close(fd) }
            var pending: [UInt8] = []     // bytes of lines not yet complete, then the new block
            var fileOffset = 0            // file offset of pending[0]
            var line = 0
            var atEnd = false
            while !atEnd {
                let old = pending.count
                pending.append(contentsOf: repeatElement(0, count: blockSize))
                var got = 0
                while true {
                    let n = pending.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, blockSize) }
                    if n < 0 && errno == EINTR { continue }
                    guard n >= 0 else { throw MaskedLMError.unreadableInput(path: path, reason: String(cString: strerror(errno))) }
                    got = n
                    break
                }
                pending.removeSubrange((old + got)...)
                atEnd = got == 0
                statistics.bytes += got
                var start = 0
                try pending.withUnsafeBufferPointer { bytes in
                    while start < bytes.count {
                        var end = start
                        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                        if end == bytes.count && !atEnd { break }   // an incomplete line: wait for more bytes
                        line += 1
                        let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
                        if let bad = UTF8Validation.firstInvalidByte(in: text) {
                            throw MaskedLMError.invalidUTF8(path: path, line: line, byteOffset: fileOffset + start + bad)
                        }
                        if try !reader.readLine(text, splitter: splitter, ids: &ids, into: &document) { try endDocument() }
                        start = end + 1
                    }
                }
                let consumed = min(start, pending.count)
                pending.removeSubrange(0..<consumed)
                fileOffset += consumed
                if pending.count > Self.maxLineBytes {
                    throw MaskedLMError.lineTooLong(path: path, line: line + 1, limit: Self.maxLineBytes)
                }
            }
            statistics.lines += line
        }
        try endDocument()
        return statistics
    }
}
