import ArgumentParser
import Foundation
import Tensor

/// `nmt-bench`: the project's benchmarks, printed as a table and as JSON.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nmt-bench",
        abstract: "Measure the tensor core (and, as they land, training and decoding) against references.")

    @Option(help: "Scenarios to run: tensor-core, training, decoding.")
    var scenario: [String] = ["tensor-core"]

    @Option(help: "Model presets for the training scenario.")
    var preset: [String] = ["small"]

    @Option(help: "Thread counts to measure matrix products at.")
    var threads: [Int] = [1, 2]

    @Option(help: "Timed rounds per figure (the median is reported).")
    var rounds = 7

    @Option(help: "Write the JSON report to this file as well as to standard output.")
    var json: String?

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be ≥ 1") }
        guard threads.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--threads values must be ≥ 1") }
        let known = ["tensor-core", "training", "decoding"]
        for s in scenario where !known.contains(s) {
            throw ValidationError("unknown scenario '\(s)'; known: \(known.joined(separator: ", "))")
        }
    }

    func run() throws {
        CPUFeatures.requireAVX2FMA(program: "nmt-bench")
        var rows: [Measurement] = []
        if scenario.contains("tensor-core") {
            for t in threads { rows += TensorCoreBenchmarks.sgemm(threads: t, rounds: rounds) }
            for t in threads { rows += TensorCoreBenchmarks.packed(threads: t, rounds: rounds) }
            rows += TensorCoreBenchmarks.kernels(threads: 1, rounds: rounds)
            if threads.contains(2) { rows += TensorCoreBenchmarks.kernels(threads: 2, rounds: rounds) }
        }
        if scenario.contains("training") {
            // MFU is relative to the sgemm peak measured in this run (the largest shape).
            var peak: [Int: Double] = [:]
            for t in threads {
                peak[t] = TensorCoreBenchmarks.sgemm(threads: t, rounds: rounds).map(\.reference!).max()
            }
            rows += try TrainingBenchmarks.run(presets: preset, threads: threads, rounds: rounds, peak: peak)
        }
        if scenario.contains("decoding") {
            for p in preset { for t in threads { rows += try DecodingBenchmarks.run(preset: p, threads: t, rounds: rounds) } }
        }
        Report.printTable(rows)
        let document = try Report.json(rows, machine: Report.machine())
        print(document)
        if let path = json {
            try Data(document.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }
}

Bench.main()
