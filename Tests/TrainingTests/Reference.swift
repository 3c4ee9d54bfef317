import Foundation

/// The criteria by their definitions, in Double, one row at a time: the references the
/// Float kernels are compared with.
enum Reference {
    static func logSumExp(_ z: [Double]) -> Double {
        let m = z.max()!
        return m + log(z.reduce(0) { $0 + exp($1 - m) })
    }

    static func softmax(_ z: [Double]) -> [Double] {
        let lse = logSumExp(z)
        return z.map { exp($0 - lse) }
    }

    /// −log p_y and softmax(z) − e_y.
    static func crossEntropy(_ z: [Double], _ y: Int) -> (loss: Double, grad: [Double]) {
        var grad = softmax(z)
        grad[y] -= 1
        return (logSumExp(z) - z[y], grad)
    }

    /// fairseq's label_smoothed_nll_loss, literally: lprobs, nll, smooth_loss, eps_i.
    static func labelSmoothed(_ z: [Double], _ y: Int, alpha: Double) -> (loss: Double, grad: [Double]) {
        let lse = logSumExp(z)
        let lprobs = z.map { $0 - lse }
        let nll = -lprobs[y]
        let smooth = -lprobs.reduce(0, +)
        let v = Double(z.count)
        let epsI = alpha / (v - 1)
        let loss = (1 - alpha - epsI) * nll + epsI * smooth
        // ∂nll/∂z = p − e_y and ∂smooth/∂z = V·p − 1.
        let p = softmax(z)
        var grad = p.map { (1 - alpha - epsI) * $0 + epsI * (v * $0 - 1) }
        grad[y] -= 1 - alpha - epsI
        return (loss, grad)
    }

    /// q*_j = exp(z_j/τ) / Σ_{i≠y} exp(z_i/τ), q*_y = 0 (docs/labo.md, specification section 3).
    static func qStar(_ z: [Double], _ y: Int, tau: Double) -> [Double] {
        let others = z.indices.filter { $0 != y }
        let m = others.map { z[$0] }.max()!
        let s = others.reduce(0) { $0 + exp((z[$1] - m) / tau) }
        return z.indices.map { $0 == y ? 0 : exp((z[$0] - m) / tau) / s }
    }

    /// J = logsumexp(z) − (1−α)·z_y − α·τ·log((1/(V−1)) Σ_{j≠y} exp(z_j/τ)) and its gradient
    /// softmax(z) − (1−α)·e_y − α·q* (docs/labo.md, specification section 4). The mean of exponentials is taken
    /// through expm1/log1p, which stays accurate in Double for every τ.
    static func labo(_ z: [Double], _ y: Int, alpha: Double, tau: Double) -> (loss: Double, grad: [Double]) {
        (laboLoss(z, y, alpha: alpha, tau: tau), laboGradient(z, y, alpha: alpha, tau: tau))
    }

    static func laboLoss(_ z: [Double], _ y: Int, alpha: Double, tau: Double) -> Double {
        let others = z.indices.filter { $0 != y }
        let m = others.map { z[$0] }.max()!
        let meanExpm1 = others.reduce(0) { $0 + expm1((z[$1] - m) / tau) } / Double(others.count)
        let smoothing = m + tau * log1p(meanExpm1)
        return logSumExp(z) - (1 - alpha) * z[y] - alpha * smoothing
    }

    static func laboGradient(_ z: [Double], _ y: Int, alpha: Double, tau: Double) -> [Double] {
        let p = softmax(z), q = qStar(z, y, tau: tau)
        return z.indices.map { p[$0] - ($0 == y ? 1 - alpha : 0) - alpha * q[$0] }
    }

    /// Applies a per-row reference to a (N, V) batch: summed loss and the gradient rows.
    static func batch(_ logits: [Float], vocab: Int, targets: [Int32],
                      _ row: ([Double], Int) -> (loss: Double, grad: [Double])) -> (loss: Double, grad: [Double]) {
        var loss = 0.0, grad: [Double] = []
        for (r, t) in targets.enumerated() {
            let z = logits[(r * vocab)..<((r + 1) * vocab)].map(Double.init)
            let out = row(z, Int(t))
            loss += out.loss
            grad += out.grad
        }
        return (loss, grad)
    }
}
