import Testing
import TestSupport
@testable import Tensor

/// The int8 products of decoding: exact integer sums on both kernel paths, the per-row
/// quantization's round trip and bound, and the fp32 result of the scaled sums.
@Suite(.timeLimit(.minutes(10))) struct Int8ProductTests {
    /// The paths this machine can run: AVX2 always (the path without VNNI, forced here on a
    /// VNNI machine), VNNI where CPUID reports it.
    static let paths = Int8Path.allCases.filter(\.isSupported)

    /// Odd shapes: every row remainder of both tiles, a single panel, panels cut short, k
    /// not a multiple of the 4-byte (VNNI) or 2-value (AVX2) groups.
    static let shapes = [(1, 1, 1), (3, 17, 5), (7, 33, 67), (13, 50, 3), (6, 16, 4), (4, 95, 130), (25, 8, 9)]

    @Test(arguments: paths)
    func integerSumsAreExact(path: Int8Path) {
        var rng = TestRandom(seed: 11)
        let ws = Workspace()
        for (m, n, k) in Self.shapes {
            let x = rng.tensor(Shape(m, k), -3, 3), w = rng.tensor(Shape(n, k), -0.5, 0.5)
            let matrix = Int8Matrix(w.tensor, path: path)
            let y = TensorStorage(Shape(m, n))
            let (xq, _) = Int8MatMul.integerProducts(x.tensor, matrix, into: y.tensor, in: ws)
            var expected = [Float](repeating: 0, count: m * n)
            for i in 0..<m { for j in 0..<n {
                var sum: Int32 = 0
                for c in 0..<k { sum += xq[i * k + c] * Int32(matrix.values[j * k + c]) }
                expected[i * n + j] = Float(sum)
            } }
            #expect(y.tensor.toArray() == expected, "\(path) (\(m), \(k))·(\(n), \(k))ᵀ")
            #expect(xq.allSatisfy { abs($0) <= 127 } && xq.contains { abs($0) == 127 })
        }
    }

    /// The activations' quantizer (C, vectorised) follows the weights' rule (Swift) value
    /// for value, scales included.
    @Test(arguments: paths)
    func activationQuantizerFollowsTheWeightRule(path: Int8Path) {
        var rng = TestRandom(seed: 12)
        let ws = Workspace()
        let x = rng.tensor(Shape(9, 37), -2, 2)
        for c in 0..<37 { x.tensor.data[3 * 37 + c] = 0 }           // an all-zero row: scale 1
        x.tensor.data[5 * 37 + 4] = 1e-30                            // a row with a tiny maximum
        for c in 0..<37 where c != 4 { x.tensor.data[5 * 37 + c] = 0 }
        let matrix = Int8Matrix(rng.tensor(Shape(3, 37)).tensor, path: path)
        let y = TensorStorage(Shape(9, 3))
        let (xq, scales) = Int8MatMul.integerProducts(x.tensor, matrix, into: y.tensor, in: ws)
        let (values, expectedScales) = Int8Quantization.quantizeRows(x.tensor.data, rows: 9, columns: 37)
        #expect(xq == values.map(Int32.init))
        for (s, e) in zip(scales, expectedScales) { #expect(abs(s - e) <= 1e-6 * e) }
        #expect(expectedScales[3] == 1)
        withExtendedLifetime(y) {}
    }

    /// Dequantizing gives back each value within half a step of its row, and a row's
    /// largest magnitude exactly (it maps to ±127).
    @Test func quantizationRoundTripIsWithinHalfAStep() {
        var rng = TestRandom(seed: 13)
        let (rows, columns) = (20, 45)
        let w = rng.tensor(Shape(rows, columns), -4, 4)
        let matrix = Int8Matrix(w.tensor, path: .avx2)
        let back = matrix.dequantizedRows()
        for r in 0..<rows {
            let row = (0..<columns).map { w.tensor[r * columns + $0] }
            let amax = row.map(abs).max()!
            let step = amax / 127
            for c in 0..<columns {
                #expect(abs(back.tensor[r * columns + c] - row[c]) <= step / 2 * 1.0001, "row \(r) column \(c)")
            }
            #expect(matrix.values[(r * columns)..<((r + 1) * columns)].contains { abs($0) == 127 })
        }
    }

    /// y = Σ xq·wq / (s_x·s_w) + bias (then ReLU) approximates x·Wᵀ + bias within the
    /// quantization bound: |error| ≤ Σ_k (|x|·½/s_w + |w|·½/s_x + ¼/(s_x·s_w)).
    @Test(arguments: paths)
    func scaledProductApproximatesFP32(path: Int8Path) {
        var rng = TestRandom(seed: 14)
        let ws = Workspace()
        for (m, n, k) in Self.shapes {
            let x = rng.tensor(Shape(m, k)), w = rng.tensor(Shape(n, k)), bias = rng.tensor(Shape(n))
            let matrix = Int8Matrix(w.tensor, path: path)
            let y = TensorStorage(Shape(m, n))
            Int8MatMul.multiply(x.tensor, matrix, bias: bias.tensor, relu: true, into: y.tensor, in: ws)
            for i in 0..<m { for j in 0..<n {
                let xs = (0..<k).map { x.tensor[i * k + $0] }, wsRow = (0..<k).map { w.tensor[j * k + $0] }
                let sx = Int8Quantization.scale(forMaximum: xs.map(abs).max()!), sw = matrix.scales[j]
                var exact: Double = Double(bias.tensor[j]), bound = 1e-5
                for c in 0..<k {
                    exact += Double(xs[c]) * Double(wsRow[c])
                    bound += Double(abs(xs[c])) * 0.5 / Double(sw) + Double(abs(wsRow[c])) * 0.5 / Double(sx)
                        + 0.25 / Double(sx * sw)
                }
                #expect(abs(Double(y.tensor[i * n + j]) - max(0, exact)) <= bound, "\(path) (\(m), \(n), \(k)) [\(i), \(j)]")
            } }
        }
    }

    /// Threads take pairs of panels, so results are equal bit for bit at any thread count.
    @Test func resultDoesNotDependOnThreadCount() {
        var rng = TestRandom(seed: 15)
        let (m, n, k) = (70, 1000, 160)
        #expect(m * n * k >= 4 * MatMul.parallelWorkThreshold, "must take the parallel path")
        let x = rng.tensor(Shape(m, k)), w = rng.tensor(Shape(n, k))
        let matrix = Int8Matrix(w.tensor)
        func product(_ threads: Int) -> [Float] {
            let y = TensorStorage(Shape(m, n))
            withThreads(threads) { Int8MatMul.multiply(x.tensor, matrix, into: y.tensor, in: Workspace()) }
            return y.tensor.toArray()
        }
        let one = product(1)
        #expect(product(2) == one)
        #expect(product(3) == one)
    }
}
