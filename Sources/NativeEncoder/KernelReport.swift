import CEncoderKernels
import Foundation

/// What a command that runs the encoder says about its kernels: the CPU and its features, the OpenBLAS kernels
/// with the reason they were chosen, the encoder's own kernels, and warnings when the matrix products run on
/// kernels far below what the CPU can do.
///
/// `lines` and `warnings` are pure functions of the stored values, so tests can build any situation; `current`
/// reads this process (and loads OpenBLAS).
public struct KernelReport: Sendable, Hashable {
    public var identity: CPUIdentity
    public var features: CPUFeatures
    /// The choice applied before OpenBLAS loaded (nil when nothing chose: OpenBLAS detected by itself).
    public var choice: OpenBLASCoreChoice?
    /// `openblas_get_corename()` after loading, e.g. "Haswell".
    public var openBLASCore: String
    public var openBLASVersion: OpenBLASVersion?
    /// The encoder's kernel instruction set: "AVX-512", "AVX2+FMA" or "baseline".
    public var encoderInstructionSet: String
    /// BERTKIT_KERNELS when set (it caps the encoder's kernels).
    public var encoderOverride: String?

    public init(identity: CPUIdentity, features: CPUFeatures, choice: OpenBLASCoreChoice?, openBLASCore: String,
                openBLASVersion: OpenBLASVersion?, encoderInstructionSet: String, encoderOverride: String?) {
        self.identity = identity
        self.features = features
        self.choice = choice
        self.openBLASCore = openBLASCore
        self.openBLASVersion = openBLASVersion
        self.encoderInstructionSet = encoderInstructionSet
        self.encoderOverride = encoderOverride
    }

    /// This process: CPUID, the applied choice, OpenBLAS's corename and release (loads OpenBLAS).
    public static var current: KernelReport {
        let override = ProcessInfo.processInfo.environment[EncoderKernels.overrideVariable].flatMap { $0.isEmpty ? nil : $0 }
        return KernelReport(identity: .current, features: .current, choice: BLAS.coreChoice, openBLASCore: BLAS.corename,
                            openBLASVersion: BLAS.version, encoderInstructionSet: EncoderKernels.instructionSet, encoderOverride: override)
    }

    /// OpenBLAS x86-64 cores whose sgemm uses SSE only (names as openblas_get_corename() gives them).
    static let sseCores: Set<String> = ["unknown", "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2",
                                        "penryn", "dunnington", "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona",
                                        "nano", "bobcat"]
    /// Cores with AVX but not AVX2+FMA kernels.
    static let avxCores: Set<String> = ["sandybridge", "bulldozer"]

    /// Three lines: "cpu: ...", "openblas: ...", "encoder kernels: ...".
    public var lines: [String] {
        let release = openBLASVersion.map { "OpenBLAS \($0)" } ?? "OpenBLAS of unknown version"
        var why = choice?.reason ?? "OpenBLAS's own detection"
        if let choice, choice.isExplicit, choice.coreType?.lowercased() != choice.cpuidCore.lowercased() {
            why += "; from CPUID it would be \(choice.cpuidCore)"
        }
        let encoder = encoderOverride.map { "BERTKIT_KERNELS=\($0)" } ?? "from CPUID"
        return [
            "cpu: \(identity.description): \(features.summary)",
            "openblas: \(openBLASCore) kernels (\(release)): \(why)",
            "encoder kernels: \(encoderInstructionSet) (\(encoder))",
        ]
    }

    /// Warnings, each starting "warning: "; empty when the kernels fit the CPU.
    public var warnings: [String] {
        var result: [String] = []
        let core = openBLASCore.lowercased()
        if let wanted = choice?.coreType, wanted.lowercased() != core {
            result.append("warning: OpenBLAS runs \(openBLASCore) kernels, not \(wanted) as chosen (a name this OpenBLAS does not "
                + "know or was not built with, or one the CPU cannot run)")
        }
        if features.hasUsableAVX2, Self.sseCores.contains(core) || Self.avxCores.contains(core) {
            let cpu = features.hasUsableAVX512 ? "AVX-512" : "AVX2"
            let kind = Self.sseCores.contains(core) ? "generic SSE" : "AVX (no FMA)"
            let best = choice?.cpuidCore ?? (features.hasUsableAVX512 ? "SkylakeX" : "Haswell")
            result.append("warning: OpenBLAS runs \(kind) kernels (\(openBLASCore)) on a CPU with \(cpu): matrix products run "
                + "several times slower; unset OPENBLAS_CORETYPE or pass --blas-coretype auto (\(best))")
        }
        return result
    }
}
