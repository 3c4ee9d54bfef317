import Foundation
import Testing
import TestSupport
import Tensor
@testable import Training

/// LABO's two limits (docs/labo.md, specification sections 1 and 4): τ → ∞ gives fairseq's label smoothing,
/// α = 0 gives cross-entropy.
@Suite(.timeLimit(.minutes(10))) struct LaboLimitTests {
    /// At τ = 1e4 the analytic gaps to LS are small: α·Var(z)/(2τ) ≈ 2e-5 per token in the
    /// loss, α·(q*_j − 1/(V−1)) ≈ α·(z_j − z̄)/((V−1)·τ) ≤ 5e-6 in the gradient. So LABO
    /// matches fairseq's loss to 1e-4 relative and its gradient to 1e-5 + 1e-4 relative.
    @Test(arguments: [13, 37, 200])
    func largeTauReproducesFairseqLabelSmoothing(vocab: Int) {
        var rng = TestRandom(seed: UInt64(vocab) + 1)
        let logits = rng.floats(4 * vocab, -3, 3)
        let targets: [Int32] = [0, Int32(vocab - 1), Int32(vocab / 3), Int32(rng.index(vocab))]
        let alpha: Float = 0.1
        let labo = run(.labo(alpha: alpha, tau: 1e4), logits: logits, vocab: vocab, targets: targets)
        let ls = run(.labelSmoothed(alpha: alpha), logits: logits, vocab: vocab, targets: targets)
        let fairseq = Reference.batch(logits, vocab: vocab, targets: targets) {
            Reference.labelSmoothed($0, $1, alpha: Double(alpha))
        }
        expectClose(labo.result.loss, fairseq.loss, atol: 0, rtol: 1e-4, "LABO τ=1e4 loss vs fairseq LS")
        expectClose(ls.result.loss, fairseq.loss, atol: 0, rtol: 1e-6, "LS kernel loss vs fairseq LS")
        expectClose(labo.grad, fairseq.grad, atol: 1e-5, rtol: 1e-4, "LABO τ=1e4 gradient vs fairseq LS")
        expectClose(labo.grad, ls.grad.map(Double.init), atol: 1e-5, rtol: 1e-4, "LABO τ=1e4 gradient vs LS kernel")
        #expect(labo.result.nll == ls.result.nll, "nll is −log p_y for both: \(labo.result.nll) vs \(ls.result.nll)")
    }

    /// τ = 1e6 (the nearly-uniform path) is even closer to LS; also checked against the
    /// Double reference of J itself.
    @Test func veryLargeTauStaysOnTheReference() {
        let vocab = 53
        var rng = TestRandom(seed: 8)
        let logits = rng.floats(3 * vocab, -6, 6)
        let targets: [Int32] = [1, 52, 30]
        let labo = run(.labo(alpha: 0.1, tau: 1e6), logits: logits, vocab: vocab, targets: targets)
        let ref = Reference.batch(logits, vocab: vocab, targets: targets) {
            Reference.labo($0, $1, alpha: Double(Float(0.1)), tau: 1e6)
        }
        expectClose(labo.result.loss, ref.loss, atol: 1e-5, rtol: 1e-6, "LABO τ=1e6 loss vs Double J")
        expectClose(labo.grad, ref.grad, atol: 1e-7, rtol: 1e-5, "LABO τ=1e6 gradient vs Double J")
    }

    /// α = 0: loss, nll and gradient identical to the cross-entropy kernel bit for bit,
    /// whatever τ (the q* term is multiplied by exactly 0).
    @Test(arguments: [Float(0.5), 1, 10, 1e6])
    func alphaZeroIsCrossEntropyExactly(tau: Float) {
        for vocab in [9, 40] {
            var rng = TestRandom(seed: UInt64(vocab))
            let logits = rng.floats(5 * vocab, -4, 4)
            let targets: [Int32] = [0, 8, 3, Int32(vocab - 1), 5]
            let labo = run(Criterion(kind: .labo, alpha: 0, tau: tau), logits: logits, vocab: vocab, targets: targets,
                           gradScale: 0.25)
            let ce = run(.crossEntropy, logits: logits, vocab: vocab, targets: targets, gradScale: 0.25)
            #expect(labo.result == ce.result, "α=0 τ=\(tau) V=\(vocab): LABO \(labo.result) vs CE \(ce.result)")
            expectBitwiseEqual(labo.grad, ce.grad, "α=0 τ=\(tau) V=\(vocab) gradient")
            let ref = Reference.batch(logits, vocab: vocab, targets: targets, Reference.crossEntropy)
            expectClose(ce.result.loss, ref.loss, atol: 1e-5, rtol: 1e-6, "CE loss vs reference")
        }
    }
}
