import Foundation
import Tensor

/// sgemm peak of every OpenBLAS core this CPU can run: one child process per core
/// (OPENBLAS_CORETYPE is read when OpenBLAS loads), each timing the largest product of
/// the tensor-core scenario threaded by OpenBLAS itself. The best core's figure is what
/// MFU is measured against, and what `MatMul` with the automatically chosen core must
/// reach (≥ 0.95×).
enum CoreBenchmarks {
    /// Every core worth forcing on this CPU, with "" for OpenBLAS's own choice.
    static var candidates: [String] {
        let level = OpenBLASCores.level(of: .current)
        return [""] + ["SANDYBRIDGE", "HASWELL", "ZEN", "SKYLAKEX", "COOPERLAKE"].filter { core in
            OpenBLASCores.level(ofCore: core)! <= level && (core != "COOPERLAKE" || CPUFeatures.current.hasAVX512BF16)
        }
    }

    static let shape = TensorCoreBenchmarks.gemmShapes.last!

    /// In a child process: GFLOP/s of the direct OpenBLAS-threaded product with this
    /// process's core.
    static func peakOfThisProcess(threads: Int, rounds: Int) -> Measurement {
        let rate = gigaflops(threads: threads, rounds: rounds) { a, b, c in
            OpenBLAS.library.multiplyThreadedByOpenBLAS(m: shape.m, n: shape.n, k: shape.k, a: a.data, b: b.data, c: c.data,
                                                       threads: threads)
        }
        return Measurement(scenario: "cores", name: OpenBLAS.library.coreName, threads: threads, value: rate, unit: "GFLOP/s")
    }

    /// GFLOP/s of `multiply` on `shape`'s operands (median of `rounds`) at `threads` threads.
    private static func gigaflops(threads: Int, rounds: Int, _ multiply: @escaping (Tensor, Tensor, Tensor) -> Void) -> Double {
        Threads.set(threads)
        let a = TensorCoreBenchmarks.filled(Shape(shape.m, shape.k)), b = TensorCoreBenchmarks.filled(Shape(shape.k, shape.n))
        let c = TensorStorage(Shape(shape.m, shape.n))
        let seconds = Timing.medians([{ multiply(a.tensor, b.tensor, c.tensor) }], rounds: rounds, callsPerRound: 3)[0]
        return 2.0 * Double(shape.m * shape.k * shape.n) / seconds / 1e9
    }

    /// One row per core and thread count, plus MatMul (this process's core, our threads)
    /// against the best core. Returns the rows and the best peak per thread count.
    /// Where the CPU multiplies bf16 natively, also the bf16 product peak (`MatMul` in a
    /// bf16 pass: operands rounded, oneDNN with fp32 accumulation) on the same shape, which
    /// bf16 training's MFU is measured against (`bestBF16`).
    static func run(threads: [Int], rounds: Int) throws -> (rows: [Measurement], best: [Int: Double], bestBF16: [Int: Double]) {
        var rows: [Measurement] = [], best: [Int: Double] = [:], bestBF16: [Int: Double] = [:]
        for t in threads {
            for core in candidates {
                var row = try child(core: core, threads: t, rounds: rounds)
                row.name = "sgemm \(shape.m)x\(shape.k)·\(shape.k)x\(shape.n) OPENBLAS_CORETYPE=\(core.isEmpty ? "(unset)" : core) → \(row.name)"
                best[t] = max(best[t] ?? 0, row.value)
                rows.append(row)
            }
            let ours = gigaflops(threads: t, rounds: rounds) { a, b, c in MatMul.multiply(a, b, into: c) }
            rows.append(Measurement(scenario: "cores", name: "MatMul with \(OpenBLAS.library.coreName) ÷ best core", threads: t,
                                    value: ours, unit: "GFLOP/s", reference: best[t], ratio: ours / best[t]!,
                                    target: "≥ 0.95", meetsTarget: ours / best[t]! >= 0.95))
            if CPUFeatures.current.multipliesBF16Natively {
                let ws = Workspace()
                ws.products = .bf16(weights: nil)
                let rate = gigaflops(threads: t, rounds: rounds) { a, b, c in
                    ws.reset()
                    MatMul.multiply(a, b, into: c, in: ws)
                }
                bestBF16[t] = rate
                rows.append(Measurement(scenario: "cores", name: "bf16 MatMul (\(BF16Engine.summary)) ÷ best fp32 core", threads: t,
                                        value: rate, unit: "GFLOP/s", reference: best[t], ratio: rate / best[t]!))
            }
        }
        return (rows, best, bestBF16)
    }

    private static func child(core: String, threads: Int, rounds: Int) throws -> Measurement {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        process.arguments = ["--scenario", "sgemm-peak", "--threads", String(threads), "--rounds", String(rounds)]
        var environment = ProcessInfo.processInfo.environment
        environment[OpenBLAS.coreVariable] = core.isEmpty ? nil : core
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct Document: Decodable { var measurements: [Measurement] }
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0, let start = text.firstIndex(of: "{"),
              let row = try JSONDecoder().decode(Document.self, from: Data(text[start...].utf8)).measurements.first else {
            throw ValidationErrorText("the sgemm-peak child for OPENBLAS_CORETYPE=\(core) failed: \(text)")
        }
        return row
    }

    struct ValidationErrorText: Error, CustomStringConvertible {
        let description: String
        init(_ text: String) { description = text }
    }
}
