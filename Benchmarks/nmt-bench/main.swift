import Basics
import ArgumentParser
import Foundation
import Tensor

/// `nmt-bench`: the project's benchmarks, printed as a table and as JSON.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nmt-bench",
        abstract: "Measure the tensor core (and, as they land, training and decoding) against references.")

    @Option(help: "Scenarios to run: tensor-core, cores, paths, training, decoding; allreduce alone, under mpirun.")
    var scenario: [String] = ["tensor-core"]

    @Option(help: "Model presets for the training scenario.")
    var preset: [String] = ["small"]

    @Option(help: "Thread counts to measure matrix products at.")
    var threads: [Int] = [1, 2]

    @Option(help: "Timed rounds per figure (the median is reported).")
    var rounds = 7

    @Option(help: "Kernel paths to measure training and decoding on (default: every path this CPU supports).")
    var isa: [String] = []

    @Option(help: "Write the JSON report to this file as well as to standard output.")
    var json: String?

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be ≥ 1") }
        guard threads.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--threads values must be ≥ 1") }
        let known = ["tensor-core", "cores", "paths", "training", "decoding", "sgemm-peak", "allreduce"]
        for s in scenario where !known.contains(s) {
            throw ValidationError("unknown scenario '\(s)'; known: \(known.joined(separator: ", "))")
        }
        for name in isa {
            guard let path = VectorISA(rawValue: name), VectorISA.supported.contains(path) else {
                throw ValidationError("--isa \(name): this CPU supports \(VectorISA.supported.map(\.rawValue).joined(separator: ", "))")
            }
        }
    }

    func run() throws {
        do { try Runtime.prepare() } catch {
            FileHandle.standardError.write(Data("nmt-bench: error: \(error.localizedDescription)\n".utf8))
            throw ExitCode(error is MachineUnavailable ? ExitStatus.unavailable : ExitStatus.usage)
        }
        if scenario == ["allreduce"] {
            // Every rank takes part; rank 0 prints.
            let rows = try AllReduceBenchmarks.run(presets: preset, rounds: rounds)
            for row in rows {
                print(String(format: "allreduce %@: %d parameters, %.1f MB, %d ranks: median %.2f ms, bus %.2f GB/s",
                             row.preset, row.parameters, Double(row.bytes) / 1e6, row.ranks, row.medianMilliseconds,
                             row.busGigabytesPerSecond))
            }
            if !rows.isEmpty {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                let document = String(decoding: try encoder.encode(rows), as: UTF8.self)
                print(document)
                if let path = json { try Data(document.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) }
            }
            return
        }
        if scenario == ["sgemm-peak"] {
            // A child of the cores scenario: one figure for this process's OpenBLAS core.
            print(try Report.json(threads.map { CoreBenchmarks.peakOfThisProcess(threads: $0, rounds: rounds) },
                                  machine: [:]))
            return
        }
        let paths = isa.isEmpty ? VectorISA.supported : isa.compactMap(VectorISA.init(rawValue:))
        var rows: [Measurement] = []
        if scenario.contains("tensor-core") {
            for t in threads { rows += TensorCoreBenchmarks.sgemm(threads: t, rounds: rounds) }
            for t in threads { rows += TensorCoreBenchmarks.packed(threads: t, rounds: rounds) }
            rows += TensorCoreBenchmarks.kernels(threads: 1, rounds: rounds)
            if threads.contains(2) { rows += TensorCoreBenchmarks.kernels(threads: 2, rounds: rounds) }
        }
        // MFU is relative to the best OpenBLAS core's sgemm peak (child processes, one per
        // core) when the cores scenario runs, else to this process's core.
        var peak: [Int: Double] = [:], bf16Peak: [Int: Double] = [:]
        if scenario.contains("cores") {
            let cores = try CoreBenchmarks.run(threads: threads, rounds: rounds)
            rows += cores.rows
            peak = cores.best
            bf16Peak = cores.bestBF16
        }
        if scenario.contains("paths") {
            for t in threads { rows += PathBenchmarks.run(threads: t, rounds: rounds) }
        }
        if scenario.contains("training") {
            for t in threads where peak[t] == nil {
                peak[t] = TensorCoreBenchmarks.sgemm(threads: t, rounds: rounds).map(\.reference!).max()
            }
            for path in paths {
                VectorISA.use(path)
                rows += try TrainingBenchmarks.run(presets: preset, threads: threads, rounds: rounds, peak: peak, bf16Peak: bf16Peak)
                    .map { $0.onPath(path) }
            }
        }
        if scenario.contains("decoding") {
            for path in paths {
                VectorISA.use(path)
                for p in preset {
                    for t in threads { rows += try DecodingBenchmarks.run(preset: p, threads: t, rounds: rounds).map { $0.onPath(path) } }
                }
            }
        }
        VectorISA.use(VectorISA.supported.last!)
        Report.printTable(rows)
        let document = try Report.json(rows, machine: Report.machine())
        print(document)
        if let path = json {
            try Data(document.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }
}

Bench.main()
