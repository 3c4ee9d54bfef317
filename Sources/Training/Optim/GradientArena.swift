import Tensor
import Transformer

/// Gradient utilities over the whole arena.
public enum GradientArena {
    /// √Σ g² accumulated in Double.
    public static func norm(_ gradients: ParameterArena) -> Double {
        let g = gradients.base
        var total = 0.0
        for i in 0..<gradients.table.count { total += Double(g[i]) * Double(g[i]) }
        return total.squareRoot()
    }

    /// True when every gradient is finite.
    public static func isFinite(_ gradients: ParameterArena) -> Bool {
        let g = gradients.base
        for i in 0..<gradients.table.count where !g[i].isFinite { return false }
        return true
    }

    public static func scale(_ gradients: ParameterArena, by factor: Float) {
        Elementwise.scale(gradients.flat, by: factor, into: gradients.flat)
    }

    /// fairseq's clip_grad_norm_: when the norm exceeds `maxNorm`, multiply by
    /// maxNorm / (norm + 1e-6). Returns the norm before clipping.
    @discardableResult
    public static func clip(_ gradients: ParameterArena, maxNorm: Float) -> Double {
        let total = norm(gradients)
        if maxNorm > 0 && total > Double(maxNorm) {
            scale(gradients, by: Float(Double(maxNorm) / (total + 1e-6)))
        }
        return total
    }
}
