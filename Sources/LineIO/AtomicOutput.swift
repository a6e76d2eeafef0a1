#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte sink that is either standard output or a file written through a temporary file in the same
/// folder, renamed over the destination only by `commit()`. Until then the destination is untouched, so a
/// failed or interrupted run leaves no partial output.
public final class AtomicOutput {
    /// The path shown in messages ("<stdout>" for standard output).
    public let displayPath: String
    private let destination: String?
    private let temporaryPath: String?
    private var fd: Int32
    private var finished = false

    /// Opens standard output (`path == nil` or "-") or a temporary file beside `path`.
    public init(path: String?) throws {
        guard let path, path != "-" else {
            displayPath = "<stdout>"; destination = nil; temporaryPath = nil; fd = 1
            return
        }
        displayPath = path
        destination = path
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temp = "\(folder.isEmpty ? "/" : folder)/.\(name).bertkit-\(getpid()).tmp"
        temporaryPath = temp
        fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw LineIOError.unwritableOutput(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Writes all bytes, retrying short writes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw LineIOError.unwritableOutput(path: displayPath, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
    }

    /// Writes an array of bytes.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Closes the temporary file and renames it over the destination.
    public func commit() throws {
        guard !finished else { return }
        finished = true
        guard let destination, let temporaryPath else { return }
        let closed = close(fd)
        fd = -1
        if closed != 0 || rename(temporaryPath, destination) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw LineIOError.unwritableOutput(path: destination, reason: reason)
        }
    }

    /// Removes the temporary file; the destination keeps whatever it had before.
    public func discard() {
        guard !finished else { return }
        finished = true
        if let temporaryPath {
            close(fd)
            unlink(temporaryPath)
        }
    }

    deinit { discard() }
}
