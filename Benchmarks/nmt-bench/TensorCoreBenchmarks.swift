import Tensor

/// The tensor-core scenario: sgemm through `MatMul` (our threads, single-threaded OpenBLAS
/// calls) against a direct `cblas_sgemm` call threaded by OpenBLAS itself, and the
/// per-call time of the fused kernels on a (4096, 512) activation.
enum TensorCoreBenchmarks {
    static let gemmShapes = [(m: 4096, k: 512, n: 512), (m: 4096, k: 512, n: 2048), (m: 4096, k: 512, n: 8000)]

    static func sgemm(threads: Int, rounds: Int) -> [Measurement] {
        Threads.set(threads)
        var rows: [Measurement] = []
        for shape in gemmShapes {
            let a = filled(Shape(shape.m, shape.k)), b = filled(Shape(shape.k, shape.n))
            let c = TensorStorage(Shape(shape.m, shape.n))
            let viaTensor = { MatMul.multiply(a.tensor, b.tensor, into: c.tensor) }
            let direct = {
                OpenBLAS.library.multiplyThreadedByOpenBLAS(m: shape.m, n: shape.n, k: shape.k, a: a.tensor.data,
                                                           b: b.tensor.data, c: c.tensor.data, threads: threads)
            }
            let times = Timing.medians([viaTensor, direct], rounds: rounds, callsPerRound: 3)
            var row = rate(times, macs: shape.m * shape.k * shape.n, scenario: "sgemm",
                           name: "\(shape.m)x\(shape.k)·\(shape.k)x\(shape.n)", threads: threads)
            row.target = "≥ 0.95 × direct cblas_sgemm"
            row.meetsTarget = row.ratio! >= 0.95
            rows.append(row)
        }
        return rows
    }

    /// Decoding's products (few rows, a fixed weight): `PackedMatMul` on a pre-packed W
    /// against `MatMul` (sgemm with W transposed, repacked by OpenBLAS on every call).
    /// Greedy (32 rows) and beam-5 (160 rows) products of the small (d 256) and iwslt
    /// (d 512) decoders: fused q/k/v, fc2, output layer.
    static let packedShapes = [(m: 32, k: 256, n: 768), (m: 32, k: 1024, n: 256), (m: 32, k: 256, n: 8000),
                               (m: 160, k: 256, n: 768), (m: 160, k: 256, n: 8000),
                               (m: 32, k: 512, n: 1536), (m: 32, k: 512, n: 8000), (m: 160, k: 512, n: 1536),
                               (m: 160, k: 1024, n: 512), (m: 160, k: 512, n: 8000)]

    static func packed(threads: Int, rounds: Int) -> [Measurement] {
        Threads.set(threads)
        var rows: [Measurement] = []
        for shape in packedShapes {
            let x = filled(Shape(shape.m, shape.k)), w = filled(Shape(shape.n, shape.k)), bias = filled(Shape(shape.n))
            let y = TensorStorage(Shape(shape.m, shape.n))
            let packedW = PackedMatrix(w.tensor)
            let packed = { PackedMatMul.multiply(x.tensor, packedW, bias: bias.tensor, into: y.tensor) }
            let sgemm = {
                MatMul.multiply(x.tensor, w.tensor, into: y.tensor, transposeB: true)
                Elementwise.addBias(y.tensor, bias.tensor)
            }
            let times = Timing.medians([packed, sgemm], rounds: rounds, callsPerRound: 20)
            rows.append(rate(times, macs: shape.m * shape.k * shape.n, scenario: "packed",
                             name: "\(shape.m)x\(shape.k)·(\(shape.n)x\(shape.k))ᵀ+b", threads: threads))
        }
        return rows
    }

    /// GFLOP/s of ours (times[0]) and the reference (times[1]) for a product of `macs`
    /// multiply-adds, and their ratio.
    static func rate(_ times: [Double], macs: Int, scenario: String, name: String, threads: Int) -> Measurement {
        let flops = 2.0 * Double(macs)
        let ours = flops / times[0] / 1e9, reference = flops / times[1] / 1e9
        return Measurement(scenario: scenario, name: name, threads: threads, value: ours, unit: "GFLOP/s",
                           reference: reference, ratio: ours / reference, target: nil, meetsTarget: nil)
    }

    static func kernels(threads: Int, rounds: Int) -> [Measurement] {
        Threads.set(threads)
        let targets: [String: Double] = ["softmax forward": 2.5, "layer norm forward": 0.8, "gelu forward": 3.5]
        let cases = kernelCases()
        let times = Timing.medians(cases.map(\.1), rounds: rounds, callsPerRound: 10)
        return zip(cases, times).map { kernel, seconds in
            let ms = seconds * 1e3
            let target = threads == 1 ? targets[kernel.0] : nil
            return Measurement(scenario: "kernels", name: "\(kernel.0) 4096x512", threads: threads,
                               value: ms, unit: "ms", reference: nil, ratio: nil,
                               target: target.map { "≤ \($0) ms" }, meetsTarget: target.map { ms <= $0 })
        }
    }

    /// The fused kernels on a (4096, 512) activation, by name (also timed per path).
    static func kernelCases() -> [(String, () -> Void)] {
        let shape = Shape(4096, 512)
        let x = filled(shape), dy = filled(shape), y = TensorStorage(shape), dx = TensorStorage(shape)
        let gamma = filled(Shape(512)), beta = filled(Shape(512))
        let dGamma = TensorStorage(Shape(512)), dBeta = TensorStorage(Shape(512))
        let mean = TensorStorage(Shape(4096)), rstd = TensorStorage(Shape(4096))
        return [
            ("softmax forward", { Softmax.forward(x.tensor, into: y.tensor) }),
            ("softmax backward", { Softmax.backward(dy.tensor, output: y.tensor, into: dx.tensor) }),
            ("layer norm forward", {
                LayerNorm.forward(x.tensor, gamma: gamma.tensor, beta: beta.tensor, into: y.tensor,
                                  mean: mean.tensor, rstd: rstd.tensor)
            }),
            ("layer norm backward", {
                LayerNorm.backward(dy.tensor, input: x.tensor, gamma: gamma.tensor, mean: mean.tensor, rstd: rstd.tensor,
                                   dx: dx.tensor, dGamma: dGamma.tensor, dBeta: dBeta.tensor, accumulate: false)
            }),
            ("gelu forward", { Activation.geluForward(x.tensor, into: y.tensor) }),
            ("gelu backward", { Activation.geluBackward(dy.tensor, input: x.tensor, into: dx.tensor) }),
            ("dropout forward", { Dropout.forward(x.tensor, into: y.tensor, probability: 0.1, key: 42) }),
        ]
    }

    /// Values in [−2, 2) from a fixed pattern, so runs are comparable.
    static func filled(_ shape: Shape) -> TensorStorage {
        let storage = TensorStorage(shape, zeroed: false)
        var state: UInt32 = 12345
        for i in 0..<shape.count {
            state = state &* 1_664_525 &+ 1_013_904_223
            storage.tensor[i] = Float(state >> 8) / Float(1 << 24) * 4 - 2
        }
        return storage
    }
}
