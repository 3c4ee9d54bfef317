import Tensor
import Transformer

/// Gradient utilities over the whole arena.
public enum GradientArena {
    /// √Σ g² accumulated in Double (`Reduce.sumOfSquares`: fixed blocks over the threads,
    /// the same for every thread count).
    public static func norm(_ gradients: ParameterArena) -> Double {
        Reduce.sumOfSquares(gradients.flat).squareRoot()
    }

    /// True when every gradient is finite.
    public static func isFinite(_ gradients: ParameterArena) -> Bool {
        Reduce.allFinite(gradients.flat)
    }

    public static func scale(_ gradients: ParameterArena, by factor: Float) {
        Elementwise.scale(gradients.flat, by: factor, into: gradients.flat)
    }

    /// fairseq's clip_grad_norm_: when the norm exceeds `maxNorm`, multiply by
    /// maxNorm / (norm + 1e-6). Returns the norm before clipping, or nil when `maxNorm` ≤ 0
    /// turns clipping off (then the norm is not computed: a pass over every gradient saved).
    @discardableResult
    public static func clip(_ gradients: ParameterArena, maxNorm: Float) -> Double? {
        guard maxNorm > 0 else { return nil }
        let total = norm(gradients)
        if total > Double(maxNorm) {
            scale(gradients, by: Float(Double(maxNorm) / (total + 1e-6)))
        }
        return total
    }
}
