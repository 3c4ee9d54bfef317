/// Label-smoothed cross-entropy of one row, fairseq's `label_smoothed_nll_loss` exactly
/// (fairseq/criterions/label_smoothed_cross_entropy.py):
///
///     eps_i = α / (V − 1)
///     loss  = (1 − α − eps_i) · nll + eps_i · Σ_v (−log p_v)
///
/// Its gradient is softmax(z) − (1 − α)·e_y − eps_i·(1 − e_y): LABO's form with q uniform
/// over the non-target classes (docs/labo.md, specification section 1).
@usableFromInline
enum LabelSmoothedRow {
    /// Loss of row `z` (n ≥ 2 logits) for target `y` with smoothing mass `alpha`; when
    /// `grad` is given (it may alias `z`), writes scale · ∂loss/∂z there.
    /// Passes over the row: max, Σ z, Σ exp (storing the exponentials in `grad`),
    /// gradient (no exponential).
    @inlinable @inline(__always)
    static func evaluate<V: FloatVector>(_: V.Type, _ z: UnsafePointer<Float>, _ n: Int, target y: Int, alpha: Float,
                                         grad: UnsafeMutablePointer<Float>?, scale: Float) -> RowCriterion.Loss {
        let zy = z[y]
        let m = V.maxRow(z, n)
        let total = sum(V.self, z, n)
        let expSum = grad.map { V.exponentiateRow(z, n, shift: m, into: $0) } ?? V.expSumRow(z, n, shift: m)
        let shift = LogSoftmaxShift(max: m, expSum: expSum)
        let nll = shift.logSumExp - Double(zy)
        // Σ_v (−log p_v) = V·logsumexp(z) − Σ_v z_v.
        let smooth = Double(n) * shift.logSumExp - total
        let epsI = Double(alpha) / Double(n - 1)
        let loss = (1 - Double(alpha) - epsI) * nll + epsI * smooth
        if let g = grad {
            let inverse = 1 / expSum
            let py = g[y] * inverse
            V.scaleRow(g, n, times: scale * inverse, minus: Float(epsI) * scale, into: g)
            // (1 − α − eps_i) from the nll term plus eps_i from the smoothing term.
            g[y] = scale * (py - (1 - alpha))
        }
        return (loss, nll)
    }

    /// Σ_v z_v in Double.
    @inlinable @inline(__always)
    static func sum<V: FloatVector>(_: V.Type, _ z: UnsafePointer<Float>, _ n: Int) -> Double {
        var s = BlockedSum<V>()
        var c = 0
        while c + V.laneCount <= n { s.add(V.load(z + c)); c += V.laneCount }
        while c < n { s.add(z[c]); c += 1 }
        return s.finish()
    }
}
