/// The loss of one row of logits under one of the training criteria, and its gradient:
/// the per-row part of Training's `Criterion`.
public enum RowCriterion: Equatable, Sendable {
    /// LABO with regularization mass α and temperature τ (`LaboRow`).
    case labo(alpha: Float, tau: Float)
    /// fairseq's label-smoothed cross-entropy with smoothing α (`LabelSmoothedRow`).
    case labelSmoothed(alpha: Float)
    case crossEntropy

    /// One row's contribution: the criterion's loss and −log p_y, in Double.
    public typealias Loss = (loss: Double, nll: Double)

    /// Loss of row `z` (n logits) for target `y`; when `grad` is given (it may alias `z`),
    /// writes scale · ∂loss/∂z there. LABO with a gradient needs `scratch` (n floats).
    @inlinable @inline(__always)
    public func evaluate<V: FloatVector>(_: V.Type, _ z: UnsafePointer<Float>, _ n: Int, target y: Int,
                                         grad: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>?,
                                         scale: Float) -> Loss {
        switch self {
        case let .labo(alpha, tau):
            return LaboRow.evaluate(V.self, z, n, target: y, alpha: alpha, tau: tau, grad: grad, scratch: scratch, scale: scale)
        case let .labelSmoothed(alpha):
            return LabelSmoothedRow.evaluate(V.self, z, n, target: y, alpha: alpha, grad: grad, scale: scale)
        case .crossEntropy:
            return CrossEntropyRow.evaluate(V.self, z, n, target: y, grad: grad, scale: scale)
        }
    }
}
