import Foundation

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
        guard FileManager.default.createFile(atPath: path, contents: Data(buffer: bytes)) else {
            preconditionFailure("cannot write the scratch file \(path)")
        }
        return path
    }

    /// Removes the folder and what is in it.
    package func remove() { try? FileManager.default.removeItem(atPath: root) }
}
