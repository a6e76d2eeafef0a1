@_exported import BertKitTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the `bertkit` executable built next to the test bundle.
enum CLI {
    static let root = TestRepository.root

    /// The product folder (`.build/<triple>/debug` or release), found from the running test binary.
    static var binary: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while !dir.path.isEmpty && dir.path != "/" {
            let candidate = dir.appendingPathComponent("bertkit")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/bertkit")
    }

    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs bertkit; `environment` entries override the test's environment (nil removes a variable).
    ///
    /// Standard output and standard error are read on threads of their own while standard input is written,
    /// so a child that fills one pipe while the test is busy with another never blocks (a pipe holds 64 KiB).
    ///
    /// `redirect` is shell redirection applied to bertkit itself (e.g. `2>/dev/full`, `2>&-`): bertkit then runs
    /// under `/bin/sh -c 'exec bertkit "$@" REDIRECT'`, so the redirected stream is not captured.
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String?] = [:],
                    redirect: String? = nil) throws -> Result {
        _ = ignoreBrokenPipe
        let process = Process()
        process.executableURL = binary
        if !environment.isEmpty {
            var env = ProcessInfo.processInfo.environment
            for (key, value) in environment { env[key] = value }
            process.environment = env
        }
        process.arguments = arguments
        if let redirect {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "exec \"$0\" \"$@\" \(redirect)", binary.path] + arguments
        }
        process.currentDirectoryURL = root
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        let stdoutDrain = PipeDrain(out.fileHandleForReading)
        let stderrDrain = PipeDrain(err.fileHandleForReading)
        // A child that exits without reading all its input closes the pipe: the write then fails with EPIPE
        // (SIGPIPE is ignored), which is the child's business, not the test's.
        if let stdin, !stdin.isEmpty { try? input.fileHandleForWriting.write(contentsOf: stdin) }
        try? input.fileHandleForWriting.close()
        let stdoutData = stdoutDrain.wait()
        let stderrData = stderrDrain.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: stdoutData, stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// Writing to a child that has closed its standard input must fail with EPIPE, not kill the test runner.
    private static let ignoreBrokenPipe: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// The fetched MiniLM vocabulary; tests that pass it carry `.requires(.minilmVocabulary)`.
    static var vocab: String { TestAsset.minilmVocabulary.path }

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bertkit-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// Reads one pipe to its end on a thread of its own.
private final class PipeDrain: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written once by the reading thread before `done` is signalled; read only after waiting on `done`.
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Everything the pipe delivered, once the writer has closed it.
    func wait() -> Data {
        done.wait()
        return data
    }
}
