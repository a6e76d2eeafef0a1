#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LineIO

/// A growable 1 MiB (by default) byte buffer in front of a file descriptor or an `AtomicOutput`.
///
/// Writers reserve the worst-case size of what they are about to append, write through the returned pointer
/// without bounds checks, then `advance` by what they wrote: one capacity check per row or array, not per byte.
final class ByteSink {
    /// Where flushed bytes go.
    enum Target {
        /// A file this sink does not own (the caller closes it).
        case descriptor(Int32)
        /// An atomic output (the caller commits or discards it).
        case atomic(AtomicOutput)
        /// No target: the buffer grows, and the owner takes the bytes with `drain`.
        case memory
    }

    /// The path shown in errors.
    let displayPath: String
    private let target: Target
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var count = 0
    /// Bytes handed to the target so far.
    private(set) var flushedBytes = 0

    init(target: Target, displayPath: String, capacity: Int = 1 << 20) {
        self.target = target
        self.displayPath = displayPath
        self.capacity = max(capacity, 64)
        storage = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// Bytes written through this sink, buffered or not.
    var totalBytes: Int { flushedBytes + count }

    /// A pointer with room for `byteCount` bytes at the end of the buffer (flushing or growing first).
    @inline(__always)
    func reserve(_ byteCount: Int) throws -> UnsafeMutableRawPointer {
        if capacity - count < byteCount { try makeRoom(byteCount) }
        return storage + count
    }

    /// Records `byteCount` bytes written through the pointer `reserve` returned.
    @inline(__always)
    func advance(_ byteCount: Int) {
        count += byteCount
    }

    /// Appends raw bytes.
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if bytes.count >= capacity {
            try flush()
            try send(UnsafeRawBufferPointer(start: base, count: bytes.count))
            return
        }
        let p = try reserve(bytes.count)
        p.copyMemory(from: base, byteCount: bytes.count)
        count += bytes.count
    }

    /// Appends an array of bytes.
    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Appends the UTF-8 bytes of a string.
    func append(_ text: String) throws {
        var text = text
        try text.withUTF8 { try append(UnsafeRawBufferPointer($0)) }
    }

    /// Hands the buffered bytes to the target.
    /// Flushes, then renames `output`'s temporary file over its destination; a failure is a `WriterError`.
    func commit(to output: AtomicOutput) throws {
        try flush()
        do { try output.commit() } catch let LineIOError.unwritableOutput(path, reason) {
            throw WriterError.unwritableOutput(path: path, reason: reason)
        }
    }

    func flush() throws {
        guard count > 0 else { return }
        if case .memory = target { return }  // kept until `drain`
        try send(UnsafeRawBufferPointer(start: storage, count: count))
        count = 0
    }

    /// Hands the buffered bytes to `body`, then empties the buffer.
    func drain(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        defer { count = 0 }
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    private func makeRoom(_ byteCount: Int) throws {
        if case .memory = target {
            let grown = max(2 * capacity, count + byteCount)
            let larger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
            larger.copyMemory(from: storage, byteCount: count)
            storage.deallocate()
            storage = larger
            capacity = grown
            return
        }
        try flush()
        if byteCount > capacity {
            storage.deallocate()
            capacity = byteCount
            storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
    }

    private func send(_ bytes: UnsafeRawBufferPointer) throws {
        switch target {
        case let .descriptor(fd):
            try FileOps.writeAll(fd, bytes, path: displayPath)
        case .memory:
            return  // unreachable: `flush` keeps a memory sink's bytes
        case let .atomic(output):
            do {
                try output.write(bytes)
            } catch let LineIOError.unwritableOutput(path, reason) {
                throw WriterError.unwritableOutput(path: path, reason: reason)
            }
        }
        flushedBytes += bytes.count
    }
}

/// The few POSIX calls the writers need, with errors turned into `WriterError` in one place.
enum FileOps {
    /// The current `errno` as a sentence fragment.
    static func reason() -> String { String(cString: strerror(errno)) }

    /// `path` split into its folder ("." when it has none) and last component.
    static func split(_ path: String) -> (folder: String, name: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", String(trimmed)) }
        let folder = trimmed[..<slash]
        return (folder.isEmpty ? "/" : String(folder), String(trimmed[trimmed.index(after: slash)...]))
    }

    /// A hidden name beside `path`, unique to this process and call: `<folder>/.<name>.bertkit-<pid>-<random><suffix>`.
    static func temporaryPath(beside path: String, suffix: String) -> String {
        let (folder, name) = split(path)
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(folder == "/" ? "" : folder)/.\(name).bertkit-\(getpid())-\(tag)\(suffix)"
    }

    /// Creates a new file (failing if it exists) for writing.
    static func create(_ path: String, display: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { throw WriterError.unwritableOutput(path: display, reason: reason()) }
        return fd
    }

    /// Opens an existing file for reading.
    static func openForReading(_ path: String, display: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw WriterError.unwritableOutput(path: display, reason: reason()) }
        return fd
    }

    /// Writes all of `bytes`, retrying short writes and interruptions.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw WriterError.unwritableOutput(path: path, reason: reason())
            }
            done += n
        }
    }

    /// Writes all of `bytes` at `offset` without moving the file position.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw WriterError.unwritableOutput(path: path, reason: reason())
            }
            done += n
        }
    }

    /// Reads up to `count` bytes; 0 at the end of the file.
    static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, path: String) throws -> Int {
        while true {
            let n = read(fd, buffer, count)
            if n >= 0 { return n }
            if errno != EINTR { throw WriterError.unwritableOutput(path: path, reason: reason()) }
        }
    }

    /// Closes a descriptor, reporting a failed close (where delayed write errors surface).
    static func closeChecked(_ fd: Int32, path: String) throws {
        if close(fd) != 0 { throw WriterError.unwritableOutput(path: path, reason: reason()) }
    }

    /// Appends the whole file at `source` to `fd` (in the kernel with `sendfile` on Linux, else in 1 MiB reads).
    static func appendFile(_ source: String, to fd: Int32, path: String) throws {
        let input = try openForReading(source, display: path)
        defer { _ = try? closeChecked(input, path: path) }
        #if os(Linux)
        while true {
            let n = sendfile(fd, input, nil, 1 << 30)
            if n > 0 { continue }
            if n == 0 { return }
            if errno == EINTR { continue }
            if errno == EINVAL || errno == ENOSYS { break }  // not supported here: copy by hand below
            throw WriterError.unwritableOutput(path: path, reason: reason())
        }
        #endif
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try readSome(input, into: buffer, count: chunk, path: path)
            if n == 0 { return }
            try writeAll(fd, UnsafeRawBufferPointer(start: buffer, count: n), path: path)
        }
    }

    /// Renames `source` to `destination`, replacing a file there.
    static func move(_ source: String, to destination: String) throws {
        if rename(source, destination) != 0 {
            throw WriterError.unwritableOutput(path: destination, reason: reason())
        }
    }

    /// Deletes a file, ignoring errors (cleanup of temporaries).
    static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// What is at `path`: nothing, a folder, or something else.
    enum Kind { case missing, folder, other }

    /// The kind of file at `path` (symbolic links followed).
    static func kind(_ path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return (info.st_mode & S_IFMT) == S_IFDIR ? .folder : .other
    }

    /// The entry names of a folder (without "." and ".."), or nil when it cannot be listed.
    static func list(_ folder: String) -> [String]? {
        guard let dir = opendir(folder) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
