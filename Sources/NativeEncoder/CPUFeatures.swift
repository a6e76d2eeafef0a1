import CEncoderKernels

/// The x86 features that decide which matrix and encoder kernels can run, as CPUID and XGETBV report them
/// (read once by `CEncoderKernels/cpu.c`), plus whether the operating system saves the wider registers.
///
/// A value type so that the kernel choice (`OpenBLASCoreChoice`) is a pure function of it and tests can
/// build any CPU: `CPUFeatures([.avx, .avx2, .fma, .osYMM])` is a Haswell-class machine.
public struct CPUFeatures: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    private init<T: BinaryInteger>(_ bit: T) { rawValue = UInt64(bit) }

    /// SSE2 (every x86-64 CPU).
    public static let sse2 = CPUFeatures(BK_CPU_SSE2)
    /// SSE3.
    public static let sse3 = CPUFeatures(BK_CPU_SSE3)
    /// SSSE3.
    public static let ssse3 = CPUFeatures(BK_CPU_SSSE3)
    /// SSE4.1.
    public static let sse41 = CPUFeatures(BK_CPU_SSE41)
    /// SSE4.2.
    public static let sse42 = CPUFeatures(BK_CPU_SSE42)
    /// AVX (256-bit float vectors).
    public static let avx = CPUFeatures(BK_CPU_AVX)
    /// FMA3 fused multiply-add.
    public static let fma = CPUFeatures(BK_CPU_FMA)
    /// AVX2.
    public static let avx2 = CPUFeatures(BK_CPU_AVX2)
    /// AVX-512 Foundation.
    public static let avx512f = CPUFeatures(BK_CPU_AVX512F)
    /// AVX-512 doubleword and quadword instructions.
    public static let avx512dq = CPUFeatures(BK_CPU_AVX512DQ)
    /// AVX-512 byte and word instructions.
    public static let avx512bw = CPUFeatures(BK_CPU_AVX512BW)
    /// AVX-512 vector length extensions (the same instructions on 128 and 256 bits).
    public static let avx512vl = CPUFeatures(BK_CPU_AVX512VL)
    /// AVX-512 VNNI (int8/int16 dot products).
    public static let avx512vnni = CPUFeatures(BK_CPU_AVX512VNNI)
    /// AVX512-BF16 (bfloat16 dot products).
    public static let avx512bf16 = CPUFeatures(BK_CPU_AVX512BF16)
    /// AVX512-FP16.
    public static let avx512fp16 = CPUFeatures(BK_CPU_AVX512FP16)
    /// AMX tiles.
    public static let amxTile = CPUFeatures(BK_CPU_AMXTILE)
    /// AMX bfloat16 tile products.
    public static let amxBF16 = CPUFeatures(BK_CPU_AMXBF16)
    /// The operating system saves the YMM registers (XCR0 bits 1-2): AVX and AVX2 may run.
    public static let osYMM = CPUFeatures(BK_CPU_OS_YMM)
    /// The operating system saves the ZMM and mask registers (XCR0 bits 5-7): AVX-512 may run.
    public static let osZMM = CPUFeatures(BK_CPU_OS_ZMM)
    /// The operating system enables the AMX tile state (XCR0 bits 17-18).
    public static let osAMX = CPUFeatures(BK_CPU_OS_AMX)

    /// The features of the CPU this process runs on.
    public static var current: CPUFeatures { CPUFeatures(rawValue: bk_cpu_features()) }

    /// AVX with the OS's support.
    public var hasUsableAVX: Bool { isSuperset(of: [.avx, .osYMM]) }
    /// AVX2 and FMA with the OS's support: what OpenBLAS's Haswell kernels and the encoder's AVX2 clones need.
    public var hasUsableAVX2: Bool { isSuperset(of: [.avx, .avx2, .fma, .osYMM]) }
    /// AVX-512 F, DQ, BW and VL with the OS's support: what OpenBLAS's SkylakeX kernels need.
    public var hasUsableAVX512: Bool { hasUsableAVX2 && isSuperset(of: [.avx512f, .avx512dq, .avx512bw, .avx512vl, .osZMM]) }

    /// The features in words, widest last, e.g. "SSE4.2 AVX AVX2 FMA AVX-512(F DQ BW VL) AVX512-BF16"; features the
    /// CPU has but the OS does not enable are marked "(not enabled by the OS)".
    public var summary: String {
        var words: [String] = []
        let sse: [(CPUFeatures, String)] = [(.sse42, "SSE4.2"), (.sse41, "SSE4.1"), (.ssse3, "SSSE3"), (.sse3, "SSE3"), (.sse2, "SSE2")]
        if let best = sse.first(where: { contains($0.0) }) { words.append(best.1) }
        let ymmOff = contains(.osYMM) ? "" : " (not enabled by the OS)"
        for (bit, name) in [(CPUFeatures.avx, "AVX"), (.avx2, "AVX2"), (.fma, "FMA")] where contains(bit) { words.append(name + ymmOff) }
        let parts = [(CPUFeatures.avx512f, "F"), (.avx512dq, "DQ"), (.avx512bw, "BW"), (.avx512vl, "VL"), (.avx512vnni, "VNNI"),
                     (.avx512bf16, "BF16"), (.avx512fp16, "FP16")].filter { contains($0.0) }.map(\.1)
        if !parts.isEmpty { words.append("AVX-512(\(parts.joined(separator: " ")))" + (contains(.osZMM) ? "" : " (not enabled by the OS)")) }
        let amx = [(CPUFeatures.amxTile, "TILE"), (.amxBF16, "BF16")].filter { contains($0.0) }.map(\.1)
        if !amx.isEmpty { words.append("AMX(\(amx.joined(separator: " ")))" + (contains(.osAMX) ? "" : " (not enabled by the OS)")) }
        return words.isEmpty ? "no x86 vector features" : words.joined(separator: " ")
    }
}

/// Who the CPU says it is (CPUID vendor, brand string, display family and model), for reports.
public struct CPUIdentity: Sendable, Hashable {
    /// E.g. "GenuineIntel", "AuthenticAMD"; empty off x86.
    public var vendor: String
    /// The brand string, e.g. "AMD EPYC"; empty when the CPU has none.
    public var brand: String
    /// Display family (base + extended) and model (base + extended).
    public var family: Int, model: Int

    /// The CPU this process runs on.
    public static var current: CPUIdentity {
        var vendor = [CChar](repeating: 0, count: 16), brand = [CChar](repeating: 0, count: 64)
        var family: Int32 = 0, model: Int32 = 0
        bk_cpu_identity(&vendor, &brand, &family, &model)
        func text(_ chars: [CChar]) -> String {
            String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        return CPUIdentity(vendor: text(vendor), brand: text(brand), family: Int(family), model: Int(model))
    }

    /// E.g. "AMD EPYC (AuthenticAMD family 25 model 17)".
    public var description: String {
        let name = brand.isEmpty ? "unknown CPU" : brand
        return vendor.isEmpty ? name : "\(name) (\(vendor) family \(family) model \(model))"
    }
}
