import Testing
import TestSupport
@testable import Tensor

@Suite(.timeLimit(.minutes(10))) struct PackedMatMulTests {
    /// alpha·x·Wᵀ + bias (then ReLU) by the definition, in Double.
    func naive(_ x: Tensor, _ w: Tensor, bias: Tensor?, alpha: Float, relu: Bool) -> [Double] {
        let m = x.shape.rows, k = x.shape.last, n = w.shape.rows
        var y = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += Double(x[i * k + p]) * Double(w[j * k + p]) }
            s = Double(alpha) * s + (bias.map { Double($0[j]) } ?? 0)
            y[i * n + j] = relu ? max(0, s) : s
        } }
        return y
    }

    /// Every row remainder of the 6-row tile (m = 1…13), panels cut short (n not a
    /// multiple of 16), with and without bias, alpha and ReLU.
    @Test(arguments: [(false, Float(1), false), (true, Float(1), false), (true, Float(0.125), true), (false, Float(-2), true)])
    func productEqualsDefinition(withBias: Bool, alpha: Float, relu: Bool) {
        var rng = TestRandom(seed: 5)
        for (m, n, k) in [(1, 1, 1), (5, 16, 8), (6, 17, 3), (7, 40, 33), (13, 64, 24), (12, 5, 70)] {
            let x = rng.tensor(Shape(m, k)), w = rng.tensor(Shape(n, k)), bias = rng.tensor(Shape(n))
            let y = TensorStorage(Shape(m, n))
            PackedMatMul.multiply(x.tensor, PackedMatrix(w.tensor), bias: withBias ? bias.tensor : nil, alpha: alpha,
                                  relu: relu, into: y.tensor)
            expectClose(y.tensor.toArray(), naive(x.tensor, w.tensor, bias: withBias ? bias.tensor : nil, alpha: alpha, relu: relu),
                        atol: 1e-5, rtol: 1e-5, "packed \(m)x\(k)·(\(n)x\(k))ᵀ bias=\(withBias) alpha=\(alpha) relu=\(relu)")
        }
    }

    /// Threads take whole panels, so every element is the same sum whatever the thread
    /// count: results are equal bit for bit.
    @Test func resultDoesNotDependOnThreadCount() {
        var rng = TestRandom(seed: 6)
        let (m, n, k) = (38, 1000, 96)
        #expect(m * n * k >= MatMul.parallelWorkThreshold, "must take the parallel path")
        let x = rng.tensor(Shape(m, k)), w = rng.tensor(Shape(n, k)), bias = rng.tensor(Shape(n))
        let packed = PackedMatrix(w.tensor)
        func product(_ threads: Int) -> [Float] {
            let y = TensorStorage(Shape(m, n))
            withThreads(threads) { PackedMatMul.multiply(x.tensor, packed, bias: bias.tensor, into: y.tensor) }
            return y.tensor.toArray()
        }
        let one = product(1)
        #expect(product(2) == one)
        #expect(product(3) == one)
        expectClose(one, naive(x.tensor, w.tensor, bias: bias.tensor, alpha: 1, relu: false), atol: 1e-4, rtol: 1e-4,
                    "packed \(m)x\(k)·(\(n)x\(k))ᵀ")
    }
}
