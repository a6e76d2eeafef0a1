#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte sink that is either standard output or a file written through a temporary file in the same
/// folder, renamed over the destination only by `commit()`. Until then the destination is untouched, so a
/// failed or interrupted run leaves no partial output; SIGINT, SIGTERM and SIGHUP remove the temporary file
/// (SIGKILL cannot be caught: the destination is still untouched, a `.NAME.bertkit-PID.tmp` may remain).
///
/// What the destination is decides how it is written:
/// - a regular file (or none yet): the temporary file, renamed over it, with the old file's permission bits;
///   other hard links to the old file keep the old contents (a rename cannot update them);
/// - a symbolic link: the file it points to is replaced, the link stays;
/// - a FIFO, character or block device, or socket: written in place, never replaced (nothing to roll back);
/// - a directory: an error.
public final class AtomicOutput {
    /// The path shown in messages ("<stdout>" for standard output).
    public let displayPath: String
    private let destination: String?
    private let temporaryPath: String?
    private var fd: Int32
    private var finished = false
    /// The slot of `temporaryPath` in the signal-time cleanup table.
    private var cleanupSlot: Int?

    /// Opens standard output (`path == nil` or "-"), a special file in place, or a temporary file beside `path`.
    public init(path: String?) throws {
        guard let path, path != "-" else {
            displayPath = "<stdout>"; destination = nil; temporaryPath = nil; fd = 1
            return
        }
        displayPath = path
        var info = stat()
        var mode: mode_t? = nil
        var target = path
        if stat(path, &info) == 0 {  // follows symbolic links
            switch info.st_mode & 0o170000 {
            case 0o100000:  // regular file
                mode = info.st_mode & 0o7777
            case 0o040000:
                throw LineIOError.unwritableOutput(path: path, reason: "is a directory")
            default:  // FIFO, device, socket: write into it, never replace it
                destination = nil; temporaryPath = nil
                fd = open(path, O_WRONLY | O_CLOEXEC)
                if fd < 0 { throw LineIOError.unwritableOutput(path: path, reason: String(cString: strerror(errno))) }
                return
            }
            var link = stat()
            if lstat(path, &link) == 0, link.st_mode & 0o170000 == 0o120000, let resolved = realpath(path, nil) {
                target = String(cString: resolved)  // replace the file the link names, not the link
                free(resolved)
            }
        }
        destination = target
        let slash = target.lastIndex(of: "/")
        let folder = slash.map { String(target[..<$0]) } ?? "."
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        let temp = "\(folder.isEmpty ? "/" : folder)/.\(name).bertkit-\(getpid()).tmp"
        temporaryPath = temp
        cleanupSlot = InterruptCleanup.register(temp)
        fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            InterruptCleanup.unregister(cleanupSlot)
            throw LineIOError.unwritableOutput(path: path, reason: reason)
        }
        if let mode { _ = fchmod(fd, mode) }
    }

    /// Makes SIGINT, SIGTERM and SIGHUP end the process even if its parent blocked them, and removes the
    /// temporary files of outputs still open when one arrives. Call it first thing in `main`, before threads
    /// start (they inherit the mask); an `AtomicOutput` installs the handlers by itself otherwise.
    public static func handleTerminationSignals() {
        _ = InterruptCleanup.installed
    }

    /// Refuses an output that is the input file itself (same device and inode, whatever the spelling or links):
    /// the run would replace the input it reads. Standard input or output ("-" or nil) never conflicts.
    /// - Throws: `LineIOError.outputIsInput`.
    public static func refuseOverwriting(input: String?, output: String?) throws {
        guard let input, let output, input != "-", output != "-" else { return }
        var a = stat(), b = stat()
        guard stat(input, &a) == 0, stat(output, &b) == 0 else { return }
        if a.st_dev == b.st_dev && a.st_ino == b.st_ino && b.st_mode & 0o170000 == 0o100000 {
            throw LineIOError.outputIsInput(path: output)
        }
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
        guard let destination, let temporaryPath else {
            if fd > 2 { let closed = close(fd); fd = -1
                if closed != 0 { throw LineIOError.unwritableOutput(path: displayPath, reason: String(cString: strerror(errno))) } }
            return
        }
        let closed = close(fd)
        fd = -1
        defer { InterruptCleanup.unregister(cleanupSlot) }
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
            InterruptCleanup.unregister(cleanupSlot)
        } else if fd > 2 {
            close(fd)  // a special file written in place: nothing to roll back
        }
    }

    deinit { discard() }
}

/// Temporary output files to remove when SIGINT, SIGTERM or SIGHUP ends the process: a fixed table of C
/// strings that the handler walks with nothing but loads and unlink(2) (async-signal-safe), after which the
/// signal's default action ends the process as it would have.
enum InterruptCleanup {
    static let capacity = 256
    /// Slots hold strdup'ed paths or nil; written under `lock`, read by the handler.
    nonisolated(unsafe) static let table: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let table = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        table.initialize(repeating: nil, count: capacity)
        return table
    }()
    nonisolated(unsafe) static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()
    /// Installs the handlers once, after the table exists (so the handler never initializes anything), and
    /// unblocks the three signals on the calling thread (a parent's blocked mask is inherited; see `unblock`).
    static let installed: Void = {
        _ = table
        unblock()
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            _ = signal(sig) { received in
                for k in 0..<InterruptCleanup.capacity {
                    if let path = InterruptCleanup.table[k] { unlink(path) }
                }
                _ = signal(received, SIG_DFL)
                _ = raise(received)
            }
        }
    }()

    /// Unblocks SIGINT, SIGTERM and SIGHUP for the calling thread and the threads it starts later. A process
    /// inherits its parent's blocked-signal mask (test runners and thread pools block most signals), with which
    /// SIGTERM would stay pending forever instead of ending the run.
    static func unblock() {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Records `path` for removal on a signal; nil when the table is full (the path is then not cleaned).
    static func register(_ path: String) -> Int? {
        _ = installed
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        for k in 0..<capacity where table[k] == nil {
            table[k] = strdup(path)
            return k
        }
        return nil
    }

    /// Forgets a slot (the file was renamed or removed).
    static func unregister(_ slot: Int?) {
        guard let slot else { return }
        pthread_mutex_lock(lock)
        let path = table[slot]
        table[slot] = nil
        pthread_mutex_unlock(lock)
        free(path)
    }
}
