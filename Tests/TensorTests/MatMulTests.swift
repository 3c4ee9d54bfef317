import Testing
import TestSupport
@testable import Tensor

@Suite(.timeLimit(.minutes(10))) struct MatMulTests {
    /// op(A)·op(B) by the definition, in Double.
    func naive(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool, m: Int, n: Int, k: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k {
            let av = ta ? a[p * m + i] : a[i * k + p]
            let bv = tb ? b[j * k + p] : b[p * n + j]
            c[i * n + j] += Double(av) * Double(bv)
        } } }
        return c
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func productEqualsTripleLoop(ta: Bool, tb: Bool) {
        var rng = TestRandom(seed: 1)
        for (m, n, k) in [(1, 1, 1), (7, 13, 5), (33, 17, 9), (64, 40, 24)] {
            let a = rng.tensor(ta ? Shape(k, m) : Shape(m, k))
            let b = rng.tensor(tb ? Shape(n, k) : Shape(k, n))
            let c = TensorStorage(Shape(m, n))
            MatMul.multiply(a.tensor, b.tensor, into: c.tensor, transposeA: ta, transposeB: tb)
            expectClose(c.tensor.toArray(), naive(a.tensor, b.tensor, ta, tb, m: m, n: n, k: k),
                        atol: 1e-5, rtol: 1e-5, "matmul \(m)x\(k)x\(n) ta=\(ta) tb=\(tb)")
        }
    }

    /// Products above the split threshold are cut into blocks of C's rows (tall C) or
    /// columns (wide C), one per thread. The result must be repeatable bit for bit at a
    /// given thread count, and equal the one-thread product and the definition up to
    /// rounding (OpenBLAS may pick another kernel for a block's size), for every transpose
    /// and with accumulation (beta = 1).
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func splitProductsAreRepeatableAndEqualOneThread(ta: Bool, tb: Bool) {
        var rng = TestRandom(seed: 3)
        // Tall (rows split), wide (columns split), and sizes that leave ragged blocks.
        for (m, n, k) in [(300, 90, 80), (70, 333, 96), (129, 131, 127)] {
            #expect(m * n * k >= MatMul.parallelWorkThreshold, "\(m)x\(n)x\(k) must take the split path")
            let a = rng.tensor(ta ? Shape(k, m) : Shape(m, k))
            let b = rng.tensor(tb ? Shape(n, k) : Shape(k, n))
            let start = rng.tensor(Shape(m, n))
            func product(_ threads: Int) -> [Float] {
                let c = TensorStorage(Shape(m, n))
                c.tensor.copy(from: start.tensor)
                withThreads(threads) {
                    MatMul.multiply(a.tensor, b.tensor, into: c.tensor, transposeA: ta, transposeB: tb, beta: 1)
                }
                return c.tensor.toArray()
            }
            let one = product(1)
            for threads in [2, 3] {
                let split = product(threads)
                #expect(product(threads) == split, "\(m)x\(k)x\(n) ta=\(ta) tb=\(tb): \(threads) threads not repeatable")
                expectClose(split, one.map(Double.init), atol: 1e-5, rtol: 1e-5,
                            "\(m)x\(k)x\(n) ta=\(ta) tb=\(tb): \(threads) threads vs 1")
            }
            let expected = zip(start.tensor.toArray(), naive(a.tensor, b.tensor, ta, tb, m: m, n: n, k: k)).map { Double($0) + $1 }
            expectClose(one, expected, atol: 1e-4, rtol: 1e-4, "split matmul \(m)x\(k)x\(n) ta=\(ta) tb=\(tb)")
        }
    }

    @Test func alphaAndBetaAccumulate() {
        var rng = TestRandom(seed: 2)
        let a = rng.tensor(Shape(5, 3)), b = rng.tensor(Shape(3, 4)), c = rng.tensor(Shape(5, 4))
        let before = c.tensor.toArray()
        MatMul.multiply(a.tensor, b.tensor, into: c.tensor, alpha: 0.5, beta: 1)
        let product = naive(a.tensor, b.tensor, false, false, m: 5, n: 4, k: 3)
        expectClose(c.tensor.toArray(), zip(before, product).map { Double($0) + 0.5 * $1 },
                    atol: 1e-5, rtol: 1e-5, "c = 0.5·a·b + c")
    }

    @Test func batchedProductEqualsPerItemLoops() {
        var rng = TestRandom(seed: 3)
        let (batch, m, k, n) = (3, 5, 11, 6)
        let a = rng.tensor(Shape(batch, m, k)), b = rng.tensor(Shape(batch, n, k))
        let c = TensorStorage(Shape(batch, m, n))
        MatMul.batchedMultiply(a.tensor, b.tensor, into: c.tensor, transposeB: true)
        for i in 0..<batch {
            expectClose(c.tensor.slice(i).toArray(),
                        naive(a.tensor.slice(i), b.tensor.slice(i), false, true, m: m, n: n, k: k),
                        atol: 1e-5, rtol: 1e-5, "batch item \(i)")
        }
    }

    /// One attention head inside a (T, H·D) activation, used in place through lda/ldb.
    @Test func stridedHeadProduct() {
        var rng = TestRandom(seed: 4)
        let (t, heads, d) = (6, 3, 4)
        let q = rng.tensor(Shape(t, heads * d)), kx = rng.tensor(Shape(t, heads * d))
        let scores = TensorStorage(Shape(t, t))
        let h = 1
        MatMul.gemm(m: t, n: t, k: d, a: q.tensor.data + h * d, lda: heads * d,
                    b: kx.tensor.data + h * d, ldb: heads * d, transposeB: true,
                    c: scores.tensor.data, ldc: t)
        var expected = [Double](repeating: 0, count: t * t)
        for i in 0..<t { for j in 0..<t { for p in 0..<d {
            expected[i * t + j] += Double(q.tensor[i * heads * d + h * d + p]) * Double(kx.tensor[j * heads * d + h * d + p])
        } } }
        expectClose(scores.tensor.toArray(), expected, atol: 1e-5, rtol: 1e-5, "strided head QKᵀ")
    }

    @Test func emptyInnerDimensionGivesBetaTimesC() {
        let a = TensorStorage(Shape(2, 0)), b = TensorStorage(Shape(0, 3))
        let c = TensorStorage(Shape(2, 3), values: [1, 2, 3, 4, 5, 6])
        MatMul.multiply(a.tensor, b.tensor, into: c.tensor)
        #expect(c.tensor.toArray() == [0, 0, 0, 0, 0, 0])
    }
}
