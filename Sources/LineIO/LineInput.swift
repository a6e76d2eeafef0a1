#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte source read in blocks: a file or standard input (also what the vocabulary loaders read with, so a
/// FIFO or a device such as /dev/null is read like a file).
package final class LineInput {
    /// The path shown in messages ("<stdin>" for standard input).
    package let displayPath: String
    private let fd: Int32

    /// Opens a file, or standard input when `path` is nil or "-".
    package init(path: String?) throws {
        guard let path, path != "-" else { displayPath = "<stdin>"; fd = 0; return }
        displayPath = path
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            throw LineIOError.unreadableInput(path: path, reason: "is a directory")
        }
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw LineIOError.unreadableInput(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Appends up to `count` bytes to `buffer`; returns true at end of input.
    package func read(into buffer: inout [UInt8], upTo count: Int) throws -> Bool {
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: count))
        var got = 0
        while got < count {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + old + got, count - got) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                buffer.removeSubrange((old + got)...)
                throw LineIOError.unreadableInput(path: displayPath, reason: reason)
            }
            if n == 0 { break }
            got += n
        }
        buffer.removeSubrange((old + got)...)
        return got < count
    }

    deinit { if fd > 0 { close(fd) } }
}
