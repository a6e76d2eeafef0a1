#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one input file (or standard input for "-"), inflated when the file is gzip.
final class DatasetByteSource {
    /// The path shown in messages.
    let path: String
    private let fd: Int32
    private var inflater: GzipInflater?
    /// Bytes read from the file itself (compressed bytes for gzip).
    private(set) var bytesRead = 0

    init(path: String, gzip: Bool) throws {
        self.path = path
        if path == "-" {
            fd = 0
        } else {
            var info = stat()
            if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                throw DatasetError.unreadableInput(path: path, reason: "is a directory; pass --input-format folder for class folders")
            }
            fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 { throw DatasetError.unreadableInput(path: path, reason: String(cString: strerror(errno))) }
        }
        if gzip {
            do { inflater = try GzipInflater(path: path) } catch {
                if fd > 0 { close(fd) }
                throw error
            }
        }
    }

    deinit { if fd > 0 { close(fd) } }

    /// Moves to byte `offset` of a plain (not gzip) file before its first read.
    func seek(to offset: Int) throws {
        precondition(inflater == nil && fd > 0, "only a plain file can start at an offset")
        if lseek(fd, off_t(offset), SEEK_SET) < 0 {
            throw DatasetError.unreadableInput(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// The size of a plain file, or nil for standard input, a pipe or gzip input.
    var plainFileSize: Int? {
        guard inflater == nil, fd > 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// Reads up to `count` (decompressed) bytes into `destination`; fewer only at the end of the input.
    func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
        if let inflater {
            return try inflater.inflate(into: destination, count: count) { try readRaw(into: $0, count: $1) }
        }
        return try readRaw(into: destination, count: count)
    }

    private func readRaw(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
        var got = 0
        while got < count {
            let n = systemRead(fd, destination + got, count - got)
            if n < 0 {
                if errno == EINTR { continue }
                throw DatasetError.unreadableInput(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            got += n
        }
        bytesRead += got
        return got
    }
}

@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}

/// A growable window over a byte source: `[start, end)` holds bytes not consumed yet.
///
/// Memory stays at about one block plus twice the longest record: a refill keeps the unconsumed bytes,
/// moves them to the front, and reads at least as many bytes again as it kept (so a long record is
/// rescanned O(1) times per byte).
final class BlockBuffer {
    let source: DatasetByteSource
    private(set) var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private let blockSize: Int
    /// The offset in the source of `base[0]`.
    private(set) var offsetOfBase = 0
    /// First unconsumed byte.
    var start = 0
    /// One past the last byte read.
    private(set) var end = 0
    /// True once the source has no more bytes.
    private(set) var atEOF = false

    /// A buffer over `source`, whose next byte is byte `offset` of the input.
    init(source: DatasetByteSource, blockSize: Int, offset: Int = 0) {
        self.source = source
        offsetOfBase = offset
        self.blockSize = max(1, blockSize)
        capacity = self.blockSize + 16
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Reads more bytes after `end`, keeping `[start, end)`. Returns false when nothing was added (end of input).
    @discardableResult
    func refill() throws -> Bool {
        guard !atEOF else { return false }
        let pending = end - start
        if start > 0 {
            offsetOfBase += start
            if pending > 0 { (base).update(from: base + start, count: pending) }
            start = 0
            end = pending
        }
        let want = max(blockSize, pending)
        if capacity - end < want {
            let newCapacity = end + want + 16
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.update(from: base, count: end)
            base.deallocate()
            base = grown
            capacity = newCapacity
        }
        let n = try source.read(into: UnsafeMutableRawPointer(base + end), count: want)
        end += n
        if n < want { atEOF = true }
        return n > 0
    }

    /// Skips a UTF-8 byte order mark at the very start of the input.
    func skipByteOrderMark() throws {
        while end - start < 3 && !atEOF { try refill() }
        if end - start >= 3 && base[start] == 0xEF && base[start + 1] == 0xBB && base[start + 2] == 0xBF { start += 3 }
    }
}
