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
        .executableTarget(
            name: "normalization-bench",
            dependencies: [.product(name: "TextNormalization", package: rootFolder)]
        )
    ],
    swiftLanguageModes: [.v6]
)
