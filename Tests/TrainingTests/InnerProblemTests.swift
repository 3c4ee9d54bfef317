import Foundation
import Testing
import TestSupport
import Tensor
@testable import Training

/// docs/labo.md, specification section 3: the closed-form q* is the minimiser of the inner objective
/// F(q) = H(q, p) − τ·H(q) over the simplex of the non-target classes.
@Suite(.timeLimit(.minutes(10))) struct InnerProblemTests {
    /// F(q) = −Σ_j q_j log p_j + τ Σ_j q_j log q_j over the non-target entries.
    func objective(_ q: [Double], _ logP: [Double], tau: Double) -> Double {
        zip(q, logP).reduce(0) { $0 - $1.0 * $1.1 + ($1.0 > 0 ? tau * $1.0 * log($1.0) : 0) }
    }

    /// Exponentiated gradient (mirror descent on the simplex) from the uniform point, with a
    /// step well below the one that would jump to the fixed point, run to convergence.
    func bruteForceMinimiser(_ logP: [Double], tau: Double) -> [Double] {
        var q = [Double](repeating: 1 / Double(logP.count), count: logP.count)
        let step = 0.2 / tau
        for _ in 0..<2000 {
            let grad = zip(q, logP).map { -$0.1 + tau * (log($0.0) + 1) }
            let g0 = grad.min()!
            var next = zip(q, grad).map { $0.0 * exp(-step * ($0.1 - g0)) }
            let s = next.reduce(0, +)
            next = next.map { $0 / s }
            q = next
        }
        return q
    }

    /// The kernel's q*, read from its gradient (g = p − (1−α)e_y − αq*, so q*_j = (p_j − g_j)/α),
    /// against the brute-force minimiser; and the kernel's J against the outer objective at
    /// that minimiser plus the constant ατ·log(V−1) that section 4 removes.
    @Test(arguments: [Float(0.5), 1, 2, 10])
    func closedFormMatchesBruteForce(tau: Float) {
        let alpha: Float = 0.5
        var rng = TestRandom(seed: UInt64(tau * 10))
        for vocab in 4...6 {
            for _ in 0..<3 {
                let logits = rng.floats(vocab, -2, 2)
                let y = rng.index(vocab)
                let out = run(.labo(alpha: alpha, tau: tau), logits: logits, vocab: vocab, targets: [Int32(y)])
                let z = logits.map(Double.init)
                let p = Reference.softmax(z)
                let others = z.indices.filter { $0 != y }
                let logP = others.map { log(p[$0]) }
                let brute = bruteForceMinimiser(logP, tau: Double(tau))
                let kernelQ = others.map { (p[$0] - Double(out.grad[$0])) / Double(alpha) }
                expectClose(kernelQ, brute, atol: 1e-4, rtol: 0, "q* τ=\(tau) V=\(vocab) y=\(y) vs brute force")

                let inner = objective(brute, logP, tau: Double(tau))
                let outer = Double(1 - alpha) * -log(p[y]) + Double(alpha) * inner
                let constant = Double(alpha) * Double(tau) * log(Double(vocab - 1))
                expectClose(out.result.loss, outer + constant, atol: 1e-4, rtol: 0,
                            "J τ=\(tau) V=\(vocab) vs outer objective at the brute-force q")
            }
        }
    }

    /// q* does beat nearby points of the simplex: the brute force found a minimum, not a
    /// stationary point of something else.
    @Test func perturbationsOfQStarIncreaseTheObjective() {
        var rng = TestRandom(seed: 4)
        let z = rng.floats(6, -2, 2).map(Double.init)
        let y = 2, tau = 1.5
        let p = Reference.softmax(z)
        let others = z.indices.filter { $0 != y }
        let logP = others.map { log(p[$0]) }
        let q = others.map { Reference.qStar(z, y, tau: tau)[$0] }
        let best = objective(q, logP, tau: tau)
        for _ in 0..<20 {
            let noise = others.map { _ in Double(rng.uniform(-0.02, 0.02)) }
            let mean = noise.reduce(0, +) / Double(noise.count)
            let moved = zip(q, noise).map { max($0.0 + $0.1 - mean, 1e-12) }
            let s = moved.reduce(0, +)
            let value = objective(moved.map { $0 / s }, logP, tau: tau)
            #expect(value > best, "F at a perturbed point \(value) is not above F(q*) = \(best)")
        }
    }
}
