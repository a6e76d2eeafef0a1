// swift-tools-version: 6.1
// Cost of NativeClassifierTrainer's steps (the overwriting first micro-batch, an accumulating one, clipping, the
// AdamW update) through the public API, outside the main package so that `swift build` and CI never compile it.
// Run by Scripts/bench/classifier-step.sh.
import Foundation
import PackageDescription

// A path dependency is named after its folder, which differs between checkouts (main, worktrees).
let rootFolder = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "ClassifierStepBench",
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(
            name: "classifier-step-bench",
            dependencies: [.product(name: "NativeEncoder", package: rootFolder), .product(name: "EncoderTraining", package: rootFolder)]
        )
    ],
    swiftLanguageModes: [.v6]
)
