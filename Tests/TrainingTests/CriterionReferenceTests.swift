import Foundation
import Testing
import TestSupport
import Tensor
@testable import Training

/// Every criterion against its Double reference, on vocabularies that are and are not
/// multiples of 8, with targets in the SIMD blocks and in the scalar tail.
@Suite(.timeLimit(.minutes(10))) struct CriterionReferenceTests {
    static let criteria: [Criterion] = [.labo(alpha: 0.1, tau: 2), .labo(alpha: 0.3, tau: 0.5),
                                        .labelSmoothed(alpha: 0.1), .crossEntropy]

    func reference(_ c: Criterion) -> ([Double], Int) -> (loss: Double, grad: [Double]) {
        switch c.kind {
        case .labo: return { Reference.labo($0, $1, alpha: Double(c.alpha), tau: Double(c.tau)) }
        case .labelSmoothedCrossEntropy: return { Reference.labelSmoothed($0, $1, alpha: Double(c.alpha)) }
        case .crossEntropy: return { Reference.crossEntropy($0, $1) }
        }
    }

    @Test(arguments: [2, 5, 8, 13, 37, 67])
    func gradientInPlaceAndSumsMatchReference(vocab: Int) {
        var rng = TestRandom(seed: UInt64(vocab))
        let rows = 6
        let logits = rng.floats(rows * vocab, -4, 4)
        // First, last, a middle one and random targets: both SIMD-block and tail positions.
        let targets: [Int32] = [0, vocab - 1, vocab / 2, rng.index(vocab), rng.index(vocab), rng.index(vocab)]
            .map { Int32($0) }
        let scale: Float = 0.5
        for criterion in Self.criteria {
            let name = "\(criterion.kind.rawValue) α=\(criterion.alpha) τ=\(criterion.tau) V=\(vocab)"
            let out = run(criterion, logits: logits, vocab: vocab, targets: targets, gradScale: scale)
            let ref = Reference.batch(logits, vocab: vocab, targets: targets, reference(criterion))
            let nll = Reference.batch(logits, vocab: vocab, targets: targets, Reference.crossEntropy).loss
            expectClose(out.result.loss, ref.loss, atol: 1e-5, rtol: 1e-6, "\(name) loss")
            expectClose(out.result.nll, nll, atol: 1e-5, rtol: 1e-6, "\(name) nll")
            #expect(out.result.tokens == rows)
            expectClose(out.grad, ref.grad.map { $0 * Double(scale) }, atol: 1e-7, rtol: 1e-5, "\(name) gradient")
        }
    }

    @Test(arguments: [13, 67])
    func lossOnlyMatchesEvaluateAndLeavesLogits(vocab: Int) {
        var rng = TestRandom(seed: 99)
        let logits = rng.floats(5 * vocab, -3, 3)
        let targets: [Int32] = [3, 1, Int32(vocab - 1), 2, 0]
        for criterion in Self.criteria {
            let full = run(criterion, logits: logits, vocab: vocab, targets: targets, padID: 2)
            let only = lossOnly(criterion, logits: logits, vocab: vocab, targets: targets, padID: 2)
            #expect(only.result == full.result, "\(criterion.kind.rawValue): loss-only \(only.result) vs evaluate \(full.result)")
            expectBitwiseEqual(only.logitsAfter, logits, "\(criterion.kind.rawValue): logits after loss-only")
        }
    }

    /// Σ_v ∂J/∂z_v = 1 − (1 − α) − α = 0 for every criterion: a property independent of the
    /// reference implementations.
    @Test func gradientRowsSumToZero() {
        var rng = TestRandom(seed: 5)
        let vocab = 29
        let logits = rng.floats(4 * vocab, -5, 5)
        let targets: [Int32] = [0, 7, 28, 13]
        for criterion in Self.criteria {
            let grad = run(criterion, logits: logits, vocab: vocab, targets: targets).grad
            let sums = (0..<4).map { r in grad[(r * vocab)..<((r + 1) * vocab)].reduce(0.0) { $0 + Double($1) } }
            expectClose(sums, [Double](repeating: 0, count: 4), atol: 1e-6, rtol: 0,
                        "\(criterion.kind.rawValue) gradient row sums")
        }
    }
}
