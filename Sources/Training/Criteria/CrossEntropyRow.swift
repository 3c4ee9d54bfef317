import Foundation
import Tensor

/// Cross-entropy of one row: loss = −log p_y = logsumexp(z) − z_y, ∂/∂z = softmax(z) − e_y.
enum CrossEntropyRow {
    /// Loss of row `z` (n logits) for target `y`; when `grad` is given (it may alias `z`),
    /// writes scale · ∂loss/∂z there. Passes over the row: max, Σ exp, gradient.
    @inline(__always)
    static func evaluate(_ z: UnsafePointer<Float>, _ n: Int, target y: Int,
                         grad: UnsafeMutablePointer<Float>?, scale: Float) -> RowLoss {
        let zy = z[y]
        let m = Softmax.maxRow(z, n)
        let shift = LogSoftmaxShift(max: m, expSum: expSumRow(z, n, shift: m))
        let nll = shift.logSumExp - Double(zy)
        if let g = grad {
            writeScaledSoftmax(z, n, shift, scale: scale, minus: 0, into: g)
            g[y] = scale * (shift.probability(zy) - 1)
        }
        return (nll, nll)
    }
}
