import Foundation
import Testing
import TestSupport
import Tensor
@testable import Training

/// docs/labo.md, specification section 5, last item: logits of ±1e4, τ from 0.5 to 1e6, V = 32000 give finite
/// losses and gradients, and still the right values.
@Suite(.timeLimit(.minutes(10))) struct NumericalSafetyTests {
    static let vocab = 32000

    /// Rows: random signs of 1e4; uniform in ±1e4; a dominant target (+1e4 against −1e4);
    /// a target at −1e4 against one +1e4 logit, the rest moderate.
    static func extremeBatch() -> (logits: [Float], targets: [Int32]) {
        var rng = TestRandom(seed: 32000)
        var logits: [Float] = []
        logits += (0..<vocab).map { _ in rng.next() & 1 == 0 ? 1e4 : -1e4 }
        logits += rng.floats(vocab, -1e4, 1e4)
        var peaked = [Float](repeating: -1e4, count: vocab)
        peaked[31999] = 1e4
        logits += peaked
        var against = rng.floats(vocab, -3, 3)
        against[7] = -1e4
        against[12345] = 1e4
        logits += against
        return (logits, [17, 31998, 31999, 7])
    }

    @Test(arguments: [Float(0.5), 1, 2, 10, 1e6])
    func laboStaysFiniteAndCorrect(tau: Float) {
        check(.labo(alpha: 0.1, tau: tau)) { Reference.labo($0, $1, alpha: Double(Float(0.1)), tau: Double(tau)) }
    }

    @Test func labelSmoothingAndCrossEntropyStayFinite() {
        check(.labelSmoothed(alpha: 0.1)) { Reference.labelSmoothed($0, $1, alpha: Double(Float(0.1))) }
        check(.crossEntropy) { Reference.crossEntropy($0, $1) }
    }

    /// Finite everywhere; the loss (a sum of ~2e4) within 1e-7 relative of the Double
    /// reference, every gradient entry within 1e-6.
    func check(_ criterion: Criterion, sourceLocation: SourceLocation = #_sourceLocation,
               reference: ([Double], Int) -> (loss: Double, grad: [Double])) {
        let (logits, targets) = Self.extremeBatch()
        let name = "\(criterion.kind.rawValue) τ=\(criterion.tau)"
        let out = run(criterion, logits: logits, vocab: Self.vocab, targets: targets)
        let only = lossOnly(criterion, logits: logits, vocab: Self.vocab, targets: targets)
        #expect(out.result.loss.isFinite && out.result.nll.isFinite, "\(name): \(out.result)", sourceLocation: sourceLocation)
        #expect(only.result == out.result, "\(name): loss-only \(only.result)", sourceLocation: sourceLocation)
        let bad = out.grad.firstIndex { !$0.isFinite }
        #expect(bad == nil, "\(name): gradient \(bad.map { out.grad[$0] } ?? 0) at index \(bad ?? -1)",
                sourceLocation: sourceLocation)
        let ref = Reference.batch(logits, vocab: Self.vocab, targets: targets, reference)
        expectClose(out.result.loss, ref.loss, atol: 0, rtol: 1e-7, "\(name) loss vs Double reference",
                    sourceLocation: sourceLocation)
        expectClose(out.grad, ref.grad, atol: 1e-6, rtol: 0, "\(name) gradient vs Double reference",
                    sourceLocation: sourceLocation)
    }
}
