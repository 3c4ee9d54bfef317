// swift-tools-version:6.0
import PackageDescription

// Kernel targets are built for AVX2/FMA (haswell and later) with bounds checks off in
// release builds; executables check the CPU at start-up (Tensor.CPUFeatures).
let kernelSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"], .when(configuration: .release)),
]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "nmt",
    products: [
        .executable(name: "nmt", targets: ["nmt"]),
        .executable(name: "bleu", targets: ["bleu"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "Tokenizer", targets: ["Tokenizer"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // MARK: System libraries
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Debian's libsentencepiece-dev (C++) behind a plain C header, so Swift needs no
        // C++ interop; pkg-config adds no include path (headers are in /usr/include).
        .target(
            name: "CSentencePiece",
            linkerSettings: [.linkedLibrary("sentencepiece"), .linkedLibrary("sentencepiece_train")]
        ),

        // MARK: Tensor core
        .target(name: "Tensor", dependencies: ["CBLAS"], swiftSettings: kernelSettings),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),

        // MARK: Tokenizer
        .target(name: "Tokenizer", dependencies: ["CSentencePiece"]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer"]),

        // MARK: Transformer
        .target(name: "Transformer", dependencies: ["Tensor"], swiftSettings: kernelSettings),
        .testTarget(
            name: "TransformerTests",
            dependencies: ["Transformer", "Tensor", "TestSupport", "MallocCounter"],
            exclude: ["Fixtures"]
        ),

        // MARK: Training
        .target(
            name: "Training",
            dependencies: ["Tensor", "Transformer", "Tokenizer", "Yams"],
            swiftSettings: kernelSettings
        ),
        .testTarget(
            name: "TrainingTests",
            // nmt is a dependency so that it is built before the tests run it.
            dependencies: ["Training", "Transformer", "Tensor", "TestSupport", "nmt"],
            exclude: ["Fixtures"]
        ),

        // MARK: Translation
        .target(name: "Translation", dependencies: ["Tensor", "Transformer"], swiftSettings: kernelSettings),
        .testTarget(name: "TranslationTests", dependencies: ["Translation", "Transformer", "Tensor", "TestSupport"]),

        // MARK: Evaluation (depends on no other target of the project)
        .target(name: "Evaluation"),
        .testTarget(
            name: "EvaluationTests",
            // bleu is a dependency so that it is built before the tests run it.
            dependencies: ["Evaluation", "bleu"],
            resources: [.copy("Fixtures")]
        ),

        // MARK: Executables
        .executableTarget(
            name: "nmt",
            dependencies: ["Tokenizer", "Training", "Translation", "Transformer", "Tensor", "Evaluation", argumentParser]
        ),
        .executableTarget(name: "bleu", dependencies: ["Evaluation", argumentParser]),

        // MARK: Corpora
        .executableTarget(name: "prepare-bible-corpus"),
        .testTarget(name: "PrepareBibleCorpusTests", dependencies: ["prepare-bible-corpus"]),

        // MARK: Benchmarks
        .executableTarget(
            name: "nmt-bench",
            dependencies: ["Tensor", "CBLAS", "Transformer", "Training", "Translation", argumentParser],
            path: "Benchmarks/nmt-bench",
            swiftSettings: kernelSettings
        ),

        // MARK: Test support
        // Helpers shared by the test targets: seeded inputs, tolerances, finite differences.
        .target(name: "TestSupport", dependencies: ["Tensor", "Transformer"], path: "Tests/TestSupport"),
        // Counts the calling thread's heap allocations, for the no-allocation tests.
        .target(name: "MallocCounter", path: "Tests/MallocCounter"),
    ],
    swiftLanguageModes: [.v5],
    cxxLanguageStandard: .cxx17
)
