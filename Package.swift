// swift-tools-version: 6.1
// BertKit: BERT data pipelines (normalization, WordPiece, encoding, masked-LM data, training) in Swift.
import PackageDescription

let package = Package(
    name: "BertKit",
    platforms: [.macOS(.v14)],
    products: [
        // MARK: public libraries
        .library(name: "TextNormalization", targets: ["TextNormalization"]),
        .library(name: "WordPiece", targets: ["WordPiece"]),
        .library(name: "InputEncoding", targets: ["InputEncoding"]),
        // MARK: CLI
        .executable(name: "bertkit", targets: ["bertkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: C interop
        // ICU behind plain C functions: the only place ICU headers are included (Foundation bundles its own).
        .target(
            name: "CICUShim",
            // pkg-config would also work, but icu-uc's .pc file is enough here and always present with libicu-dev.
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icudata")]
        ),

        // MARK: public libraries
        // Unicode forms, language profiles, alignment; the only Swift code that calls ICU (ICU.swift).
        .target(name: "TextNormalization", dependencies: ["CICUShim"]),
        // Vocabulary, BERT pre-tokenization, LinMaxMatch WordPiece.
        .target(name: "WordPiece", dependencies: ["TextNormalization"]),
        // Streaming line readers/writers with exact error positions, atomic outputs, ordered parallel batches.
        .target(name: "InputEncoding", dependencies: ["WordPiece"]),

        // MARK: CLI
        .executableTarget(
            name: "bertkit",
            dependencies: [
                "TextNormalization", "WordPiece", "InputEncoding",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: tests
        .testTarget(name: "TextNormalizationTests", dependencies: ["TextNormalization"]),
        .testTarget(name: "WordPieceTests", dependencies: ["WordPiece"]),
        .testTarget(name: "InputEncodingTests", dependencies: ["InputEncoding"]),
        // Runs the built `bertkit` binary end to end.
        .testTarget(name: "BertKitCLITests", dependencies: ["bertkit"]),
    ],
    swiftLanguageModes: [.v6]
)
