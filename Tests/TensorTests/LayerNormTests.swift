import Foundation
import Testing
import TestSupport
@testable import Tensor

@Suite(.timeLimit(.minutes(10))) struct LayerNormTests {
    @Test(arguments: [1, 7, 8, 13, 67])
    func forwardMatchesDefinition(cols: Int) {
        var rng = TestRandom(seed: 31)
        let rows = 6
        let x = rng.tensor(Shape(rows, cols), -3, 3), g = rng.tensor(Shape(cols)), b = rng.tensor(Shape(cols))
        let y = TensorStorage(Shape(rows, cols)), mean = TensorStorage(Shape(rows)), rstd = TensorStorage(Shape(rows))
        LayerNorm.forward(x.tensor, gamma: g.tensor, beta: b.tensor, into: y.tensor, mean: mean.tensor, rstd: rstd.tensor)
        var expected: [Double] = []
        for r in 0..<rows {
            let row = (0..<cols).map { Double(x.tensor[r * cols + $0]) }
            let mu = row.reduce(0, +) / Double(cols)
            let variance = row.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(cols)
            expected += row.enumerated().map { c, v in
                (v - mu) / (variance + 1e-5).squareRoot() * Double(g.tensor[c]) + Double(b.tensor[c])
            }
        }
        expectClose(y.tensor.toArray(), expected, atol: 1e-5, rtol: 1e-5, "layer norm \(cols)")
    }

    @Test(arguments: [(5, false), (16, true), (19, true)])
    func backwardMatchesFiniteDifferences(cols: Int, accumulate: Bool) {
        var rng = TestRandom(seed: 32)
        let rows = 4
        let x = rng.tensor(Shape(rows, cols), -2, 2), g = rng.tensor(Shape(cols), 0.5, 1.5), b = rng.tensor(Shape(cols))
        let w = rng.tensor(Shape(rows, cols))
        let y = TensorStorage(Shape(rows, cols)), mean = TensorStorage(Shape(rows)), rstd = TensorStorage(Shape(rows))
        let dx = rng.tensor(Shape(rows, cols)), dg = rng.tensor(Shape(cols)), db = rng.tensor(Shape(cols))
        let dx0 = dx.tensor.toArray(), dg0 = dg.tensor.toArray(), db0 = db.tensor.toArray()
        func loss() -> Double {
            LayerNorm.forward(x.tensor, gamma: g.tensor, beta: b.tensor, into: y.tensor, mean: mean.tensor, rstd: rstd.tensor)
            return weightedSum(y.tensor, w.tensor)
        }
        _ = loss()
        LayerNorm.backward(w.tensor, input: x.tensor, gamma: g.tensor, mean: mean.tensor, rstd: rstd.tensor,
                           dx: dx.tensor, dGamma: dg.tensor, dBeta: db.tensor, accumulate: accumulate)
        let dxOnly = zip(dx.tensor.toArray(), dx0).map { accumulate ? $0 - $1 : $0 }
        checkGradient("layer norm x", input: x.tensor, analytic: dxOnly, eps: 1e-2, atol: 1e-3, rtol: 1e-2, loss: loss)
        checkGradient("layer norm gamma", input: g.tensor, analytic: zip(dg.tensor.toArray(), dg0).map { $0 - $1 },
                      eps: 1e-2, atol: 1e-3, rtol: 1e-2, loss: loss)
        checkGradient("layer norm beta", input: b.tensor, analytic: zip(db.tensor.toArray(), db0).map { $0 - $1 },
                      eps: 1e-2, atol: 1e-3, rtol: 1e-2, loss: loss)
    }

    @Test func constantRowsAndHugeValuesStayFinite() {
        let cols = 12
        let x = TensorStorage(Shape(2, cols), values: [Float](repeating: 3, count: cols) + (0..<cols).map { $0 % 2 == 0 ? 1e4 : -1e4 })
        let g = TensorStorage(Shape(cols), values: [Float](repeating: 1, count: cols)), b = TensorStorage(Shape(cols))
        let y = TensorStorage(Shape(2, cols)), mean = TensorStorage(Shape(2)), rstd = TensorStorage(Shape(2))
        LayerNorm.forward(x.tensor, gamma: g.tensor, beta: b.tensor, into: y.tensor, mean: mean.tensor, rstd: rstd.tensor)
        #expect(y.tensor.toArray().allSatisfy { $0.isFinite })
        #expect(y.tensor.slice(0).toArray().allSatisfy { $0 == 0 })
        expectClose(y.tensor.slice(1).toArray(), (0..<cols).map { $0 % 2 == 0 ? 1.0 : -1.0 }, atol: 1e-4, rtol: 0, "±1e4 row")
    }
}
