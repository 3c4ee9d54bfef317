import Foundation
import Tensor
import Training

/// The kernel paths side by side: each kernel on the AVX-512 path against the same kernel
/// on the AVX2 path, alternating A B A B in one process (ratio = AVX2 time ÷ AVX-512 time,
/// so > 1 means the wide path is faster).
enum PathBenchmarks {
    static func run(threads: Int, rounds: Int) -> [Measurement] {
        guard VectorISA.supported.contains(.avx512) else { return [] }
        Threads.set(threads)
        defer { VectorISA.use(VectorISA.supported.last!) }
        var rows: [Measurement] = []
        for shape in TensorCoreBenchmarks.packedShapes {
            let x = TensorCoreBenchmarks.filled(Shape(shape.m, shape.k)), w = TensorCoreBenchmarks.filled(Shape(shape.n, shape.k))
            let bias = TensorCoreBenchmarks.filled(Shape(shape.n)), y = TensorStorage(Shape(shape.m, shape.n))
            let wide = PackedMatrix(w.tensor, isa: .avx512), narrow = PackedMatrix(w.tensor, isa: .avx2)
            let times = Timing.medians([
                { PackedMatMul.multiply(x.tensor, wide, bias: bias.tensor, into: y.tensor) },
                { PackedMatMul.multiply(x.tensor, narrow, bias: bias.tensor, into: y.tensor) },
            ], rounds: rounds, callsPerRound: 20)
            let gflops = 2.0 * Double(shape.m * shape.k * shape.n) / times[0] / 1e9
            rows.append(Measurement(scenario: "paths", name: "packed \(shape.m)x\(shape.k)·(\(shape.n)x\(shape.k))ᵀ+b GFLOP/s",
                                    threads: threads, value: gflops, unit: "GFLOP/s [avx512]",
                                    reference: gflops * times[0] / times[1], ratio: times[1] / times[0],
                                    target: "≥ 1.5 × avx2", meetsTarget: times[1] / times[0] >= 1.5))
        }
        rows += criterion(threads: threads, rounds: rounds)
        rows += kernels(threads: threads, rounds: rounds)
        return rows
    }

    /// The criterion pass (loss and gradient in place) over 4096 × 8000 logits.
    static func criterion(threads: Int, rounds: Int) -> [Measurement] {
        let rows = 4096, vocab = 8000
        let source = TensorCoreBenchmarks.filled(Shape(rows, vocab)), logits = TensorStorage(Shape(rows, vocab))
        var rng = SeededGenerator(seed: 5)
        let targets = (0..<rows).map { _ in Int32(4 + rng.next() % UInt64(vocab - 4)) }
        var out: [Measurement] = []
        for (name, criterion) in [("labo", Criterion.labo(alpha: 0.1, tau: 2)), ("label smoothing", .labelSmoothed(alpha: 0.1))] {
            let pass = { (isa: VectorISA) in
                {
                    VectorISA.use(isa)
                    logits.tensor.copy(from: source.tensor)
                    _ = criterion.evaluate(logits: logits.tensor, targets: targets, padID: 0)
                }
            }
            let copy = Timing.medians([{ logits.tensor.copy(from: source.tensor) }], rounds: rounds, callsPerRound: 3)[0]
            let times = Timing.medians([pass(.avx512), pass(.avx2)], rounds: rounds, callsPerRound: 3).map { $0 - copy }
            out.append(Measurement(scenario: "paths", name: "criterion \(name) 4096x8000 ms", threads: threads,
                                   value: times[0] * 1e3, unit: "ms [avx512]", reference: times[1] * 1e3,
                                   ratio: times[1] / times[0], target: "≥ 1.4 × avx2", meetsTarget: times[1] / times[0] >= 1.4))
        }
        return out
    }

    /// The activation kernels of the tensor-core scenario on both paths.
    static func kernels(threads: Int, rounds: Int) -> [Measurement] {
        TensorCoreBenchmarks.kernelCases().map { name, body in
            let times = Timing.medians([{ VectorISA.use(.avx512); body() }, { VectorISA.use(.avx2); body() }],
                                       rounds: rounds, callsPerRound: 10)
            return Measurement(scenario: "paths", name: "\(name) 4096x512 ms", threads: threads, value: times[0] * 1e3,
                               unit: "ms [avx512]", reference: times[1] * 1e3, ratio: times[1] / times[0])
        }
    }
}
