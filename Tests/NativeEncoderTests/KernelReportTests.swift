import Foundation
import Testing
@testable import NativeEncoder

/// The kernel report every encoder command prints: exact lines, and warnings exactly when the matrix kernels are
/// far below the CPU or not the ones chosen.
@Suite struct KernelReportTests {
    static let xeon = CPUIdentity(vendor: "GenuineIntel", brand: "Intel(R) Xeon(R) Platinum", family: 6, model: 207)
    static let v0321 = OpenBLASVersion(0, 3, 21)

    func report(_ features: CPUFeatures, _ request: OpenBLASCoreRequest, environment: String?, loaded: String,
                encoder: String = "AVX-512", override: String? = nil) -> KernelReport {
        let choice = OpenBLASCoreChoice.choose(features: features, version: Self.v0321, request: request, environment: environment)
        return KernelReport(identity: Self.xeon, features: features, choice: choice, openBLASCore: loaded, openBLASVersion: Self.v0321,
                            encoderInstructionSet: encoder, encoderOverride: override)
    }

    @Test func cpuidChoiceOnTheIssuesXeon() {
        let r = report(OpenBLASCoreChoiceTests.xeon207, .environment, environment: nil, loaded: "SkylakeX")
        #expect(r.lines == [
            "cpu: Intel(R) Xeon(R) Platinum (GenuineIntel family 6 model 207): SSE4.2 AVX AVX2 FMA AVX-512(F DQ BW VL VNNI BF16 FP16) AMX(TILE BF16)",
            "openblas: SkylakeX kernels (OpenBLAS 0.3.21): OPENBLAS_CORETYPE unset: from CPUID, AVX-512 F/DQ/BW/VL: SkylakeX kernels (measured faster than Cooperlake's) (OpenBLAS 0.3.21)",
            "encoder kernels: AVX-512 (from CPUID)",
        ])
        #expect(r.warnings.isEmpty)
    }

    /// The machine's OPENBLAS_CORETYPE=Haswell on an AVX-512 CPU is kept, and the report says what CPUID would pick;
    /// AVX2 kernels are no warning. The encoder's own kernels follow the CPU or BERTKIT_KERNELS.
    @Test func explicitHaswellIsKeptAndCompared() {
        let r = report(OpenBLASCoreChoiceTests.skylakeX, .environment, environment: "Haswell", loaded: "Haswell", encoder: "AVX2+FMA", override: "avx2")
        #expect(r.lines[1] == "openblas: Haswell kernels (OpenBLAS 0.3.21): OPENBLAS_CORETYPE=Haswell set in the environment (an explicit choice, kept); from CPUID it would be SkylakeX")
        #expect(r.lines[2] == "encoder kernels: AVX2+FMA (BERTKIT_KERNELS=avx2)")
        #expect(r.warnings.isEmpty)
    }

    /// What issue 9 saw: SSE kernels on an AVX-512 CPU.
    @Test func genericKernelsOnAVX512WarnAndNameTheCure() {
        let r = report(OpenBLASCoreChoiceTests.xeon207, .openBLAS, environment: nil, loaded: "Prescott")
        #expect(r.lines[1] == "openblas: Prescott kernels (OpenBLAS 0.3.21): --blas-coretype openblas: OpenBLAS's own detection (its CPU model table); from CPUID it would be SkylakeX")
        #expect(r.warnings == ["warning: OpenBLAS runs generic SSE kernels (Prescott) on a CPU with AVX-512: matrix products run several times slower; unset OPENBLAS_CORETYPE or pass --blas-coretype auto (SkylakeX)"])
    }

    @Test func sandybridgeOnAVX2Warns() {
        let r = report(OpenBLASCoreChoiceTests.haswell, .named("Sandybridge"), environment: nil, loaded: "Sandybridge", encoder: "AVX2+FMA")
        #expect(r.warnings == ["warning: OpenBLAS runs AVX (no FMA) kernels (Sandybridge) on a CPU with AVX2: matrix products run several times slower; unset OPENBLAS_CORETYPE or pass --blas-coretype auto (Haswell)"])
    }

    /// Generic kernels on a CPU without AVX2 are the best there is: no warning.
    @Test func genericKernelsOnOldCPUsAreFine() {
        #expect(report(OpenBLASCoreChoiceTests.nehalem, .environment, environment: nil, loaded: "Nehalem", encoder: "baseline").warnings.isEmpty)
        #expect(report(OpenBLASCoreChoiceTests.zmmDisabled, .environment, environment: nil, loaded: "Haswell").warnings.isEmpty)
    }

    /// A name OpenBLAS did not take (0.3.21 cannot select Cooperlake by name; it falls back to its own detection).
    @Test func ignoredNameWarns() {
        let r = report(OpenBLASCoreChoiceTests.haswell, .named("Cooperlake"), environment: nil, loaded: "Haswell", encoder: "AVX2+FMA")
        #expect(r.warnings == ["warning: OpenBLAS runs Haswell kernels, not Cooperlake as chosen (a name this OpenBLAS does not know or was not built with, or one the CPU cannot run)"])
        #expect(report(OpenBLASCoreChoiceTests.haswell, .named("haswell"), environment: nil, loaded: "Haswell").warnings.isEmpty, "names compare case-insensitively, as OpenBLAS does")
    }

    @Test func featuresTheOSDoesNotEnableAreMarked() {
        #expect(OpenBLASCoreChoiceTests.zmmDisabled.summary == "SSE4.2 AVX AVX2 FMA AVX-512(F DQ BW VL) (not enabled by the OS)")
        #expect(CPUFeatures([]).summary == "no x86 vector features")
    }
}

/// The encoder's own kernel clone: from the features alone (not OpenBLAS), capped by BERTKIT_KERNELS.
@Suite struct EncoderKernelsTests {
    @Test(arguments: [
        (OpenBLASCoreChoiceTests.xeon207, nil, "AVX-512"), (OpenBLASCoreChoiceTests.skylakeX, "avx512", "AVX-512"),
        (OpenBLASCoreChoiceTests.skylakeX, "avx2", "AVX2+FMA"), (OpenBLASCoreChoiceTests.skylakeX, "AVX2", "AVX2+FMA"),
        (OpenBLASCoreChoiceTests.skylakeX, "baseline", "baseline"), (OpenBLASCoreChoiceTests.haswell, nil, "AVX2+FMA"),
        (OpenBLASCoreChoiceTests.haswell, "avx512", "AVX2+FMA"), (OpenBLASCoreChoiceTests.zmmDisabled, nil, "AVX2+FMA"),
        (OpenBLASCoreChoiceTests.ymmDisabled, nil, "baseline"), (OpenBLASCoreChoiceTests.sandyBridge, nil, "baseline"),
        (OpenBLASCoreChoiceTests.avx512FOnly, nil, "AVX2+FMA"),  // the clone needs VL too
    ] as [(CPUFeatures, String?, String)])
    func cloneByFeaturesAndOverride(features: CPUFeatures, override: String?, expected: String) {
        #expect(EncoderKernels.instructionSet(features: features, override: override) == expected)
    }

    @Test func overrideValues() {
        for value in [nil, "", "avx2", "AVX512", "baseline"] { #expect(EncoderKernels.isValidOverride(value)) }
        for value in ["sse", "avx-512", "auto"] { #expect(!EncoderKernels.isValidOverride(value)) }
    }

    /// In this process (BERTKIT_KERNELS unset under `swift test` unless the caller set it), the clone is the
    /// one the CPU's features give, whatever OpenBLAS loaded.
    @Test func liveCloneFollowsTheCPU() {
        let override = ProcessInfo.processInfo.environment[EncoderKernels.overrideVariable]
        #expect(EncoderKernels.instructionSet == EncoderKernels.instructionSet(features: .current, override: override))
    }
}
