import Foundation
import Testing
@testable import NativeEncoder

/// The OpenBLAS kernel choice as a pure function of (CPU features, OpenBLAS release, request, environment).
@Suite struct OpenBLASCoreChoiceTests {
    // Feature sets of real CPU classes (CPUID bits plus what the OS enables).
    static let sse3Only: CPUFeatures = [.sse2, .sse3]
    static let nehalem: CPUFeatures = [.sse2, .sse3, .ssse3, .sse41, .sse42]
    static let sandyBridge: CPUFeatures = nehalem.union([.avx, .osYMM])
    static let haswell: CPUFeatures = sandyBridge.union([.avx2, .fma])
    static let skylakeX: CPUFeatures = haswell.union([.avx512f, .avx512dq, .avx512bw, .avx512vl, .osZMM])
    /// Intel Xeon family 6 model 207 (issue 9): AVX-512 with BF16/FP16 and AMX.
    static let xeon207: CPUFeatures = skylakeX.union([.avx512vnni, .avx512bf16, .avx512fp16, .amxTile, .amxBF16, .osAMX])
    /// Knights Landing style: AVX-512 F without BW/DQ/VL.
    static let avx512FOnly: CPUFeatures = haswell.union([.avx512f, .osZMM])
    /// An AVX-512 CPU whose OS does not save the ZMM registers (XCR0 bits 5-7 clear).
    static let zmmDisabled: CPUFeatures = skylakeX.subtracting(.osZMM)
    /// An AVX2 CPU whose OS does not enable AVX at all.
    static let ymmDisabled: CPUFeatures = haswell.subtracting(.osYMM)

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String, features: CPUFeatures, version: OpenBLASVersion?, core: String
        var testDescription: String { "\(name) on OpenBLAS \(version.map(\.description) ?? "unknown") -> \(core)" }
    }

    static let v0321 = OpenBLASVersion(0, 3, 21)
    static let rows: [Row] = [
        Row(name: "Xeon 6/207 AVX-512 BF16 AMX", features: xeon207, version: v0321, core: "SkylakeX"),
        Row(name: "Xeon 6/207 on 0.3.28", features: xeon207, version: OpenBLASVersion(0, 3, 28), core: "SkylakeX"),
        Row(name: "Skylake-X", features: skylakeX, version: v0321, core: "SkylakeX"),
        Row(name: "Skylake-X, release unknown", features: skylakeX, version: nil, core: "SkylakeX"),
        Row(name: "Skylake-X on 0.3.9 (no SkylakeX by name)", features: skylakeX, version: OpenBLASVersion(0, 3, 9), core: "Haswell"),
        Row(name: "AVX-512 F only", features: avx512FOnly, version: v0321, core: "Haswell"),
        Row(name: "AVX-512, ZMM not enabled by the OS", features: zmmDisabled, version: v0321, core: "Haswell"),
        Row(name: "Haswell / Zen 3", features: haswell, version: v0321, core: "Haswell"),
        Row(name: "AVX2 without FMA", features: haswell.subtracting(.fma), version: v0321, core: "Sandybridge"),
        Row(name: "AVX2, YMM not enabled by the OS", features: ymmDisabled, version: v0321, core: "Nehalem"),
        Row(name: "Sandy Bridge", features: sandyBridge, version: v0321, core: "Sandybridge"),
        Row(name: "Nehalem", features: nehalem, version: v0321, core: "Nehalem"),
        Row(name: "SSE3 only", features: sse3Only, version: v0321, core: "Prescott"),
        Row(name: "no features (not x86)", features: [], version: v0321, core: "Prescott"),
    ]

    @Test(arguments: rows)
    func cpuidChoiceByFeaturesAndRelease(row: Row) {
        let choice = OpenBLASCoreChoice.choose(features: row.features, version: row.version, request: .environment, environment: nil)
        #expect(choice.coreType == row.core)
        #expect(choice.cpuidCore == row.core)
        #expect(!choice.isExplicit)
        #expect(choice.reason.hasPrefix("OPENBLAS_CORETYPE unset: from CPUID, "))
        #expect(OpenBLASCoreChoice.forcibleCores(version: row.version).contains(row.core), "only cores the release can select")
        let auto = OpenBLASCoreChoice.choose(features: row.features, version: row.version, request: .cpuid, environment: "Prescott")
        #expect(auto.coreType == row.core, "auto is the CPUID choice whatever the environment says")
    }

    @Test func reasonsNameTheFeaturesAndRelease() {
        let xeon = OpenBLASCoreChoice.choose(features: Self.xeon207, version: Self.v0321, request: .environment, environment: nil)
        #expect(xeon.reason == "OPENBLAS_CORETYPE unset: from CPUID, AVX-512 F/DQ/BW/VL: SkylakeX kernels (measured faster than Cooperlake's) (OpenBLAS 0.3.21)")
        let old = OpenBLASCoreChoice.choose(features: Self.skylakeX, version: OpenBLASVersion(0, 3, 9), request: .cpuid, environment: "Haswell")
        #expect(old.reason == "--blas-coretype auto instead of OPENBLAS_CORETYPE=Haswell: from CPUID, AVX2+FMA: Haswell kernels (this OpenBLAS cannot select SkylakeX) (OpenBLAS 0.3.9)")
        let unknown = OpenBLASCoreChoice.choose(features: Self.haswell, version: nil, request: .environment, environment: "")
        #expect(unknown.reason == "OPENBLAS_CORETYPE unset: from CPUID, AVX2+FMA: Haswell kernels (OpenBLAS of unknown version, assumed 0.3.21)")
    }

    /// An explicit OPENBLAS_CORETYPE (with the default request) or core name is never replaced, on any CPU,
    /// even by a worse or unknown name: the user decides; the CPUID core is only reported beside it.
    @Test(arguments: rows.map(\.features), ["Prescott", "Haswell", "SkylakeX", "Cooperlake", "NoSuchCore"])
    func explicitChoiceIsNeverOverridden(features: CPUFeatures, name: String) {
        let fromEnvironment = OpenBLASCoreChoice.choose(features: features, version: Self.v0321, request: .environment, environment: name)
        #expect(fromEnvironment.coreType == name)
        #expect(fromEnvironment.isExplicit)
        #expect(fromEnvironment.reason == "OPENBLAS_CORETYPE=\(name) set in the environment (an explicit choice, kept)")
        for environment in [nil, "Haswell", name] {
            let named = OpenBLASCoreChoice.choose(features: features, version: Self.v0321, request: .named(name), environment: environment)
            #expect(named.coreType == name)
            #expect(named.isExplicit)
            #expect(named.reason == "--blas-coretype \(name) (an explicit choice, kept)")
        }
    }

    @Test func openBLASRequestLeavesDetectionToOpenBLAS() {
        let choice = OpenBLASCoreChoice.choose(features: Self.xeon207, version: Self.v0321, request: .openBLAS, environment: "Haswell")
        #expect(choice.coreType == nil)
        #expect(choice.cpuidCore == "SkylakeX")
    }

    @Test func forcibleCoresFollowOpenBLASsForceTable() {
        // OpenBLAS 0.3.21's force_coretype stops one entry short of Cooperlake; 0.3.22 reaches it.
        #expect(!OpenBLASCoreChoice.forcibleCores(version: Self.v0321).contains("Cooperlake"))
        #expect(OpenBLASCoreChoice.forcibleCores(version: OpenBLASVersion(0, 3, 22)).contains("Cooperlake"))
        #expect(!OpenBLASCoreChoice.forcibleCores(version: OpenBLASVersion(0, 3, 28)).contains("SapphireRapids"))
    }

    @Test(arguments: [("env", OpenBLASCoreRequest.environment), ("AUTO", .cpuid), ("openblas", .openBLAS), ("SkylakeX", .named("SkylakeX")),
                      ("Opteron_SSE3", .named("Opteron_SSE3"))])
    func requestsParse(argument: String, request: OpenBLASCoreRequest) {
        #expect(OpenBLASCoreRequest(argument: argument) == request)
    }

    @Test(arguments: ["", "Has well", "../x", "Haswell;rm", String(repeating: "x", count: 21)])
    func badRequestsAreRefused(argument: String) {
        #expect(OpenBLASCoreRequest(argument: argument) == nil)
    }

    @Test(arguments: [("libopenblasp-r0.3.21.so", OpenBLASVersion(0, 3, 21)), ("OpenBLAS 0.3.28.dev DYNAMIC_ARCH", OpenBLASVersion(0, 3, 28)),
                      ("libopenblas64_-r0.3.10.so", OpenBLASVersion(0, 3, 10))])
    func versionsParse(text: String, version: OpenBLASVersion) {
        #expect(OpenBLASVersion(parsing: text) == version)
    }

    @Test func versionlessNamesGiveNil() {
        #expect(OpenBLASVersion(parsing: "libopenblas.so.0") == nil)
        #expect(OpenBLASVersion(parsing: "") == nil)
        #expect(OpenBLASVersion(0, 3, 9) < OpenBLASVersion(0, 3, 10))
    }

    /// The live CPU reading has every feature Linux reports in /proc/cpuinfo (Linux derives its flags from the same
    /// CPUID bits, but may clear some it disables, so only this direction is certain).
    @Test func cpuidAgreesWithProcCPUInfo() throws {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        let features = CPUFeatures.current
        if flags.contains("avx2") { #expect(features.hasUsableAVX2) }
        if flags.isSuperset(of: ["avx512f", "avx512dq", "avx512bw", "avx512vl"]) { #expect(features.hasUsableAVX512) }
        for (flag, bit) in [("avx", CPUFeatures.avx), ("avx2", .avx2), ("fma", .fma), ("avx512f", .avx512f), ("avx512bw", .avx512bw),
                            ("avx512vl", .avx512vl), ("avx512dq", .avx512dq), ("avx512_bf16", .avx512bf16), ("amx_bf16", .amxBF16), ("sse4_2", .sse42)] {
            if flags.contains(flag) { #expect(features.contains(bit), "\(flag)") }
        }
    }
}
