import Foundation
import Testing
import Tensor

/// Deterministic pseudo-random numbers for test inputs (SplitMix64).
public struct TestRandom {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        var generator = SeededGenerator(seed: state)
        defer { state = generator.state }
        return generator.next()
    }

    /// Uniform in [lo, hi).
    public mutating func uniform(_ lo: Float = -1, _ hi: Float = 1) -> Float {
        lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
    }

    /// Uniform in 0..<n.
    public mutating func index(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    public mutating func floats(_ count: Int, _ lo: Float, _ hi: Float) -> [Float] {
        (0..<count).map { _ in uniform(lo, hi) }
    }

    public mutating func tensor(_ shape: Shape, _ lo: Float = -1, _ hi: Float = 1) -> TensorStorage {
        TensorStorage(shape, values: (0..<shape.count).map { _ in uniform(lo, hi) })
    }
}

/// Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise; on failure reports the
/// largest violation, its index and both values.
public func expectClose(_ actual: [Double], _ expected: [Double], atol: Double, rtol: Double,
                        _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)",
            sourceLocation: sourceLocation)
    var worst = 0.0, worstIndex = -1
    for i in 0..<min(actual.count, expected.count) {
        let a = actual[i], e = expected[i]
        guard a.isFinite else { worst = .infinity; worstIndex = i; break }
        let excess = abs(a - e) - (atol + rtol * abs(e))
        if excess > worst { worst = excess; worstIndex = i }
    }
    #expect(worstIndex < 0,
            "\(what): largest difference at index \(worstIndex): got \(worstIndex >= 0 ? actual[worstIndex] : 0), expected \(worstIndex >= 0 ? expected[worstIndex] : 0), |diff| \(worstIndex >= 0 ? abs(actual[worstIndex] - expected[worstIndex]) : 0) (atol \(atol), rtol \(rtol))",
            sourceLocation: sourceLocation)
}

public func expectClose(_ actual: [Float], _ expected: [Double], atol: Double, rtol: Double,
                        _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(actual.map(Double.init), expected, atol: atol, rtol: rtol, what, sourceLocation: sourceLocation)
}

public func expectClose(_ actual: [Float], _ expected: [Float], atol: Double, rtol: Double,
                        _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(actual.map(Double.init), expected.map(Double.init), atol: atol, rtol: rtol, what, sourceLocation: sourceLocation)
}

public func expectClose(_ actual: Double, _ expected: Double, atol: Double, rtol: Double,
                        _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose([actual], [expected], atol: atol, rtol: rtol, what, sourceLocation: sourceLocation)
}

/// Asserts two Float arrays are identical bit for bit; on failure reports the first
/// differing index and both values.
public func expectBitwiseEqual(_ a: [Float], _ b: [Float], _ what: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values", sourceLocation: sourceLocation)
    let first = a.indices.first { $0 < b.count && a[$0].bitPattern != b[$0].bitPattern }
    #expect(first == nil, "\(what): first difference at index \(first ?? -1): \(first.map { a[$0] } ?? 0) vs \(first.map { b[$0] } ?? 0)",
            sourceLocation: sourceLocation)
}

/// Central finite differences of a scalar loss (accumulated in Double by the caller) with
/// respect to every element of `input`, compared with `analytic`.
///
/// The step is the actual difference of the two perturbed Float values, so rounding of
/// x ± eps does not bias the quotient.
public func checkGradient(_ what: String, input: Tensor, analytic: [Float],
                   eps: Float = 1e-2, atol: Double = 1e-3, rtol: Double = 1e-2,
                   sourceLocation: SourceLocation = #_sourceLocation,
                   loss: () -> Double) {
    var numeric = [Double](repeating: 0, count: input.count)
    for i in 0..<input.count {
        let saved = input[i]
        let up = saved + eps, down = saved - eps
        input[i] = up
        let lossUp = loss()
        input[i] = down
        let lossDown = loss()
        input[i] = saved
        numeric[i] = (lossUp - lossDown) / (Double(up) - Double(down))
    }
    expectClose(analytic, numeric, atol: atol, rtol: rtol, "\(what) gradient vs finite differences",
                sourceLocation: sourceLocation)
}

/// Σ y ⊙ w in Double: a loss whose gradient with respect to y is w.
public func weightedSum(_ y: Tensor, _ w: Tensor) -> Double {
    var s = 0.0
    for i in 0..<y.count { s += Double(y[i]) * Double(w[i]) }
    return s
}

/// Runs `body` with the given thread count and restores one thread afterwards.
public func withThreads<T>(_ n: Int, _ body: () throws -> T) rethrows -> T {
    Threads.set(n)
    defer { Threads.set(1) }
    return try body()
}
