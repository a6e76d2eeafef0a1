import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private temporary folder for the loaders that read files: each input is written to a file in it
/// (overwriting the previous input's) and the folder is removed by `remove()`.
package final class ScratchDirectory: Sendable {
    /// The folder's path.
    package let root: String

    /// Creates a fresh folder under the system's temporary directory.
    package init() throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        root = base + "/bertkit-fuzz-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the folder.
    package func path(_ name: String) -> String { root + "/" + name }

    /// Writes `bytes` to `name` inside the folder and returns its path. A write failure is an environment
    /// problem, not an input one, so it stops the run.
    package func file(_ name: String, bytes: UnsafeBufferPointer<UInt8>) -> String {
        let path = path(name)
        Self.store(bytes, at: path)
        return path
    }

    /// Writes `bytes` to `path`, replacing its contents, with plain open/write/close: no temporary file and no
    /// fsync, unlike `FileManager.createFile` (whose atomic write made a fsync per input and held the dataset
    /// harnesses to ~300 inputs a second). A failure stops the run.
    package static func store(_ bytes: UnsafeBufferPointer<UInt8>, at path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        precondition(fd >= 0, "cannot write the scratch file \(path): \(String(cString: strerror(errno)))")
        defer { close(fd) }
        var done = 0
        while done < bytes.count, let base = bytes.baseAddress {
            let n = write(fd, base + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            precondition(n > 0, "cannot write the scratch file \(path): \(String(cString: strerror(errno)))")
            done += n
        }
    }

    /// Removes the folder and what is in it.
    package func remove() { try? FileManager.default.removeItem(atPath: root) }
}
