/// An OpenBLAS release, e.g. 0.3.21 (read from the installed library's file name before it is loaded).
public struct OpenBLASVersion: Comparable, Sendable, Hashable, CustomStringConvertible {
    public var major: Int, minor: Int, patch: Int
    public init(_ major: Int, _ minor: Int, _ patch: Int) { (self.major, self.minor, self.patch) = (major, minor, patch) }

    /// Parses the first x.y.z in `text`: "0.3.21", "libopenblasp-r0.3.21.so", "OpenBLAS 0.3.21 DYNAMIC_ARCH";
    /// nil when there is none.
    public init?(parsing text: String) {
        for token in text.split(whereSeparator: { !(("0"..."9").contains($0) || $0 == ".") }) {
            let parts = token.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count >= 3, let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) {
                self.init(a, b, c)
                return
            }
        }
        return nil
    }

    public static func < (a: Self, b: Self) -> Bool { (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
    public var description: String { "\(major).\(minor).\(patch)" }
}

/// What the user asked for with `--blas-coretype` (or a library user through `BLAS.selectCoreType`).
public enum OpenBLASCoreRequest: Sendable, Hashable {
    /// `env` (the default): an `OPENBLAS_CORETYPE` in the environment is obeyed; when there is none, the CPUID choice.
    case environment
    /// `auto`: the CPUID choice, whatever the environment says.
    case cpuid
    /// `openblas`: OpenBLAS's own detection (its model table; the variable is removed).
    case openBLAS
    /// A core name (`Haswell`, `SkylakeX`, ...), passed to OpenBLAS as it is.
    case named(String)

    /// Parses a `--blas-coretype` value: env, auto, openblas or a core name (letters, digits and `_`).
    public init?(argument: String) {
        switch argument.lowercased() {
        case "env": self = .environment
        case "auto": self = .cpuid
        case "openblas": self = .openBLAS
        default:
            guard !argument.isEmpty, argument.utf8.count <= 20,
                  argument.utf8.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F })
            else { return nil }
            self = .named(argument)
        }
    }

    /// The spelling on the command line.
    public var argument: String {
        switch self {
        case .environment: "env"
        case .cpuid: "auto"
        case .openBLAS: "openblas"
        case .named(let name): name
        }
    }
}

/// Which OpenBLAS kernels to run, and why: a pure function of the CPU's features, the installed OpenBLAS and what
/// the user asked for. `BLAS.selectCoreType` applies it (sets `OPENBLAS_CORETYPE`) before OpenBLAS loads.
///
/// OpenBLAS's own detection goes by CPU model tables, so a CPU newer than the installed release falls back to
/// generic kernels: Debian's 0.3.21 runs its SSE3 `Prescott` kernels on an Intel Xeon family 6 model 207
/// (AVX-512, 39 GFLOP/s sgemm at BERT shapes on 2 threads, against 252 with `SkylakeX`, issue 9). Here the
/// features decide instead:
///
/// | usable features (CPU and OS) | core | why |
/// |---|---|---|
/// | AVX-512 F, DQ, BW, VL | `SkylakeX` | measured faster than `Cooperlake` (which adds only bf16 GEMMs): 252 vs 191 GFLOP/s on that Xeon; 194-199 vs 181-195 on an AMD EPYC with AVX-512 |
/// | AVX2 + FMA | `Haswell` | OpenBLAS's AVX2 kernels (its `Zen` differs only in blocking sizes) |
/// | AVX | `Sandybridge` | |
/// | SSE4.2 | `Nehalem` | |
/// | otherwise | `Prescott` | OpenBLAS's x86-64 baseline |
///
/// A core the installed release cannot be forced to (`force_coretype` in OpenMathLib/OpenBLAS
/// driver/others/dynamic.c: `Cooperlake` only from 0.3.22, `SapphireRapids` in no release up to 0.3.28) is never
/// chosen; releases before 0.3.10 do not get `SkylakeX` either.
public struct OpenBLASCoreChoice: Sendable, Hashable {
    /// The value for `OPENBLAS_CORETYPE`; nil: unset, OpenBLAS detects the CPU itself.
    public var coreType: String?
    /// One sentence saying why, e.g. "OPENBLAS_CORETYPE=Haswell set in the environment (an explicit choice, kept)".
    public var reason: String
    /// The user chose (the variable or a core name): never overridden, only reported.
    public var isExplicit: Bool
    /// What the CPUID rule alone picks for this CPU and release, for comparison in reports.
    public var cpuidCore: String

    public init(coreType: String?, reason: String, isExplicit: Bool, cpuidCore: String) {
        (self.coreType, self.reason, self.isExplicit, self.cpuidCore) = (coreType, reason, isExplicit, cpuidCore)
    }

    /// Core names `OPENBLAS_CORETYPE` can select in a release of OpenBLAS (x86-64 `DYNAMIC_ARCH` builds); nil
    /// version: assume 0.3.21 (Debian 12's).
    public static func forcibleCores(version: OpenBLASVersion?) -> [String] {
        let version = version ?? OpenBLASVersion(0, 3, 21)
        var cores = ["Prescott", "Core2", "Nehalem", "Sandybridge", "Haswell", "Zen"]
        if version >= OpenBLASVersion(0, 3, 10) { cores.append("SkylakeX") }
        if version >= OpenBLASVersion(0, 3, 22) { cores.append("Cooperlake") }
        return cores
    }

    /// The best core for these features among those the release can select, with the reason.
    public static func cpuidChoice(features: CPUFeatures, version: OpenBLASVersion?) -> (core: String, reason: String) {
        let cores = forcibleCores(version: version)
        if features.hasUsableAVX512, cores.contains("SkylakeX") {
            return ("SkylakeX", "AVX-512 F/DQ/BW/VL: SkylakeX kernels (measured faster than Cooperlake's)")
        }
        if features.hasUsableAVX2 {
            let why = features.hasUsableAVX512 ? " (this OpenBLAS cannot select SkylakeX)" : ""
            return ("Haswell", "AVX2+FMA: Haswell kernels" + why)
        }
        if features.hasUsableAVX { return ("Sandybridge", "AVX without AVX2: Sandybridge kernels") }
        if features.contains(.sse42) { return ("Nehalem", "SSE4.2, no AVX: Nehalem kernels") }
        return ("Prescott", "no AVX or SSE4.2: Prescott (baseline SSE3) kernels")
    }

    /// The decision. `environment` is the current value of `OPENBLAS_CORETYPE` (nil when unset).
    public static func choose(features: CPUFeatures, version: OpenBLASVersion?, request: OpenBLASCoreRequest,
                              environment: String?) -> OpenBLASCoreChoice {
        let (core, why) = cpuidChoice(features: features, version: version)
        let release = version.map { "OpenBLAS \($0)" } ?? "OpenBLAS of unknown version, assumed 0.3.21"
        let fromCPUID = "from CPUID, \(why) (\(release))"
        switch request {
        case .named(let name):
            return OpenBLASCoreChoice(coreType: name, reason: "--blas-coretype \(name) (an explicit choice, kept)",
                                      isExplicit: true, cpuidCore: core)
        case .environment:
            if let value = environment, !value.isEmpty {
                return OpenBLASCoreChoice(coreType: value, reason: "OPENBLAS_CORETYPE=\(value) set in the environment (an explicit choice, kept)",
                                          isExplicit: true, cpuidCore: core)
            }
            return OpenBLASCoreChoice(coreType: core, reason: "OPENBLAS_CORETYPE unset: \(fromCPUID)", isExplicit: false, cpuidCore: core)
        case .cpuid:
            let replaced = environment.map { $0.isEmpty ? "" : " instead of OPENBLAS_CORETYPE=\($0)" } ?? ""
            return OpenBLASCoreChoice(coreType: core, reason: "--blas-coretype auto\(replaced): \(fromCPUID)", isExplicit: true, cpuidCore: core)
        case .openBLAS:
            return OpenBLASCoreChoice(coreType: nil, reason: "--blas-coretype openblas: OpenBLAS's own detection (its CPU model table)",
                                      isExplicit: true, cpuidCore: core)
        }
    }
}
