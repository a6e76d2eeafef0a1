import ArgumentParser
import Foundation
import NativeEncoder

/// Options shared by the subcommands that run the native encoder: worker threads and the OpenBLAS kernels.
///
/// OpenBLAS reads `OPENBLAS_CORETYPE` once, when the library loads. bertkit loads it on first use (dlopen), so
/// `--blas-coretype` changes the variable in this process before that (`BLAS.selectCoreType`); were it already
/// loaded, bertkit would re-execute itself (/proc/self/exe, same arguments) with the variable changed.
/// - `env` (default): a user's `OPENBLAS_CORETYPE` is obeyed; when it is unset, the CPUID choice.
/// - `auto`: the CPUID choice (`OpenBLASCoreChoice`), whatever the variable says.
/// - `openblas`: OpenBLAS's own detection (the variable is removed).
/// - a name (`Haswell`, `SkylakeX`, ...): that kernel family.
/// Every command that uses the encoder reports the CPU's features, the kernels and why (`KernelReport`).
struct BLASOptions: ParsableArguments {
    @Option(help: "OpenBLAS kernels: env (OPENBLAS_CORETYPE if set, else auto), auto (chosen from the CPU's features), openblas (OpenBLAS's own detection) or a core name.")
    var blasCoretype: String = "env"

    @Option(parsing: .unconditional, help: "Worker threads, 1-256 (OpenBLAS itself stays at one thread; default: all cores).")
    var threads: Int?

    /// Worker count to use.
    var workerCount: Int { max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount) }

    /// The parsed `--blas-coretype` (validated in `validate()`).
    var request: OpenBLASCoreRequest { OpenBLASCoreRequest(argument: blasCoretype) ?? .environment }

    /// A line describing the kernels, e.g. "SkylakeX (OPENBLAS_CORETYPE unset: from CPUID, ...); encoder kernels
    /// AVX-512" (loads OpenBLAS).
    var kernelDescription: String {
        let why = BLAS.coreChoice?.reason ?? "--blas-coretype \(blasCoretype)"
        return "\(BLAS.corename) (\(why)); encoder kernels \(EncoderKernels.instructionSet)"
    }

    /// Prints the kernel report (`KernelReport`) on standard error, each line prefixed with the command's name;
    /// `quiet` silences the report but not its warnings. Loads OpenBLAS.
    func printKernelReport(command: String, quiet: Bool) {
        let report = KernelReport.current
        if !quiet { for line in report.lines { printError("\(command): \(line)") } }
        for warning in report.warnings { printError("\(command): \(warning)") }
    }

    func validate() throws {
        guard OpenBLASCoreRequest(argument: blasCoretype) != nil else {
            throw ValidationError("--blas-coretype must be env, auto, openblas or an OpenBLAS core name such as Haswell")
        }
        try validateThreads(threads)
        let override = ProcessInfo.processInfo.environment[EncoderKernels.overrideVariable]
        guard EncoderKernels.isValidOverride(override) else {
            throw ValidationError("\(EncoderKernels.overrideVariable) must be \(EncoderKernels.overrideValues.joined(separator: ", ")) or unset, not \(override ?? "")")
        }
    }

    /// Chooses and applies the OpenBLAS kernels before OpenBLAS loads (or, if it already has, re-executes the
    /// process so that the new `OPENBLAS_CORETYPE` takes effect).
    func applyKernelPolicy() throws {
        let marker = "BERTKIT_BLAS_REEXEC"
        let reexecuted = ProcessInfo.processInfo.environment[marker] != nil
        if reexecuted { unsetenv(marker) }
        let before = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        let (choice, applied) = BLAS.selectCoreType(request)
        if applied || reexecuted || before == choice.coreType { return }
        if let core = choice.coreType { setenv("OPENBLAS_CORETYPE", core, 1) } else { unsetenv("OPENBLAS_CORETYPE") }
        setenv(marker, "1", 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        throw ValidationError("could not re-execute bertkit to change OpenBLAS kernels (\(String(cString: strerror(errno)))); set OPENBLAS_CORETYPE yourself")
    }
}
