/// Cross-entropy of one row: loss = −log p_y = logsumexp(z) − z_y, ∂/∂z = softmax(z) − e_y.
@usableFromInline
enum CrossEntropyRow {
    /// Loss of row `z` (n logits) for target `y`; when `grad` is given (it may alias `z`),
    /// writes scale · ∂loss/∂z there. Passes over the row: max, Σ exp (storing the
    /// exponentials in `grad`), gradient (no exponential).
    @inlinable @inline(__always)
    static func evaluate<V: FloatVector>(_: V.Type, _ z: UnsafePointer<Float>, _ n: Int, target y: Int,
                                         grad: UnsafeMutablePointer<Float>?, scale: Float) -> RowCriterion.Loss {
        let zy = z[y]
        let m = V.maxRow(z, n)
        guard let g = grad else {
            let nll = LogSoftmaxShift(max: m, expSum: V.expSumRow(z, n, shift: m)).logSumExp - Double(zy)
            return (nll, nll)
        }
        let expSum = V.exponentiateRow(z, n, shift: m, into: g)
        let shift = LogSoftmaxShift(max: m, expSum: expSum)
        let nll = shift.logSumExp - Double(zy)
        let inverse = 1 / expSum
        let py = g[y] * inverse
        V.scaleRow(g, n, times: scale * inverse, minus: 0, into: g)
        g[y] = scale * (py - 1)
        return (nll, nll)
    }
}
