import ArgumentParser
import Foundation
import NativeEncoder

/// Options shared by the subcommands that run the native encoder: worker threads and the OpenBLAS kernels.
///
/// OpenBLAS reads `OPENBLAS_CORETYPE` once, when the library loads. bertkit loads it on first use (dlopen), so
/// `--blas-coretype` changes the variable in this process before that; were it already loaded, bertkit would
/// re-execute itself (/proc/self/exe, same arguments) with the variable changed.
/// - `env` (default): the environment decides; a user's explicit `OPENBLAS_CORETYPE` is always respected.
/// - `auto`: OpenBLAS detects the CPU (the variable is removed for the re-executed process).
/// - a name (`Haswell`, `SkylakeX`, `Cooperlake`, ...): that kernel family.
/// The kernels in use are printed (`openblas_get_corename()`) by every command that uses them.
struct BLASOptions: ParsableArguments {
    @Option(help: "OpenBLAS kernels: env (keep OPENBLAS_CORETYPE as set), auto (let OpenBLAS detect the CPU) or a core name.")
    var blasCoretype: String = "env"

    @Option(parsing: .unconditional, help: "Worker threads, 1-256 (OpenBLAS itself stays at one thread; default: all cores).")
    var threads: Int?

    /// Worker count to use.
    var workerCount: Int { max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount) }

    /// A line describing the kernels, e.g. "Cooperlake (OPENBLAS_CORETYPE unset, --blas-coretype auto); encoder
    /// kernels AVX-512".
    var kernelDescription: String {
        let value = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { "OPENBLAS_CORETYPE=\($0)" }
            ?? "OPENBLAS_CORETYPE unset"
        return "\(BLAS.corename) (\(value), --blas-coretype \(blasCoretype)); encoder kernels \(BLAS.encoderKernels)"
    }

    func validate() throws {
        guard blasCoretype == "env" || blasCoretype == "auto"
            || (!blasCoretype.isEmpty && blasCoretype.utf8.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || ($0 >= 0x30 && $0 <= 0x39) })
        else { throw ValidationError("--blas-coretype must be env, auto or an OpenBLAS core name such as Haswell") }
        try validateThreads(threads)
    }

    /// Sets `OPENBLAS_CORETYPE` for the requested kernels before OpenBLAS loads (or, if it already has,
    /// re-executes the process with the variable changed). Warns when OpenBLAS ignored a name.
    func applyKernelPolicy() throws {
        let marker = "BERTKIT_BLAS_REEXEC"
        let environment = ProcessInfo.processInfo.environment
        let current = environment["OPENBLAS_CORETYPE"]
        func warnIfIgnored() {
            if blasCoretype != "env", blasCoretype != "auto", BLAS.corename.lowercased() != blasCoretype.lowercased() {
                printError("bertkit: OpenBLAS chose \(BLAS.corename) kernels, not \(blasCoretype) (unknown name or unsupported CPU)")
            }
        }
        if environment[marker] != nil {
            unsetenv(marker)
            warnIfIgnored()
            return
        }
        switch blasCoretype {
        case "env": return
        case "auto":
            guard current != nil else { return }
            unsetenv("OPENBLAS_CORETYPE")
        default:
            guard current != blasCoretype else { return }
            setenv("OPENBLAS_CORETYPE", blasCoretype, 1)
        }
        if !BLAS.isLoaded {
            warnIfIgnored()  // loads OpenBLAS, which reads the variable just set
            return
        }
        setenv(marker, "1", 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        throw ValidationError("could not re-execute bertkit to change OpenBLAS kernels (\(String(cString: strerror(errno)))); set OPENBLAS_CORETYPE yourself")
    }
}
