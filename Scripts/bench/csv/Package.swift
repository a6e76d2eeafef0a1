// swift-tools-version: 6.1
// Not part of the BertKit build: BertKit's CSV reader against SwiftCSV and yaslab/CSV.swift on the same file.
import PackageDescription
let package = Package(
    name: "csvbench",
    dependencies: [
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
        .target(name: "BertKitCSV", dependencies: ["CZlib"]),
        .executableTarget(name: "csvbench", dependencies: [
            "BertKitCSV",
            .product(name: "CSV", package: "CSV.swift"),
            .product(name: "SwiftCSV", package: "SwiftCSV"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
