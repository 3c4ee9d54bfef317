/// Sum and mean reductions over all elements, accumulated in Double, and their backward.
public enum Reduce {
    /// Σ x.
    public static func sum(_ x: Tensor) -> Double {
        let n = x.count
        var lanes = SIMD8<Double>()
        var i = 0
        while i + 8 <= n { lanes += SIMD8<Double>(load8(x.data + i)); i += 8 }
        var total = lanes.sum()
        while i < n { total += Double(x.data[i]); i += 1 }
        return total
    }

    /// Σ x / count.
    public static func mean(_ x: Tensor) -> Double { x.count == 0 ? 0 : sum(x) / Double(x.count) }

    /// Backward of `sum`: dx += dy for every element (dy the scalar gradient).
    public static func sumBackward(_ dy: Float, into dx: Tensor) {
        let n = dx.count
        let v = Float8(repeating: dy)
        var i = 0
        while i + 8 <= n { store8(load8(dx.data + i) + v, dx.data + i); i += 8 }
        while i < n { dx.data[i] += dy; i += 1 }
    }

    /// Backward of `mean`: dx += dy / count.
    public static func meanBackward(_ dy: Float, into dx: Tensor) {
        sumBackward(dx.count == 0 ? 0 : dy / Float(dx.count), into: dx)
    }
}
