// swift-tools-version: 6.1
// BertKit: BERT data pipelines (normalization, WordPiece, encoding, masked-LM data, training) in Swift.
import PackageDescription

let package = Package(
    name: "BertKit",
    // Linux only (Debian/Ubuntu, x86-64): the sources call Glibc directly (LineIO), re-execute through
    // /proc/self/exe and dlopen libopenblas.so.0 (bertkit, COpenBLAS), and link ICU's libicuuc. SwiftPM cannot
    // declare "Linux only"; this line only sets the deployment target a macOS port would start from.
    platforms: [.macOS(.v14)],
    products: [
        // MARK: public libraries
        .library(name: "TextNormalization", targets: ["TextNormalization"]),
        .library(name: "WordPiece", targets: ["WordPiece"]),
        .library(name: "NativeEncoder", targets: ["NativeEncoder"]),
        .library(name: "LineIO", targets: ["LineIO"]),
        .library(name: "InputEncoding", targets: ["InputEncoding"]),
        .library(name: "MaskedLM", targets: ["MaskedLM"]),
        .library(name: "EncoderTraining", targets: ["EncoderTraining"]),
        // MARK: CLI
        .executable(name: "bertkit", targets: ["bertkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: C interop
        // ICU behind plain C functions (C, plus one C++ file for ICU's UTF-8 normalizeUTF8/Edits API): the only
        // place ICU headers are included, since Foundation bundles its own copy of them.
        .target(
            name: "CICUShim",
            // libicu-dev puts its headers on the default path, so linking the two libraries is all it needs.
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icudata")]
        ),

        // utf8proc (system library): its LUMP table folds typographic punctuation for the English profile,
        // and benchmarks compare its NFC with ICU's (ICU is faster, so forms go through ICU).
        .systemLibrary(
            name: "CUTF8Proc",
            // No pkgConfig: libutf8proc.pc adds -DUTF8PROC_EXPORTS, a flag SwiftPM refuses with a warning on every
            // build. The header is on the default include path and the module map links the library itself.
            providers: [.apt(["libutf8proc-dev"])]
        ),
        // zlib (system library): streaming gzip decompression of dataset inputs (`.gz` files).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // OpenBLAS (cblas_sgemm + openblas_* controls) loaded with dlopen on first use, not linked: its pthread
        // build spins worker threads at load, which every subcommand would pay. Installed by Scripts/bootstrap.sh.
        .target(name: "COpenBLAS", linkerSettings: [.linkedLibrary("dl")]),
        // Fused encoder kernels (softmax, LayerNorm, GELU, dropout, AdamW) with per-function AVX2/FMA (attention:
        // also AVX-512) clones chosen at run time, since the package builds for baseline x86-64 and may not use
        // unsafeFlags; the CPUID/XGETBV reading (cpu.c) that both these clones and the OpenBLAS kernel choice use;
        // and CRC-32C with SSE4.2 (crc32c.c) for InputEncoding's TFRecord framing.
        .target(name: "CEncoderKernels"),

        // MARK: public libraries
        // Shared utilities low in the graph: the seedable generator, the processor count, the order-keeping parallel map.
        .target(name: "BertKitSupport"),
        // Streaming line readers/writers with exact error positions, UTF-8 validation, atomic outputs, ordered
        // parallel batches: the I/O every command shares.
        .target(name: "LineIO", dependencies: ["BertKitSupport"]),
        // Unicode forms, language profiles, alignment; the only Swift code that calls ICU (ICU.swift).
        .target(name: "TextNormalization", dependencies: ["CICUShim", "CUTF8Proc"]),
        // Vocabulary, BERT pre-tokenization, LinMaxMatch WordPiece.
        .target(name: "WordPiece", dependencies: ["TextNormalization", "LineIO", "BertKitSupport"]),
        // BERT encoder forward/backward on OpenBLAS, safetensors, config.json; BLAS.swift is its only BLAS caller.
        .target(
            name: "NativeEncoder", dependencies: ["COpenBLAS", "CEncoderKernels", "BertKitSupport", "WordPiece", "InputEncoding", "EncoderTraining"],
            exclude: ["README.md"]),
        // Model inputs: [CLS]/[SEP] templates, truncation, padding, windows, offsets, decode; tokenizer.json;
        // dataset readers (CSV, TSV, JSONL, lines, class folders) and writers (JSONL, safetensors, NPY, TFRecord).
        // CEncoderKernels for its SSE4.2 CRC-32C (TFRecord framing).
        .target(
            name: "InputEncoding",
            dependencies: ["WordPiece", "TextNormalization", "LineIO", "BertKitSupport", "CZlib", "CEncoderKernels"]),
        // Masked-LM pretraining instances (Google's create_pretraining_data.py, reproduced draw for draw with
        // PythonRandom) and their TFRecord writer (InputEncoding's framing). No BLAS.
        .target(name: "MaskedLM", dependencies: ["InputEncoding", "WordPiece", "TextNormalization", "LineIO", "BertKitSupport"]),
        // Fine-tuning without BLAS: the EncoderTrainer protocol that backends implement, the training loop,
        // optimizer settings and schedules, metrics, checkpoints and reports. NativeEncoder implements it.
        .target(name: "EncoderTraining", dependencies: ["WordPiece", "InputEncoding", "LineIO", "BertKitSupport"]),

        // MARK: CLI
        .executableTarget(
            name: "bertkit",
            dependencies: [
                "TextNormalization", "WordPiece", "InputEncoding", "MaskedLM", "NativeEncoder", "EncoderTraining", "LineIO",
                "BertKitSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: fuzzing
        // libFuzzer's driver entry point, declared for bertkit-fuzz (defined by the runtime -sanitize=fuzzer links).
        .target(name: "CLibFuzzer"),
        // The fuzzing harnesses: loaders, readers and transforms fed arbitrary bytes, invariants as preconditions.
        .target(
            name: "BertKitFuzzing",
            dependencies: ["InputEncoding", "NativeEncoder", "WordPiece", "TextNormalization", "LineIO", "BertKitSupport"]),
        // Runs the harnesses: replay, a built-in mutator, or libFuzzer when built by Scripts/fuzz.sh.
        .executableTarget(name: "bertkit-fuzz", dependencies: ["BertKitFuzzing", "CLibFuzzer"]),

        // MARK: tests
        // The one skip policy for tests that need fetched assets (`.requires(...)`), and the repository root.
        .target(name: "BertKitTestSupport", path: "Tests/BertKitTestSupport"),
        .testTarget(name: "TextNormalizationTests", dependencies: ["TextNormalization", "BertKitTestSupport"]),
        .testTarget(name: "WordPieceTests", dependencies: ["WordPiece", "BertKitSupport", "BertKitTestSupport"]),
        // Parity with PyTorch goldens in Fixtures/encoder (forward, autograd samples) and safetensors checks.
        .testTarget(name: "NativeEncoderTests", dependencies: ["NativeEncoder", "EncoderTraining", "BertKitSupport", "BertKitTestSupport"]),
        .testTarget(name: "LineIOTests", dependencies: ["LineIO"]),
        .testTarget(name: "EncoderTrainingTests", dependencies: ["EncoderTraining", "InputEncoding", "TextNormalization", "BertKitSupport", "BertKitTestSupport"]),
        // PythonRandom against CPython's streams (Fixtures/random).
        .testTarget(name: "BertKitSupportTests", dependencies: ["BertKitSupport"]),
        .testTarget(name: "InputEncodingTests", dependencies: ["InputEncoding", "BertKitSupport", "CEncoderKernels", "BertKitTestSupport"]),
        // Google-exact instances against Fixtures/pretraining goldens made by Google's own script.
        .testTarget(name: "MaskedLMTests", dependencies: ["MaskedLM", "InputEncoding", "WordPiece", "BertKitSupport", "BertKitTestSupport"]),
        // Each fuzzing harness over its seeds, the committed crash reproducers and seeded mutations.
        .testTarget(name: "BertKitFuzzingTests", dependencies: ["BertKitFuzzing", "BertKitTestSupport"]),
        // Runs the built `bertkit` binary end to end.
        .testTarget(name: "BertKitCLITests", dependencies: ["bertkit", "BertKitTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
