import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Faults around the output (issue 13): disk full, the output being the input, special files and links as
/// the output, a broken pipe, a FIFO as input, and a run ended by a signal. Committed fixtures only; no test
/// writes onto the machine's own /dev nodes (standard output is redirected to /dev/full, which is harmless).
@Suite struct FaultTests {
    static let vocab = TestRepository.path("Fixtures/tokenization/mini/vocab.txt")
    static let input = Data("the quick brown fox\njumps over the lazy dog\n".utf8)

    /// The ids `input` gives, from a plain run.
    static func expected() throws -> String {
        let r = try CLI.run(["tokenize", "--vocab", vocab, "--quiet"], stdin: input)
        try #require(r.status == 0 && !r.text.isEmpty)
        return r.text
    }

    @Test func standardOutputOnAFullDeviceIsAClearError() throws {
        let r = try CLI.run(["tokenize", "--vocab", Self.vocab, "--quiet"], stdin: Self.input, redirect: ">/dev/full")
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("Error: cannot write output '<stdout>': No space left on device"), "\(r.stderr)")
    }

    /// The output is the input (same name, another spelling, or a hard link): refused, the input intact.
    @Test(arguments: ["same", "dot", "hardlink"])
    func outputThatIsTheInputIsRefused(spelling: String) throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("text.txt")
        try Self.input.write(to: file)
        var output = file.path
        if spelling == "dot" { output = dir.path + "/./text.txt" }
        if spelling == "hardlink" {
            output = dir.appendingPathComponent("link.txt").path
            try FileManager.default.linkItem(atPath: file.path, toPath: output)
        }
        let r = try CLI.run(["tokenize", "--vocab", Self.vocab, "--input", file.path, "--output", output])
        #expect(r.status == 1)
        #expect(r.stderr.contains("output '\(output)' is the input file"), "\(r.stderr)")
        #expect(try Data(contentsOf: file) == Self.input)
        let encode = try CLI.run(["encode", "--vocab", Self.vocab, "--input", file.path, "--input-format", "lines",
                                  "--max-length", "16", "--output", output])
        #expect(encode.status == 1 && encode.stderr.contains("is the input file"), "\(encode.stderr)")
        #expect(try Data(contentsOf: file) == Self.input)
    }

    /// A symbolic link as the output: the file it names gets the output, the link stays a link.
    @Test func symbolicLinkOutputReplacesItsTarget() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("target.txt"), link = dir.appendingPathComponent("link.txt")
        try Data("old\n".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target.path)
        let r = try CLI.run(["tokenize", "--vocab", Self.vocab, "--quiet", "--output", link.path], stdin: Self.input)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == target.path)
        #expect(try String(contentsOf: target, encoding: .utf8) == Self.expected())
    }

    /// An existing output keeps its permission bits.
    @Test func existingOutputKeepsItsMode() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.txt")
        try Data("old\n".utf8).write(to: output)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: output.path)
        let r = try CLI.run(["tokenize", "--vocab", Self.vocab, "--quiet", "--output", output.path], stdin: Self.input)
        #expect(r.status == 0, "\(r.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: output.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try String(contentsOf: output, encoding: .utf8) == Self.expected())
    }

    /// A FIFO as the output is written into, not replaced by a regular file; a FIFO as the input is read.
    @Test func fifoAsOutputAndAsInput() throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe").path
        try #require(mkfifo(fifo, 0o600) == 0)
        // Output into the FIFO; this test reads it on a thread of its own.
        let reader = Thread.detachNewThreadWithResult { FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data() }
        let r = try CLI.run(["tokenize", "--vocab", Self.vocab, "--quiet", "--output", fifo], stdin: Self.input)
        #expect(r.status == 0, "\(r.stderr)")
        let expected = try Self.expected()
        #expect(String(decoding: reader.wait(), as: UTF8.self) == expected)
        var info = stat()
        #expect(stat(fifo, &info) == 0 && info.st_mode & 0o170000 == 0o010000, "still a FIFO")
        // Input from the FIFO.
        let writer = Thread.detachNewThreadWithResult { () -> Bool in
            guard let handle = FileHandle(forWritingAtPath: fifo) else { return false }
            handle.write(Self.input)
            try? handle.close()
            return true
        }
        let fromFIFO = try CLI.run(["tokenize", "--vocab", Self.vocab, "--quiet", "--input", fifo])
        #expect(writer.wait())
        #expect(fromFIFO.status == 0 && fromFIFO.text == expected, "\(fromFIFO.stderr)")
    }

    /// A reader that stops early (`| head -1`): bertkit ends quietly (SIGPIPE, or an error-free exit).
    @Test func brokenPipeEndsQuietly() throws {
        let lines = String(repeating: "the quick brown fox jumps over the lazy dog\n", count: 200_000)
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("big.txt")
        try Data(lines.utf8).write(to: file)
        let script = "\"$0\" tokenize --vocab \"$1\" --input \"$2\" | head -n 1; echo \"status ${PIPESTATUS[0]:-}\" >&2"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script, CLI.binary.path, Self.vocab, file.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(String(decoding: stdout, as: UTF8.self) == "1002 1248 1151 1259 1663 1029 1002 1649 1226\n")
        #expect(stderr == "status 141\n" || stderr == "status 0\n", "\(stderr)")
    }

    /// SIGTERM, SIGINT or SIGHUP in the middle of a run: the temporary file is removed and the previous output
    /// is intact; SIGKILL cannot be caught, but the previous output is still intact (no partial file there).
    @Test(arguments: [SIGTERM, SIGINT, SIGHUP, SIGKILL])
    func signalMidRunLeavesThePreviousOutput(signal: Int32) throws {
        let dir = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("in.pipe").path, output = dir.appendingPathComponent("out.txt")
        try #require(mkfifo(fifo, 0o600) == 0)
        try Data("previous\n".utf8).write(to: output)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["tokenize", "--vocab", Self.vocab, "--quiet", "--input", fifo, "--output", output.path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Feed one line and keep the FIFO open: bertkit has its temporary file and waits for more input.
        let writer = try #require(FileHandle(forWritingAtPath: fifo))
        writer.write(Self.input)
        let deadline = Date().addingTimeInterval(10)
        func temporaryFiles() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
        }
        while try temporaryFiles().isEmpty && Date() < deadline { usleep(20_000) }
        #expect(try temporaryFiles().count == 1, "the run had started its output")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        try? writer.close()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signal)
        #expect(try String(contentsOf: output, encoding: .utf8) == "previous\n")
        if signal != SIGKILL { #expect(try temporaryFiles().isEmpty, "temporary file left behind") }
    }
}

extension Thread {
    /// Runs `body` on a new thread; `wait()` returns its result.
    static func detachNewThreadWithResult<T: Sendable>(_ body: @escaping @Sendable () -> T) -> ThreadResult<T> {
        let result = ThreadResult<T>()
        Thread.detachNewThread { result.set(body()) }
        return result
    }
}

/// A value produced on another thread, handed over once through a semaphore.
final class ThreadResult<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written once before `done` is signalled; read only after waiting on it.
    private var value: T?

    func set(_ value: T) { self.value = value; done.signal() }

    func wait() -> T {
        done.wait()
        return value!
    }
}
