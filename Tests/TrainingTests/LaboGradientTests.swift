import Foundation
import Testing
import TestSupport
import Tensor
@testable import Training

/// docs/labo.md, specification section 5, first item: J's gradient (with q* held fixed, by Danskin's theorem)
/// equals central finite differences of J.
@Suite(.timeLimit(.minutes(10))) struct LaboGradientTests {
    static let temperatures: [Float] = [0.5, 1, 2, 10]

    /// Finite differences of the Double reference J (h = 1e-5: truncation ~h², rounding
    /// ~1e-16/h, both far below the tolerance) against the Float kernel's gradient:
    /// ≤ 1e-4 relative, with 1e-7 absolute for components near zero.
    @Test(arguments: temperatures)
    func kernelGradientMatchesFiniteDifferencesOfJ(tau: Float) {
        let alpha: Float = 0.2
        for vocab in [13, 37] {
            var rng = TestRandom(seed: UInt64(vocab) &* 31 &+ UInt64(tau * 4))
            let logits = rng.floats(3 * vocab, -3, 3)
            let targets: [Int32] = [Int32(vocab - 1), 4, Int32(rng.index(vocab))]
            let kernel = run(.labo(alpha: alpha, tau: tau), logits: logits, vocab: vocab, targets: targets).grad
            var numeric: [Double] = []
            let h = 1e-5
            for (r, t) in targets.enumerated() {
                let z = logits[(r * vocab)..<((r + 1) * vocab)].map(Double.init)
                for v in 0..<vocab {
                    var up = z, down = z
                    up[v] += h
                    down[v] -= h
                    let jUp = Reference.laboLoss(up, Int(t), alpha: Double(alpha), tau: Double(tau))
                    let jDown = Reference.laboLoss(down, Int(t), alpha: Double(alpha), tau: Double(tau))
                    numeric.append((jUp - jDown) / (2 * h))
                }
            }
            expectClose(kernel, numeric, atol: 1e-7, rtol: 1e-4, "LABO τ=\(tau) V=\(vocab) gradient vs FD of J")
        }
    }

    /// The reference's closed-form gradient against its own finite differences, tightly:
    /// the formula ∂J/∂z = softmax(z) − (1−α)e_y − αq* itself, free of Float rounding.
    @Test(arguments: temperatures)
    func closedFormGradientIsExactInDouble(tau: Float) {
        var rng = TestRandom(seed: 17)
        let z = rng.floats(11, -3, 3).map(Double.init)
        let y = 6, alpha = 0.3, h = 1e-5
        let analytic = Reference.laboGradient(z, y, alpha: alpha, tau: Double(tau))
        let numeric = z.indices.map { v -> Double in
            var up = z, down = z
            up[v] += h
            down[v] -= h
            return (Reference.laboLoss(up, y, alpha: alpha, tau: Double(tau))
                - Reference.laboLoss(down, y, alpha: alpha, tau: Double(tau))) / (2 * h)
        }
        expectClose(analytic, numeric, atol: 1e-9, rtol: 1e-7, "reference LABO τ=\(tau) gradient vs FD")
    }

    /// Finite differences of the Float kernel's own loss. Its loss is a Double sum of
    /// Float log-sum-exps (rounding ~1e-6), so the step is 1e-2 and the tolerance looser:
    /// 1e-3 absolute + 1e-2 relative.
    @Test(arguments: temperatures)
    func kernelGradientMatchesFiniteDifferencesOfKernelLoss(tau: Float) {
        let vocab = 21, alpha: Float = 0.2
        var rng = TestRandom(seed: 3)
        let logits = rng.floats(2 * vocab, -3, 3)
        let targets: [Int32] = [20, 9]
        let criterion = Criterion.labo(alpha: alpha, tau: tau)
        let analytic = run(criterion, logits: logits, vocab: vocab, targets: targets).grad
        var numeric: [Double] = []
        for i in logits.indices {
            var up = logits, down = logits
            up[i] += 1e-2
            down[i] -= 1e-2
            let lossUp = lossOnly(criterion, logits: up, vocab: vocab, targets: targets).result.loss
            let lossDown = lossOnly(criterion, logits: down, vocab: vocab, targets: targets).result.loss
            numeric.append((lossUp - lossDown) / (Double(up[i]) - Double(down[i])))
        }
        expectClose(analytic, numeric, atol: 1e-3, rtol: 1e-2, "LABO τ=\(tau) gradient vs FD of the kernel's loss")
    }
}
