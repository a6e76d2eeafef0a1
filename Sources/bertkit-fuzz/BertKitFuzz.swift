import BertKitFuzzing
import Foundation
#if BERTKIT_LIBFUZZER
import CLibFuzzer
#endif

/// `bertkit-fuzz`: runs BertKit's fuzzing harnesses (`FuzzHarness`).
///
/// ```sh
/// bertkit-fuzz list                                   # the harness names
/// bertkit-fuzz seeds HARNESS DIR                      # writes the harness's seed inputs into DIR
/// bertkit-fuzz replay HARNESS FILE|DIR...             # runs saved inputs (a crash reproducer, a corpus)
/// bertkit-fuzz mutate HARNESS [--seconds S] [--runs N] [--seed N]   # the built-in seeded mutator
/// bertkit-fuzz libfuzzer HARNESS [libFuzzer flags] [CORPUS_DIR...]  # only in Scripts/fuzz.sh's build
/// ```
@main
struct BertKitFuzz {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let command = arguments.first else { usage() }
        arguments.removeFirst()
        if command == "list" {
            for harness in FuzzHarness.allCases { print(harness.rawValue) }
            return
        }
        guard let name = arguments.first else { usage() }
        arguments.removeFirst()
        guard let harness = FuzzHarness(rawValue: name) else {
            fail("unknown harness '\(name)'; `bertkit-fuzz list` prints the names")
        }
        do {
            try FuzzHarness.prepare()
            switch command {
            case "seeds": try writeSeeds(harness, arguments)
            case "replay": try replay(harness, arguments)
            case "mutate": try mutate(harness, arguments)
            case "libfuzzer": try libFuzzer(harness, arguments)
            default: usage()
            }
        } catch {
            fail("\(error)")
        }
    }

    static func writeSeeds(_ harness: FuzzHarness, _ arguments: [String]) throws {
        guard arguments.count == 1, let folder = arguments.first else { usage() }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (i, seed) in harness.seeds.enumerated() {
            try Data(seed).write(to: URL(fileURLWithPath: "\(folder)/seed-\(i)"))
        }
    }

    static func replay(_ harness: FuzzHarness, _ arguments: [String]) throws {
        guard !arguments.isEmpty else { usage() }
        var files: [String] = []
        for path in arguments {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { fail("\(path): no such file or folder") }
            if isFolder.boolValue {
                files += try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { "\(path)/\($0)" }
            } else {
                files.append(path)
            }
        }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { fail("\(file): cannot be read") }
            _ = data.withUnsafeBytes { harness.run($0.bindMemory(to: UInt8.self), scratch: scratch) }
        }
        print("\(harness.rawValue): \(files.count) inputs replayed, no crash")
    }

    static func mutate(_ harness: FuzzHarness, _ arguments: [String]) throws {
        var seconds = 10.0, runs = Int.max, seed: UInt64 = 1
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { fail("\(flag) needs a value") }
            switch flag {
            case "--seconds": guard let v = Double(value), v > 0 else { fail("--seconds takes a positive number, not '\(value)'") }; seconds = v
            case "--runs": guard let v = Int(value), v > 0 else { fail("--runs takes a positive whole number, not '\(value)'") }; runs = v
            case "--seed": guard let v = UInt64(value) else { fail("--seed takes a whole number from 0, not '\(value)'") }; seed = v
            default: fail("unknown option \(flag); mutate takes --seconds, --runs and --seed")
            }
        }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var mutator = FuzzMutator(harness: harness, seed: seed)
        let start = ContinuousClock.now
        let limit = Duration.milliseconds(Int64(seconds * 1000))
        var count = 0
        while count < runs && ContinuousClock.now - start < limit {
            let input = mutator.next()
            _ = input.withUnsafeBufferPointer { harness.run($0, scratch: scratch) }
            count += 1
        }
        let elapsed = ContinuousClock.now - start
        print("\(harness.rawValue): \(count) inputs in \(elapsed), seed \(seed), no crash")
    }

    static func libFuzzer(_ harness: FuzzHarness, _ arguments: [String]) throws {
        #if BERTKIT_LIBFUZZER
        FuzzTarget.harness = harness
        FuzzTarget.scratch = try ScratchDirectory()
        // libFuzzer parses its flags and corpus folders from argv; argv[0] stays the program.
        var argv: [UnsafeMutablePointer<CChar>?] = ([CommandLine.arguments[0]] + arguments).map { strdup($0) } + [nil]
        var argc = Int32(arguments.count + 1)
        let status = argv.withUnsafeMutableBufferPointer { buffer in
            var base = buffer.baseAddress
            return LLVMFuzzerRunDriver(&argc, &base, FuzzTarget.callback)
        }
        FuzzTarget.scratch?.remove()
        exit(status)
        #else
        fail("this bertkit-fuzz was built without libFuzzer; Scripts/fuzz.sh builds the one that has it (or use `mutate`)")
        #endif
    }

    static func usage() -> Never {
        fail("""
            usage: bertkit-fuzz list | seeds HARNESS DIR | replay HARNESS PATH... | \
            mutate HARNESS [--seconds S] [--runs N] [--seed N] | libfuzzer HARNESS [FLAGS] [CORPUS...]
            """)
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("bertkit-fuzz: \(message)\n".utf8))
        exit(2)
    }
}

#if BERTKIT_LIBFUZZER
/// The state libFuzzer's C callback reads: set once before the driver starts, read on its one thread.
enum FuzzTarget {
    nonisolated(unsafe) static var harness = FuzzHarness.tokenize
    nonisolated(unsafe) static var scratch: ScratchDirectory?

    static let callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32 = { data, size in
        fuzzOne(data, size)
    }
}

/// libFuzzer calls this first. When its own `main` is the one linked (`-sanitize=fuzzer` links it; which of the
/// two mains the linker keeps is its choice, see Scripts/fuzz.sh), `libfuzzer HARNESS` is taken out of argv
/// so libFuzzer sees only its flags and folders, and any other command runs as `BertKitFuzz.main` would.
@_cdecl("LLVMFuzzerInitialize")
func fuzzInitialize(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    // Started by our own main through LLVMFuzzerRunDriver: argv holds libFuzzer's flags only.
    guard FuzzTarget.scratch == nil, let vector = argv.pointee else { return 0 }
    let count = Int(argc.pointee)
    let arguments = (0..<count).map { vector[$0].map { String(cString: $0) } ?? "" }
    guard count >= 3, arguments[1] == "libfuzzer" else {
        MainActor.assumeIsolated { BertKitFuzz.main() }  // libFuzzer calls this on the main thread
        exit(0)
    }
    guard let harness = FuzzHarness(rawValue: arguments[2]) else {
        BertKitFuzz.fail("unknown harness '\(arguments[2])'; `bertkit-fuzz list` prints the names")
    }
    do {
        try FuzzHarness.prepare()
        FuzzTarget.harness = harness
        FuzzTarget.scratch = try ScratchDirectory()
    } catch {
        BertKitFuzz.fail("\(error)")
    }
    for i in 1..<(count - 2) { vector[i] = vector[i + 2] }
    vector[count - 2] = nil
    argc.pointee = Int32(count - 2)
    return 0
}

/// libFuzzer's per-input entry point.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let scratch = FuzzTarget.scratch else { return 0 }
    _ = FuzzTarget.harness.run(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), scratch: scratch)
    return 0
}
#endif
