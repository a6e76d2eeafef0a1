// swift-tools-version: 6.1
// Throughput of BertKit's normalizers through the Swift API, outside the main package so that `swift build`
// and CI never compile it. Run by Scripts/bench/normalize.sh.
import Foundation
import PackageDescription

// A path dependency is named after its folder, which differs between checkouts (main, worktrees).
let rootFolder = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "NormalizationBench",
    dependencies: [.package(path: "../..")],
    targets: [
        // utf8proc for the utf8proc-NFC peer (BertKit keeps its own wrapper internal).
        .systemLibrary(name: "CUTF8ProcBench", path: "Sources/CUTF8ProcBench"),
        .executableTarget(
            name: "normalization-bench",
            dependencies: [.product(name: "TextNormalization", package: rootFolder), "CUTF8ProcBench"]
        )
    ],
    swiftLanguageModes: [.v6]
)
