// swift-tools-version:6.0
import PackageDescription

// Kernel targets are built for AVX2/FMA (haswell and later) with bounds checks off in
// release builds; binaries check the CPU at start-up (Tensor.CPUFeatures).
let kernelSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"], .when(configuration: .release)),
]

let package = Package(
    name: "nmt",
    products: [
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .executable(name: "bleu", targets: ["bleu"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: System libraries
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),

        // MARK: Tensor core
        .target(
            name: "Tensor",
            dependencies: ["CBLAS"],
            swiftSettings: kernelSettings
        ),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),

        // MARK: Evaluation
        .target(name: "Evaluation"),
        .executableTarget(
            name: "bleu",
            dependencies: [
                "Evaluation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "EvaluationTests",
            // bleu is a dependency so that it is built before the tests run it.
            dependencies: ["Evaluation", "bleu"],
            resources: [.copy("Fixtures")]
        ),

    ],
    swiftLanguageModes: [.v5]
)
