import Foundation
import Kernels
import Testing
import TestSupport
@testable import Tensor

/// The AVX2 (8-lane) and AVX-512 (16-lane) specialisations of every kernel agree: lanewise
/// kernels bit for bit (the same operations per element), reductions within rounding
/// (lanes are summed in another order). The whole kernel, criterion and decoder suites
/// also run once per path (scripts/test.sh sets NMT_ISA); these tests compare the two
/// paths directly, calling each path's table (the active path is never switched, so tests
/// running in parallel are not affected).
@Suite(.enabled(if: VectorISA.supported.contains(.avx512), "this CPU has no AVX-512 path to compare"), .timeLimit(.minutes(10)))
struct KernelPathTests {
    let narrow = VectorISA.avx2.kernels, wide = VectorISA.avx512.kernels
    /// Sizes with every tail length of either width.
    static let counts = [1, 7, 15, 16, 17, 31, 1000, 4096 + 13]

    /// Runs `kernel` of both tables on copies of the same inputs and returns both outputs.
    func both(_ inputs: [[Float]], outputs: Int, _ kernel: (KernelTable, [UnsafeMutablePointer<Float>]) -> Void)
        -> (narrow: [[Float]], wide: [[Float]]) {
        func run(_ table: KernelTable) -> [[Float]] {
            let count = inputs.first?.count ?? 0
            var buffers = inputs + Array(repeating: [Float](repeating: 0, count: count), count: outputs)
            let pointers = buffers.indices.map { i in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: max(buffers[i].count, 1))
                p.initialize(from: buffers[i], count: buffers[i].count)
                return p
            }
            kernel(table, pointers)
            for i in buffers.indices {
                buffers[i] = Array(UnsafeBufferPointer(start: pointers[i], count: buffers[i].count))
                pointers[i].deallocate()
            }
            return buffers
        }
        return (run(narrow), run(wide))
    }

    @Test(arguments: counts) func lanewiseKernelsAreBitwiseEqual(count: Int) {
        var random = TestRandom(seed: UInt64(count))
        let x = random.floats(count, -6, 6), g = random.floats(count, -1, 1)
        let cases: [(String, (KernelTable, [UnsafeMutablePointer<Float>]) -> Void)] = [
            ("gelu forward", { $0.geluForward($1[0], $1[2], 0..<count) }),
            ("gelu backward", { $0.geluBackward($1[1], $1[0], $1[2], 0..<count) }),
            ("relu forward", { $0.reluForward($1[0], $1[2], 0..<count) }),
            ("relu backward", { $0.reluBackward($1[1], $1[0], $1[2], 0..<count) }),
            ("dropout", { $0.dropout($1[0], $1[2], 0..<count, 1 / 0.7, 5_033_165, 0x1234_5678, 0x9ABC_DEF0) }),
        ]
        for (name, kernel) in cases {
            let (a, b) = both([x, g], outputs: 1, kernel)
            #expect(a[2].map(\.bitPattern) == b[2].map(\.bitPattern), "\(name) over \(count) elements")
        }
    }

    @Test(arguments: counts) func adamWIsBitwiseEqual(count: Int) {
        var random = TestRandom(seed: 99)
        let p = random.floats(count, -1, 1), g = random.floats(count, -1, 1)
        let m = random.floats(count, -0.1, 0.1), v = random.floats(count, 0, 0.01)
        let step = AdamWKernel.Step(decay: 1 - 1e-3 * 0.01, stepSize: 1e-3 / 0.1, biasCorrection2Sqrt: 0.2,
                                    beta1: 0.9, beta2: 0.98, eps: 1e-8)
        let (a, b) = both([p, g, m, v], outputs: 0) { table, x in table.adamW(x[0], x[1], x[2], x[3], 0..<count, step) }
        for i in [0, 2, 3] { #expect(a[i].map(\.bitPattern) == b[i].map(\.bitPattern), "AdamW buffer \(i), \(count) elements") }
    }

    @Test func softmaxAndLayerNormAgree() {
        var random = TestRandom(seed: 7)
        let rows = 37, cols = 203
        let x = random.floats(rows * cols, -8, 8), dy = random.floats(rows * cols, -1, 1)
        let gamma = random.floats(rows * cols, 0.5, 1.5), beta = random.floats(rows * cols, -0.5, 0.5)
        let keyLengths: [Int32] = [150]
        keyLengths.withUnsafeBufferPointer { lengths in
            let masked = MaskedRows(mask: AttentionMask(keyLengths: lengths.baseAddress, causal: true, queryOffset: 100),
                                    batchStride: rows, queries: rows, keys: cols)
            let softmax = both([x, dy], outputs: 2) { t, b in
                t.softmaxForward(b[0], b[2], 0..<rows, cols, masked)
                t.softmaxBackward(b[1], b[2], b[3], 0..<rows, cols, masked)
            }
            expectClose(softmax.wide[2], softmax.narrow[2], atol: 1e-7, rtol: 1e-5, "masked softmax forward")
            expectClose(softmax.wide[3], softmax.narrow[3], atol: 1e-7, rtol: 1e-4, "masked softmax backward")
        }
        let logSoftmax = both([x, dy], outputs: 2) { t, b in
            t.logSoftmaxForward(b[0], b[2], 0..<rows, cols)
            t.logSoftmaxBackward(b[1], b[2], b[3], 0..<rows, cols)
        }
        expectClose(logSoftmax.wide[2], logSoftmax.narrow[2], atol: 1e-5, rtol: 1e-6, "log-softmax forward")
        expectClose(logSoftmax.wide[3], logSoftmax.narrow[3], atol: 1e-5, rtol: 1e-5, "log-softmax backward")
        let norm = both([x, dy, gamma, beta], outputs: 6) { t, b in
            t.layerNormForward(b[0], b[2], b[3], b[4], b[5], b[6], 0..<rows, cols, 1e-5)
            t.layerNormBackwardInput(b[1], b[0], b[2], b[5], b[6], b[7], 0..<rows, cols, false)
            t.layerNormBackwardParameters(b[1], b[0], b[5], b[6], b[8], b[9], rows, cols, 0..<cols)
        }
        expectClose(norm.wide[4], norm.narrow[4], atol: 1e-5, rtol: 1e-5, "layer norm forward")
        expectClose(norm.wide[7], norm.narrow[7], atol: 1e-5, rtol: 1e-4, "layer norm dx")
        expectClose(norm.wide[8], norm.narrow[8], atol: 1e-4, rtol: 1e-5, "layer norm dγ")
        expectClose(norm.wide[9], norm.narrow[9], atol: 1e-4, rtol: 1e-5, "layer norm dβ")
    }

    @Test(arguments: [RowCriterion.labo(alpha: 0.1, tau: 2), .labo(alpha: 0.1, tau: 1e5), .labelSmoothed(alpha: 0.1),
                      .crossEntropy])
    func criterionRowsAgree(criterion: RowCriterion) {
        var random = TestRandom(seed: 3)
        for n in [2, 9, 17, 8000 + 5] {
            let z = random.floats(n, -10, 10), target = random.index(n)
            var grad = [[Float]]()
            var loss = [RowCriterion.Loss]()
            for table in [narrow, wide] {
                var g = [Float](repeating: 0, count: n), scratch = [Float](repeating: 0, count: n)
                let l = z.withUnsafeBufferPointer { zp in
                    g.withUnsafeMutableBufferPointer { gp in
                        scratch.withUnsafeMutableBufferPointer { sp in
                            table.criterionRow(criterion, zp.baseAddress!, n, target, gp.baseAddress!, sp.baseAddress!, 1)
                        }
                    }
                }
                grad.append(g)
                loss.append(l)
            }
            #expect(abs(loss[1].loss - loss[0].loss) <= 1e-5 * max(1, abs(loss[0].loss)), "\(criterion) loss, V = \(n)")
            #expect(abs(loss[1].nll - loss[0].nll) <= 1e-5 * max(1, abs(loss[0].nll)), "\(criterion) nll, V = \(n)")
            expectClose(grad[1], grad[0], atol: 1e-7, rtol: 1e-4, "\(criterion) gradient, V = \(n)")
        }
    }

    @Test func packedProductsAgree() {
        var random = TestRandom(seed: 11)
        for (m, k, n) in [(1, 5, 3), (7, 33, 47), (32, 64, 100), (13, 17, 33)] {
            let x = random.tensor(Shape(m, k)), w = random.tensor(Shape(n, k)), bias = random.tensor(Shape(n))
            var outputs: [[Float]] = []
            for isa in [VectorISA.avx2, .avx512] {
                let y = TensorStorage(Shape(m, n))
                PackedMatMul.multiply(x.tensor, PackedMatrix(w.tensor, isa: isa), bias: bias.tensor, alpha: 0.5, relu: true,
                                      into: y.tensor)
                outputs.append(y.tensor.toArray())
            }
            expectClose(outputs[1], outputs[0], atol: 1e-5, rtol: 1e-5, "packed \(m)x\(k)·(\(n)x\(k))ᵀ")
        }
    }
}
