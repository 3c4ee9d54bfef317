// swift-tools-version:6.1
import PackageDescription

// Kernel targets are built for AVX2/FMA (haswell and later) with bounds checks off in
// release builds; executables check the CPU at start-up (Tensor.CPUFeatures).
let kernelSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"], .when(configuration: .release)),
]
// The AVX-512 instantiation of the kernels; its code runs only where CPUID reports
// AVX-512 F/CD/BW/DQ/VL (Tensor.VectorISA).
let avx512KernelSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-target-cpu", "skylake-avx512"], .when(configuration: .release)),
]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "nmt",
    // Libraries for other packages only where they build without unsafe flags (SwiftPM
    // refuses those in a versioned dependency): the tensor core and everything above it
    // are compiled with -Ounchecked and per-ISA target CPUs, so they are not offered.
    products: [
        .executable(name: "nmt", targets: ["nmt"]),
        .executable(name: "bleu", targets: ["bleu"]),
        .library(name: "Tokenizer", targets: ["Tokenizer"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // `nmt serve`. No traits: swift-configuration is not needed (settings come from the
        // command line), and a smaller build keeps CI short.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    ],
    targets: [
        // MARK: System libraries
        // OpenBLAS is not linked: Tensor loads it with dlopen after choosing its CPU core
        // (Tensor/BLAS), because OpenBLAS reads OPENBLAS_CORETYPE only when it loads.
        // Debian's libsentencepiece-dev (C++) behind a plain C header, so Swift needs no
        // C++ interop; pkg-config adds no include path (headers are in /usr/include).
        .target(
            name: "CSentencePiece",
            linkerSettings: [.linkedLibrary("sentencepiece"), .linkedLibrary("sentencepiece_train")]
        ),

        // Debian's Open MPI (libopenmpi-dev) behind plain C functions (mpi.h's handles are
        // macros Swift cannot import); only the Distributed module imports it.
        .systemLibrary(name: "COpenMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),

        // Debian's oneDNN (libdnnl-dev) behind plain C: bf16 products with fp32 accumulation,
        // every dimension given at run time (one JIT-compiled primitive per operand layout).
        .target(name: "COneDNN", linkerSettings: [.linkedLibrary("dnnl")]),
        // bfloat16 rounding and small products with AVX512-BF16 instructions (compiled per
        // function for that target; called only where CPUID reports avx512_bf16).
        .target(name: "CBF16Kernels"),
        // int8 products for decoding: VPDPBUSD (AVX512-VNNI) and an exact VPMADDWD path for
        // every AVX2 CPU, each compiled per function for its target and called where CPUID
        // reports it (Tensor.Int8Path). Optimised in debug builds too: tests run them.
        .target(name: "CInt8Kernels", cSettings: [.unsafeFlags(["-O2"])]),
        // Debian's zlib (zlib1g-dev): gzip-compressed corpora and input files, inflated as
        // they are read (FileIO); a C target only because zlib's init functions are macros.
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),

        // MARK: Kernels
        // One generic source per kernel (Kernels), specialised once per vector width in a
        // module compiled for that instruction set; Tensor picks one at run time.
        // MARK: Basics (depends on nothing): the worker pools and chunked parallel loops every
        // target runs on, and the FNV-1a hash.
        .target(name: "Basics"),

        .target(name: "Kernels", swiftSettings: kernelSettings),
        .target(name: "KernelsAVX2", dependencies: ["Kernels"], swiftSettings: kernelSettings),
        .target(name: "KernelsAVX512", dependencies: ["Kernels"], swiftSettings: avx512KernelSettings),

        // MARK: Tensor core
        .target(name: "Tensor", dependencies: ["Basics", "Kernels", "KernelsAVX2", "KernelsAVX512", "COneDNN", "CBF16Kernels", "CInt8Kernels"], swiftSettings: kernelSettings),
        .testTarget(name: "TensorTests", dependencies: ["Basics", "Tensor", "Kernels", "TestSupport"]),

        // MARK: File I/O
        // Atomic writes and line reading with UTF-8 checks (of plain or gzip-compressed text),
        // for every module that touches files.
        .target(name: "FileIO", dependencies: ["CZlib"]),
        .testTarget(name: "FileIOTests", dependencies: ["FileIO", "TestSupport"]),

        // MARK: Tokenizer
        .target(name: "Tokenizer", dependencies: ["Basics", "CSentencePiece", "FileIO"]),
        // nmt is a dependency so that it is built before the tests run it.
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer", "FileIO", "TestSupport", "nmt"]),

        // MARK: Transformer
        .target(name: "Transformer", dependencies: ["Tensor", "Kernels", "FileIO"], swiftSettings: kernelSettings),
        .testTarget(
            name: "TransformerTests",
            dependencies: ["Transformer", "Tensor", "TestSupport", "MallocCounter"],
            exclude: ["Fixtures"]
        ),

        // MARK: Checkpoints (the read side: model, config, tokenizer; below Training)
        .target(name: "Checkpoints", dependencies: ["FileIO", "Tensor", "Tokenizer", "Transformer"]),

        // MARK: Export
        // Checkpoints as CTranslate2 model directories and Argos Translate packages, written
        // directly (model.bin, JSON, stored zip), with no Python.
        .target(name: "Export", dependencies: ["Checkpoints", "Tensor", "Transformer", "FileIO"]),
        .testTarget(
            name: "ExportTests",
            // nmt is a dependency so that it is built before the tests run it.
            dependencies: ["Export", "Checkpoints", "Training", "Transformer", "Tensor", "TestSupport", "nmt"]
        ),

        // MARK: Import
        // Hugging Face MarianMT (OPUS-MT) directories as checkpoint directories.
        .target(name: "Import", dependencies: ["Checkpoints", "FileIO", "Tokenizer", "Transformer"]),
        .testTarget(
            name: "ImportTests",
            // nmt is a dependency so that it is built before the tests run it.
            dependencies: ["Import", "Checkpoints", "Export", "Tokenizer", "Transformer", "Translation", "Tensor", "TestSupport", "Serving", "nmt"],
            resources: [.copy("Fixtures")]
        ),

        // MARK: Distributed (data-parallel training over MPI; one process without mpirun)
        .target(name: "Distributed", dependencies: ["COpenMPI"]),
        // nmt is a dependency so that it is built before the tests run it under mpirun.
        .testTarget(name: "DistributedTests", dependencies: ["Distributed", "Checkpoints", "Tensor", "Transformer", "TestSupport", "nmt"]),

        // MARK: Training
        .target(
            name: "Training",
            dependencies: ["Basics", "Tensor", "Kernels", "FileIO", "Checkpoints", "Transformer", "Tokenizer", "Distributed", "Yams"],
            swiftSettings: kernelSettings
        ),
        .testTarget(
            name: "TrainingTests",
            // nmt is a dependency so that it is built before the tests run it.
            dependencies: ["Basics", "Training", "Checkpoints", "Plotting", "Tokenizer", "Transformer", "Tensor", "TestSupport", "nmt"],
            exclude: ["Fixtures"]
        ),

        // MARK: Translation
        .target(name: "Translation", dependencies: ["Tensor", "Tokenizer", "Transformer"], swiftSettings: kernelSettings),
        .testTarget(name: "TranslationTests", dependencies: ["Translation", "Transformer", "Tensor", "TestSupport"]),

        // MARK: Serving
        // `nmt serve`: the HTTP server (Hummingbird) over Translation, with a dynamic batcher
        // in front of the one model, LibreTranslate's API, a native API and a page.
        .target(
            name: "Serving",
            dependencies: ["Checkpoints", "Translation", "Tokenizer", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .testTarget(name: "ServingTests", dependencies: ["Serving", "Checkpoints", "Training", "Translation", "TestSupport", "nmt"]),

        // MARK: Plotting (training curves from train.jsonl as SVG, for nmt plot)
        .target(name: "Plotting"),

        // MARK: Evaluation (depends on Basics only, so bleu stays small)
        .target(name: "Evaluation", dependencies: ["Basics"]),
        .testTarget(
            name: "EvaluationTests",
            // bleu is a dependency so that it is built before the tests run it.
            dependencies: ["Evaluation", "TestSupport", "bleu"],
            resources: [.copy("Fixtures")]
        ),

        // MARK: Executables
        .executableTarget(
            name: "nmt",
            dependencies: ["Basics", "FileIO", "Checkpoints", "Distributed", "Export", "Import", "Plotting", "Serving", "Tokenizer", "Training", "Translation", "Transformer", "Tensor",
                           "Evaluation", argumentParser]
        ),
        // FileIO reads gzip-compressed files for bleu (Evaluation itself depends on nothing).
        .executableTarget(name: "bleu", dependencies: ["Evaluation", "FileIO", argumentParser]),

        // MARK: Corpora
        .executableTarget(name: "prepare-bible-corpus"),
        .testTarget(name: "PrepareBibleCorpusTests", dependencies: ["prepare-bible-corpus"]),
        // LibreOffice's help (and interface strings) of two languages, aligned by page and
        // paragraph id: the convergence study's second task and the fine-tuning domain.
        .executableTarget(name: "prepare-libreoffice-corpus", dependencies: ["Basics", "FileIO"]),
        .testTarget(name: "PrepareLibreOfficeCorpusTests", dependencies: ["prepare-libreoffice-corpus"]),

        // MARK: Benchmarks
        .executableTarget(
            name: "nmt-bench",
            dependencies: ["Basics", "Tensor", "Kernels", "Transformer", "Training", "Translation", "Distributed", argumentParser],
            path: "Benchmarks/nmt-bench",
            swiftSettings: kernelSettings
        ),

        // MARK: Fuzzing
        // The parsers of untrusted files as functions of bytes with their properties; nmt-fuzz
        // runs one under libFuzzer (scripts/fuzz.sh) or replays saved inputs.
        .target(name: "FuzzTargets", dependencies: ["FileIO", "Transformer", "Checkpoints", "Training", "Tokenizer", "Evaluation", "Import"]),
        .executableTarget(name: "nmt-fuzz", dependencies: ["FuzzTargets"]),
        .testTarget(
            name: "FuzzTargetsTests",
            dependencies: ["FuzzTargets", "Checkpoints", "Import", "Tokenizer", "Training", "Transformer",
                           .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Corpus")]
        ),

        // MARK: Test support
        // Helpers shared by the test targets: seeded inputs, tolerances, finite differences.
        .target(name: "TestSupport", dependencies: ["Tensor", "Transformer"], path: "Tests/TestSupport"),
        // Counts the calling thread's heap allocations, for the no-allocation tests.
        .target(name: "MallocCounter", path: "Tests/MallocCounter"),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
