import Foundation
import Testing
import TestSupport
@testable import Tensor

@Suite(.timeLimit(.minutes(10))) struct SoftmaxTests {
    /// Masked softmax of one row by the definition, in Double: the first `valid` entries.
    func referenceRow(_ x: ArraySlice<Float>, valid: Int) -> [Double] {
        let row = Array(x)
        guard valid > 0 else { return [Double](repeating: 0, count: row.count) }
        let m = row[0..<valid].map(Double.init).max()!
        let e = row[0..<valid].map { Foundation.exp(Double($0) - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s } + [Double](repeating: 0, count: row.count - valid)
    }

    @Test(arguments: [1, 7, 8, 13, 67])
    func unmaskedRowsMatchDefinition(cols: Int) {
        var rng = TestRandom(seed: UInt64(cols))
        let x = rng.tensor(Shape(5, cols), -4, 4), y = TensorStorage(Shape(5, cols))
        Softmax.forward(x.tensor, into: y.tensor)
        let xs = x.tensor.toArray()
        let expected = (0..<5).flatMap { r in referenceRow(xs[(r * cols)..<((r + 1) * cols)], valid: cols) }
        expectClose(y.tensor.toArray(), expected, atol: 1e-6, rtol: 1e-5, "softmax \(cols) columns")
    }

    /// Padding and causal masks together, including a batch item whose keys are all padding.
    @Test func paddingAndCausalMasks() {
        let (b, h, tq, tk) = (3, 2, 5, 11)
        var rng = TestRandom(seed: 7)
        let x = rng.tensor(Shape(b, h, tq, tk), -3, 3), y = TensorStorage(Shape(b, h, tq, tk))
        let lengths: [Int32] = [11, 4, 0]
        for causal in [false, true] {
            lengths.withUnsafeBufferPointer { lens in
                let mask = AttentionMask(keyLengths: lens.baseAddress, causal: causal, queryOffset: 2)
                Softmax.forward(x.tensor, into: y.tensor, mask: mask)
            }
            let xs = x.tensor.toArray()
            var expected: [Double] = []
            for row in 0..<(b * h * tq) {
                var valid = Int(lengths[row / (h * tq)])
                if causal { valid = min(valid, row % tq + 2 + 1) }
                expected += referenceRow(xs[(row * tk)..<((row + 1) * tk)], valid: valid)
            }
            expectClose(y.tensor.toArray(), expected, atol: 1e-6, rtol: 1e-5, "masked softmax causal=\(causal)")
        }
        // The fully padded batch item: all zeros.
        #expect(y.tensor.slice(2).toArray().allSatisfy { $0 == 0 })
    }

    /// Packed attention writes only each item's queryLength × keyLength block of the
    /// scores: whatever lies outside (NaN here) is never read, forward or backward, and
    /// comes out as exact zeros.
    @Test func queryLengthsAndHiddenEntriesAreNeverRead() {
        let (b, h, tq, tk) = (3, 2, 5, 7)
        var rng = TestRandom(seed: 11)
        let x = rng.tensor(Shape(b, h, tq, tk), -3, 3), dy = rng.tensor(Shape(b, h, tq, tk), -1, 1)
        let keyLengths: [Int32] = [7, 4, 2], queryLengths: [Int32] = [5, 3, 1]
        func hidden(_ row: Int, _ col: Int) -> Bool {
            let item = row / (h * tq)
            return row % tq >= Int(queryLengths[item]) || col >= Int(keyLengths[item])
        }
        let poisoned = TensorStorage(Shape(b, h, tq, tk)), poisonedGrad = TensorStorage(Shape(b, h, tq, tk))
        for row in 0..<(b * h * tq) {
            for col in 0..<tk {
                let i = row * tk + col
                poisoned.tensor[i] = hidden(row, col) ? .nan : x.tensor[i]
                poisonedGrad.tensor[i] = hidden(row, col) ? .nan : dy.tensor[i]
            }
        }
        let y = TensorStorage(Shape(b, h, tq, tk)), dx = TensorStorage(Shape(b, h, tq, tk))
        keyLengths.withUnsafeBufferPointer { keys in
            queryLengths.withUnsafeBufferPointer { queries in
                let mask = AttentionMask(keyLengths: keys.baseAddress, queryLengths: queries.baseAddress)
                Softmax.forward(poisoned.tensor, into: y.tensor, mask: mask)
                Softmax.backward(poisonedGrad.tensor, output: y.tensor, into: dx.tensor, mask: mask)
            }
        }
        let xs = x.tensor.toArray(), dys = dy.tensor.toArray()
        var expected: [Double] = [], expectedGrad: [Double] = []
        for row in 0..<(b * h * tq) {
            let item = row / (h * tq)
            let valid = row % tq >= Int(queryLengths[item]) ? 0 : Int(keyLengths[item])
            let p = referenceRow(xs[(row * tk)..<((row + 1) * tk)], valid: valid)
            let g = dys[(row * tk)..<((row + 1) * tk)].map(Double.init)
            let dot = (0..<valid).reduce(0.0) { $0 + p[$1] * g[$1] }
            expected += p
            expectedGrad += (0..<tk).map { $0 < valid ? p[$0] * (g[$0] - dot) : 0 }
        }
        expectClose(y.tensor.toArray(), expected, atol: 1e-6, rtol: 1e-5, "softmax with query and key lengths")
        expectClose(dx.tensor.toArray(), expectedGrad, atol: 1e-6, rtol: 1e-5, "softmax backward under the mask")
        for row in 0..<(b * h * tq) {
            for col in 0..<tk where hidden(row, col) {
                #expect(y.tensor[row * tk + col] == 0 && dx.tensor[row * tk + col] == 0, "hidden entry (\(row), \(col))")
            }
        }
    }

    @Test func extremeLogitsStayFinite() {
        let cols = 37
        let values = (0..<(4 * cols)).map { i -> Float in i % 3 == 0 ? 1e4 : (i % 3 == 1 ? -1e4 : 0) }
        let x = TensorStorage(Shape(4, cols), values: values)
        let y = TensorStorage(Shape(4, cols)), l = TensorStorage(Shape(4, cols))
        Softmax.forward(x.tensor, into: y.tensor)
        Softmax.logSoftmaxForward(x.tensor, into: l.tensor)
        #expect(y.tensor.toArray().allSatisfy { $0.isFinite })
        #expect(l.tensor.toArray().allSatisfy { $0.isFinite })
        let xs = x.tensor.toArray()
        let expected = (0..<4).flatMap { r in referenceRow(xs[(r * cols)..<((r + 1) * cols)], valid: cols) }
        expectClose(y.tensor.toArray(), expected, atol: 1e-6, rtol: 1e-5, "softmax of ±1e4")
    }

    @Test(arguments: [5, 16, 21])
    func backwardMatchesFiniteDifferences(cols: Int) {
        var rng = TestRandom(seed: 11)
        let (b, h, tq) = (2, 1, 3)
        let x = rng.tensor(Shape(b, h, tq, cols), -2, 2), w = rng.tensor(Shape(b, h, tq, cols))
        let y = TensorStorage(x.tensor.shape), dx = TensorStorage(x.tensor.shape)
        let lengths: [Int32] = [Int32(cols), Int32(cols / 2)]
        lengths.withUnsafeBufferPointer { lens in
            let mask = AttentionMask(keyLengths: lens.baseAddress, causal: true)
            Softmax.forward(x.tensor, into: y.tensor, mask: mask)
            Softmax.backward(w.tensor, output: y.tensor, into: dx.tensor)
            checkGradient("softmax", input: x.tensor, analytic: dx.tensor.toArray(), eps: 1e-3, atol: 1e-4, rtol: 1e-3) {
                Softmax.forward(x.tensor, into: y.tensor, mask: mask)
                return weightedSum(y.tensor, w.tensor)
            }
        }
    }

    @Test(arguments: [3, 8, 29])
    func logSoftmaxMatchesDefinitionAndFiniteDifferences(cols: Int) {
        var rng = TestRandom(seed: 13)
        let x = rng.tensor(Shape(4, cols), -3, 3), w = rng.tensor(Shape(4, cols))
        let y = TensorStorage(x.tensor.shape), dx = TensorStorage(x.tensor.shape)
        Softmax.logSoftmaxForward(x.tensor, into: y.tensor)
        let xs = x.tensor.toArray()
        let expected = (0..<4).flatMap { r in referenceRow(xs[(r * cols)..<((r + 1) * cols)], valid: cols).map { Foundation.log($0) } }
        expectClose(y.tensor.toArray(), expected, atol: 1e-5, rtol: 1e-5, "log-softmax")
        Softmax.logSoftmaxBackward(w.tensor, output: y.tensor, into: dx.tensor)
        checkGradient("log-softmax", input: x.tensor, analytic: dx.tensor.toArray(), eps: 1e-3, atol: 1e-3, rtol: 1e-3) {
            Softmax.logSoftmaxForward(x.tensor, into: y.tensor)
            return weightedSum(y.tensor, w.tensor)
        }
    }
}
