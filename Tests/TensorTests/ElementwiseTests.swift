import Foundation
import Testing
import TestSupport
@testable import Tensor

@Suite(.timeLimit(.minutes(10))) struct ElementwiseTests {
    @Test(arguments: [1, 7, 8, 13, 67])
    func biasAddAndBackward(cols: Int) {
        var rng = TestRandom(seed: 21)
        let y = rng.tensor(Shape(3, 4, cols)), bias = rng.tensor(Shape(cols))
        let before = y.tensor.toArray()
        Elementwise.addBias(y.tensor, bias.tensor)
        let expected = before.enumerated().map { Double($1) + Double(bias.tensor[$0 % cols]) }
        expectClose(y.tensor.toArray(), expected, atol: 0, rtol: 1e-7, "bias add")

        let dy = rng.tensor(Shape(12, cols)), dBias = rng.tensor(Shape(cols))
        let start = dBias.tensor.toArray()
        Elementwise.biasBackward(dy.tensor, into: dBias.tensor)
        let sums = (0..<cols).map { c in Double(start[c]) + (0..<12).reduce(0.0) { $0 + Double(dy.tensor[$1 * cols + c]) } }
        expectClose(dBias.tensor.toArray(), sums, atol: 1e-6, rtol: 1e-6, "bias gradient accumulates column sums")
    }

    /// Every column sums its rows in order, one Float add per row, in blocks of 64 columns,
    /// 8 and 1: equal bit for bit to that loop at any thread count.
    @Test(arguments: [64, 200, 1024])
    func biasBackwardSumsEachColumnInRowOrder(cols: Int) {
        var rng = TestRandom(seed: 23)
        let dy = rng.tensor(Shape(37, cols)), start = rng.tensor(Shape(cols))
        var want = start.tensor.toArray()
        for c in 0..<cols {
            var sum: Float = 0
            for r in 0..<37 { sum += dy.tensor[r * cols + c] }
            want[c] += sum
        }
        defer { Threads.set(1) }
        for threads in [1, 2] {
            Threads.set(threads)
            let dBias = TensorStorage(Shape(cols))
            dBias.tensor.copy(from: start.tensor)
            Elementwise.biasBackward(dy.tensor, into: dBias.tensor)
            #expect(dBias.tensor.toArray() == want, "\(cols) columns, \(threads) threads")
        }
    }

    @Test func residualAddAndBackward() {
        var rng = TestRandom(seed: 22)
        let a = rng.tensor(Shape(5, 13)), b = rng.tensor(Shape(5, 13)), y = TensorStorage(Shape(5, 13))
        Elementwise.add(a.tensor, b.tensor, into: y.tensor)
        expectClose(y.tensor.toArray(), zip(a.tensor.toArray(), b.tensor.toArray()).map { Double($0) + Double($1) },
                    atol: 0, rtol: 1e-7, "residual add")
        let dx = rng.tensor(Shape(5, 13))
        let before = dx.tensor.toArray()
        Elementwise.addBackward(y.tensor, into: dx.tensor, accumulate: true)
        expectClose(dx.tensor.toArray(), zip(before, y.tensor.toArray()).map { Double($0) + Double($1) },
                    atol: 0, rtol: 1e-7, "residual backward accumulates")
        Elementwise.addBackward(y.tensor, into: dx.tensor, accumulate: false)
        #expect(dx.tensor.toArray() == y.tensor.toArray())
    }

    @Test(arguments: [1, 9, 64])
    func reluMatchesDefinitionAndFiniteDifferences(cols: Int) {
        var rng = TestRandom(seed: 23)
        // Keep inputs away from the kink at 0, where the derivative is undefined.
        let x = TensorStorage(Shape(3, cols), values: (0..<(3 * cols)).map { _ in
            let v = rng.uniform(-2, 2); return abs(v) < 0.05 ? 0.5 : v })
        let w = rng.tensor(Shape(3, cols)), y = TensorStorage(Shape(3, cols)), dx = TensorStorage(Shape(3, cols))
        Activation.reluForward(x.tensor, into: y.tensor)
        #expect(y.tensor.toArray() == x.tensor.toArray().map { max($0, 0) })
        Activation.reluBackward(w.tensor, output: y.tensor, into: dx.tensor)
        checkGradient("relu", input: x.tensor, analytic: dx.tensor.toArray(), eps: 1e-2, atol: 1e-4, rtol: 1e-4) {
            Activation.reluForward(x.tensor, into: y.tensor)
            return weightedSum(y.tensor, w.tensor)
        }
    }

    @Test(arguments: [1, 9, 64])
    func geluMatchesErfDefinitionAndFiniteDifferences(cols: Int) {
        var rng = TestRandom(seed: 24)
        let x = rng.tensor(Shape(3, cols), -5, 5), w = rng.tensor(Shape(3, cols))
        let y = TensorStorage(Shape(3, cols)), dx = TensorStorage(Shape(3, cols))
        Activation.geluForward(x.tensor, into: y.tensor)
        let expected = x.tensor.toArray().map { v -> Double in let d = Double(v); return 0.5 * d * (1 + Foundation.erf(d / 2.0.squareRoot())) }
        expectClose(y.tensor.toArray(), expected, atol: 1e-6, rtol: 1e-6, "gelu")
        Activation.geluBackward(w.tensor, input: x.tensor, into: dx.tensor)
        checkGradient("gelu", input: x.tensor, analytic: dx.tensor.toArray(), eps: 1e-2, atol: 1e-4, rtol: 1e-3) {
            Activation.geluForward(x.tensor, into: y.tensor)
            return weightedSum(y.tensor, w.tensor)
        }
    }

    @Test func geluOfExtremeInputsIsFinite() {
        let x = TensorStorage(Shape(17), values: [1e4, -1e4, 100, -100, 0] + [Float](repeating: 1e4, count: 12))
        let y = TensorStorage(Shape(17)), dx = TensorStorage(Shape(17))
        Activation.geluForward(x.tensor, into: y.tensor)
        Activation.geluBackward(x.tensor, input: x.tensor, into: dx.tensor)
        #expect(y.tensor.toArray().allSatisfy { $0.isFinite })
        #expect(dx.tensor.toArray().allSatisfy { $0.isFinite })
        #expect(y.tensor[0] == 1e4 && y.tensor[1] == 0 && y.tensor[4] == 0)
    }

    @Test func sumAndMeanWithBackward() {
        var rng = TestRandom(seed: 25)
        let x = rng.tensor(Shape(7, 131))
        let expected = x.tensor.toArray().reduce(0.0) { $0 + Double($1) }
        #expect(abs(Reduce.sum(x.tensor) - expected) < 1e-9)
        #expect(abs(Reduce.mean(x.tensor) - expected / Double(x.tensor.count)) < 1e-9)
        let dx = TensorStorage(x.tensor.shape)
        Reduce.meanBackward(2, into: dx.tensor)
        checkGradient("mean", input: x.tensor, analytic: dx.tensor.toArray(), atol: 1e-6, rtol: 1e-4) {
            2 * Reduce.mean(x.tensor)
        }
        let ds = TensorStorage(x.tensor.shape)
        Reduce.sumBackward(3, into: ds.tensor)
        #expect(ds.tensor.toArray().allSatisfy { $0 == 3 })
    }

    /// Σ x² over several blocks and a tail: the in-order Double sum to rounding, and the same
    /// bits at one and two threads.
    @Test func sumOfSquaresIsTheSameAtEveryThreadCount() {
        var rng = TestRandom(seed: 26)
        defer { Threads.set(1) }
        for count in [0, 5, 8, 65_536, 3 * 65_536 + 13] {
            let x = rng.tensor(Shape(max(count, 1)))
            let view = Tensor(data: x.tensor.data, shape: Shape(count))
            let expected = x.tensor.toArray().prefix(count).reduce(0.0) { $0 + Double($1) * Double($1) }
            var results: [Double] = []
            for threads in [1, 2] {
                Threads.set(threads)
                results.append(Reduce.sumOfSquares(view))
            }
            #expect(abs(results[0] - expected) <= 1e-12 * max(expected, 1), "\(count) elements")
            #expect(results[0] == results[1], "\(count) elements: thread counts agree")
        }
    }

    /// One non-finite value anywhere (a vector lane, a block boundary, the scalar tail) is
    /// found; the largest finite values are not mistaken for one.
    @Test func allFiniteFindsEveryNonFiniteValue() {
        defer { Threads.set(1) }
        let count = 2 * 65_536 + 11
        for threads in [1, 2] {
            Threads.set(threads)
            let x = TensorStorage(Shape(count), values: (0..<count).map { Float($0 % 7) - 3 })
            x.tensor[17] = .greatestFiniteMagnitude
            x.tensor[18] = -.greatestFiniteMagnitude
            #expect(Reduce.allFinite(x.tensor))
            for position in [0, 9, 65_535, 65_536, count - 12, count - 1] {
                for bad: Float in [.nan, .infinity, -.infinity] {
                    let kept = x.tensor[position]
                    x.tensor[position] = bad
                    #expect(!Reduce.allFinite(x.tensor), "\(bad) at \(position), \(threads) threads")
                    x.tensor[position] = kept
                }
            }
            #expect(Reduce.allFinite(x.tensor))
        }
    }

    @Test func scaleMultipliesEveryElement() {
        let x = TensorStorage(Shape(11), values: (0..<11).map(Float.init))
        Elementwise.scale(x.tensor, by: 0.5, into: x.tensor)
        #expect(x.tensor.toArray() == (0..<11).map { Float($0) * 0.5 })
    }
}
