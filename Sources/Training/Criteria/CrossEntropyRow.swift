import Foundation
import Tensor

/// Cross-entropy of one row: loss = −log p_y = logsumexp(z) − z_y, ∂/∂z = softmax(z) − e_y.
enum CrossEntropyRow {
    /// Loss of row `z` (n logits) for target `y`; when `grad` is given (it may alias `z`),
    /// writes scale · ∂loss/∂z there. Passes over the row: max, Σ exp (storing the
    /// exponentials in `grad`), gradient (no exponential).
    @inline(__always)
    static func evaluate(_ z: UnsafePointer<Float>, _ n: Int, target y: Int,
                         grad: UnsafeMutablePointer<Float>?, scale: Float) -> RowLoss {
        let zy = z[y]
        let m = Softmax.maxRow(z, n)
        guard let g = grad else {
            let nll = LogSoftmaxShift(max: m, expSum: expSumRow(z, n, shift: m)).logSumExp - Double(zy)
            return (nll, nll)
        }
        let expSum = Softmax.exponentiateRow(z, n, shift: m, into: g)
        let shift = LogSoftmaxShift(max: m, expSum: expSum)
        let nll = shift.logSumExp - Double(zy)
        let inverse = 1 / expSum
        let py = g[y] * inverse
        scaleRow(g, n, times: scale * inverse, minus: 0, into: g)
        g[y] = scale * (py - 1)
        return (nll, nll)
    }
}
