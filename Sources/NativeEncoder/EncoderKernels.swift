import CEncoderKernels

/// Which clone of the encoder's own C kernels (`CEncoderKernels`: attention, GELU, LayerNorm, dropout, AdamW) runs.
///
/// Chosen once from CPUID (`bk_cpu_level`), independently of the kernels OpenBLAS runs: with the machine's
/// `OPENBLAS_CORETYPE=Haswell` on an AVX-512 CPU, the attention kernels still take their AVX-512 clone. The
/// environment variable `BERTKIT_KERNELS` caps the choice (`avx2` forces the AVX2+FMA clones, `baseline` the
/// plain x86-64 ones, `avx512` is no cap), for tests and comparisons; it is read once, at the first kernel call.
public enum EncoderKernels {
    /// The environment variable that caps the clone.
    public static let overrideVariable = "BERTKIT_KERNELS"
    /// Its accepted values (case-insensitive).
    public static let overrideValues = ["avx512", "avx2", "baseline"]

    /// The instruction set the kernels run in this process: "AVX-512", "AVX2+FMA" or "baseline".
    public static var instructionSet: String { String(cString: bk_attention_isa(1)) }

    /// The instruction set for a feature set and an override value, as `bk_cpu_level` decides it (pure).
    public static func instructionSet(features: CPUFeatures, override: String?) -> String {
        let level = override.map { bk_kernel_level(features.rawValue, $0) } ?? bk_kernel_level(features.rawValue, nil)
        return ["baseline", "AVX2+FMA", "AVX-512"][Int(max(0, min(2, level)))]
    }

    /// Whether a value of `BERTKIT_KERNELS` is one of `overrideValues` (unset or empty counts as valid: no cap).
    public static func isValidOverride(_ value: String?) -> Bool {
        guard let value, !value.isEmpty else { return true }
        return overrideValues.contains(value.lowercased())
    }
}
