import Foundation
import Testing
import Tensor
@testable import Training

/// Deterministic pseudo-random numbers for test inputs (SplitMix64).
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    mutating func uniform(_ lo: Float = -1, _ hi: Float = 1) -> Float {
        lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
    }

    /// Uniform in 0..<n.
    mutating func index(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    mutating func floats(_ count: Int, _ lo: Float, _ hi: Float) -> [Float] {
        (0..<count).map { _ in uniform(lo, hi) }
    }
}

/// Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise; on failure reports the
/// largest violation, its index and both values.
func expectClose(_ actual: [Double], _ expected: [Double], atol: Double, rtol: Double,
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

func expectClose(_ actual: [Float], _ expected: [Double], atol: Double, rtol: Double,
                 _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(actual.map(Double.init), expected, atol: atol, rtol: rtol, what, sourceLocation: sourceLocation)
}

func expectClose(_ actual: Double, _ expected: Double, atol: Double, rtol: Double,
                 _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose([actual], [expected], atol: atol, rtol: rtol, what, sourceLocation: sourceLocation)
}

/// Asserts two Float arrays are identical bit for bit; on failure reports the first
/// differing index and both values.
func expectBitwiseEqual(_ a: [Float], _ b: [Float], _ what: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values", sourceLocation: sourceLocation)
    let first = a.indices.first { $0 < b.count && a[$0].bitPattern != b[$0].bitPattern }
    #expect(first == nil, "\(what): first difference at index \(first ?? -1): \(first.map { a[$0] } ?? 0) vs \(first.map { b[$0] } ?? 0)",
            sourceLocation: sourceLocation)
}

/// One criterion call on copies of the inputs: the sums and the gradient it wrote.
func run(_ criterion: Criterion, logits: [Float], vocab: Int, targets: [Int32], padID: Int32 = -1,
         gradScale: Float = 1) -> (result: CriterionResult, grad: [Float]) {
    let storage = TensorStorage(Shape(logits.count / vocab, vocab), values: logits)
    let result = targets.withUnsafeBufferPointer {
        criterion.evaluate(logits: storage.tensor, targets: $0.baseAddress!, padID: padID, gradScale: gradScale)
    }
    return (result, storage.tensor.toArray())
}

/// The loss-only variant on a copy of the inputs; also returns the logits afterwards.
func lossOnly(_ criterion: Criterion, logits: [Float], vocab: Int, targets: [Int32],
              padID: Int32 = -1) -> (result: CriterionResult, logitsAfter: [Float]) {
    let storage = TensorStorage(Shape(logits.count / vocab, vocab), values: logits)
    let result = targets.withUnsafeBufferPointer {
        criterion.loss(logits: storage.tensor, targets: $0.baseAddress!, padID: padID)
    }
    return (result, storage.tensor.toArray())
}

/// Runs `body` with the given thread count and restores one thread afterwards.
func withThreads<T>(_ n: Int, _ body: () throws -> T) rethrows -> T {
    Threads.set(n)
    defer { Threads.set(1) }
    return try body()
}
