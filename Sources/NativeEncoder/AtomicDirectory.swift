import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a folder as a whole: its files go into a temporary sibling (`.NAME.bertkit-PID.tmp`), which is renamed
/// to the destination when complete. An existing destination is first renamed aside (`.NAME.bertkit-PID.old`) and
/// removed after; a process killed in between leaves the complete old or new folder under one of those names,
/// never a half-written destination.
enum AtomicDirectory {
    /// Replaces `directory` (created with its parents if needed) with what `fill` writes into the folder it is given.
    static func write(_ directory: String, _ fill: (String) throws -> Void) throws {
        let fm = FileManager.default
        var trimmed = directory
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        let url = URL(fileURLWithPath: trimmed)
        let parent = url.deletingLastPathComponent().path, name = url.lastPathComponent
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: trimmed, isDirectory: &isFolder), !isFolder.boolValue {
            throw NativeEncoderError.unwritableFile(path: directory, reason: "it exists and is not a folder")
        }
        do { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            throw NativeEncoderError.unwritableFile(path: parent, reason: error.localizedDescription)
        }
        let temporary = parent + "/.\(name).bertkit-\(getpid()).tmp", old = parent + "/.\(name).bertkit-\(getpid()).old"
        try? fm.removeItem(atPath: temporary)
        do { try fm.createDirectory(atPath: temporary, withIntermediateDirectories: false) } catch {
            throw NativeEncoderError.unwritableFile(path: temporary, reason: error.localizedDescription)
        }
        do { try fill(temporary) } catch {
            try? fm.removeItem(atPath: temporary)
            throw error
        }
        let existed = fm.fileExists(atPath: trimmed)
        if existed {
            try? fm.removeItem(atPath: old)
            guard rename(trimmed, old) == 0 else {
                let reason = String(cString: strerror(errno))
                try? fm.removeItem(atPath: temporary)
                throw NativeEncoderError.unwritableFile(path: directory, reason: reason)
            }
        }
        guard rename(temporary, trimmed) == 0 else {
            let reason = String(cString: strerror(errno))
            if existed { _ = rename(old, trimmed) }
            try? fm.removeItem(atPath: temporary)
            throw NativeEncoderError.unwritableFile(path: directory, reason: reason)
        }
        if existed { try? fm.removeItem(atPath: old) }
    }
}
