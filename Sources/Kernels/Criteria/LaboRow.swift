import Foundation

/// The LABO loss of one row, in the closed form of docs/labo.md, specification section 4:
///
///     J     = logsumexp(z) − (1 − α)·z_y − α·τ·log( (1/(V−1)) · Σ_{j≠y} exp(z_j/τ) )
///     ∂J/∂z = softmax(z) − (1 − α)·e_y − α·q*,   q*_j = exp(z_j/τ) / Σ_{i≠y} exp(z_i/τ), q*_y = 0
///
/// (section 3 gives q*; the gradient holds q* fixed by Danskin's theorem, see docs/labo.md).
///
/// Both log-sum-exps are shifted by a maximum: logsumexp(z) by max_v z_v, the τ-scaled one
/// by max_{j≠y} z_j/τ, so logits of ±1e4 and τ from 0.5 to 1e6 stay finite.
@usableFromInline
enum LaboRow {
    /// At or below this spread of the non-target logits over τ, every shifted term
    /// u_j = (z_j − max_{i≠y} z_i)/τ lies in [−1/2, 0] and the τ-scaled sum is taken as
    /// (V − 1) + Σ expm1(u_j) with log1p: for large τ, log((1/(V−1)) Σ e^u) is of order
    /// 1/τ and is then multiplied by τ, so summing e^u ≈ 1 directly would lose it to rounding.
    @usableFromInline static let nearlyUniformSpread: Float = 0.5

    /// Loss of row `z` (n ≥ 2 logits) for target `y`; when `grad` is given (it may alias
    /// `z`), writes scale · ∂J/∂z there, using `scratch` (n floats) to keep the τ-scaled
    /// exponentials. Passes over the row: max and min over the non-targets; both
    /// exponential sums (the terms stored in `grad` and `scratch`); the gradient, with no
    /// exponential. So LABO costs two exponentials per logit, as label smoothing does.
    @inlinable @inline(__always)
    static func evaluate<V: FloatVector>(_: V.Type, _ z: UnsafePointer<Float>, _ n: Int, target y: Int,
                                         alpha: Float, tau: Float, grad: UnsafeMutablePointer<Float>?,
                                         scratch: UnsafeMutablePointer<Float>?, scale: Float) -> RowCriterion.Loss {
        let lane = TargetLane<V>(target: y, count: n)
        let zy = z[y]
        let others = extremaExcludingTarget(z, n, lane)
        let m = Swift.max(others.max, zy)
        let invTau = 1 / tau
        let nearlyUniform = (others.max - others.min) * invTau <= nearlyUniformSpread
        // With a gradient to write, the exponentials are kept: e^{z−m} in `grad` (z is not
        // read again) and the τ terms in `scratch`.
        let stores = grad.flatMap { g in scratch.map { (g, $0) } }
        let sums = reductions(z, n, lane, shift: m, otherShift: others.max, invTau: invTau,
                              nearlyUniform: nearlyUniform, storing: stores)
        let shift = LogSoftmaxShift(max: m, expSum: sums.exp)

        // S = Σ_{j≠y} e^{u_j} and log(S / (V − 1)).
        let count = Double(n - 1)
        let s = nearlyUniform ? count + sums.tau : sums.tau
        let logMean = nearlyUniform ? Foundation.log1p(sums.tau / count) : Foundation.log(s) - Foundation.log(count)
        // τ · log((1/(V−1)) Σ_{j≠y} exp(z_j/τ)), with the shift max_{j≠y} z_j taken back out.
        let smoothing = Double(others.max) + Double(tau) * logMean

        let nll = shift.logSumExp - Double(zy)
        let loss = shift.logSumExp - (1 - Double(alpha)) * Double(zy) - Double(alpha) * smoothing
        if let (g, terms) = stores {
            // p = e^{z−m}/Σ; q = e^{u}/S, with e^u = 1 + expm1(u) on the nearly uniform path.
            let inverse = 1 / sums.exp
            let py = g[y] * inverse
            writeGradient(V.self, exponentials: g, terms: terms, n, pScale: scale * inverse,
                          qScale: alpha * scale / Float(s), termOffset: nearlyUniform ? 1 : 0, into: g)
            g[y] = scale * (py - (1 - alpha))
        }
        return (loss, nll)
    }

    /// max and min of the row without the target entry.
    @inlinable @inline(__always)
    static func extremaExcludingTarget<V: FloatVector>(_ z: UnsafePointer<Float>, _ n: Int,
                                                       _ lane: TargetLane<V>) -> (max: Float, min: Float) {
        var hi = V(repeating: -.infinity), lo = V(repeating: .infinity)
        var c = 0
        while c + V.laneCount <= n {
            let v = V.load(z + c)
            if c == lane.blockStart {
                hi = V.maximum(hi, v.replacing(with: -.infinity, where: lane.lanes))
                lo = V.minimum(lo, v.replacing(with: .infinity, where: lane.lanes))
            } else {
                hi = V.maximum(hi, v)
                lo = V.minimum(lo, v)
            }
            c += V.laneCount
        }
        var mx = hi.max(), mn = lo.min()
        while c < n {
            if c != lane.index { mx = Swift.max(mx, z[c]); mn = Swift.min(mn, z[c]) }
            c += 1
        }
        return (mx, mn)
    }

    /// One pass for both reductions: Σ_v exp(z_v − shift) over the whole row, in the order
    /// of `expSumRow` so that α = 0 gives cross-entropy bit for bit, and
    /// Σ_{j≠y} term((z_j − otherShift)/τ) in a `BlockedSum`, where the term is e^u, or
    /// e^u − 1 when `nearlyUniform`.
    /// With `storing` (exponentials, terms), also writes exp(z_v − shift) and the τ term of
    /// every entry (the target's included; the gradient pass overwrites it) there.
    /// (The term is chosen by a flag rather than passed as a function: a function value is
    /// not inlined, and calling it per vector tripled the cost of this pass.)
    @inlinable @inline(__always)
    static func reductions<V: FloatVector>(_ z: UnsafePointer<Float>, _ n: Int, _ lane: TargetLane<V>,
                                           shift: Float, otherShift: Float, invTau: Float, nearlyUniform: Bool,
                                           storing: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)?)
        -> (exp: Float, tau: Double) {
        var acc = V()
        var tauSum = BlockedSum<V>()
        var c = 0
        while c + V.laneCount <= n {
            let v = V.load(z + c)
            let e = VectorMath.exp(v - shift)
            let u = (v - otherShift) * invTau
            let t = nearlyUniform ? VectorMath.expm1Small(u) : VectorMath.exp(u)
            if let (exponentials, terms) = storing { e.store(to: exponentials + c); t.store(to: terms + c) }
            acc += e
            tauSum.add(c == lane.blockStart ? t.replacing(with: 0, where: lane.lanes) : t)
            c += V.laneCount
        }
        var s = acc.sum()
        while c < n {
            let e = Foundation.exp(z[c] - shift)
            let u = (z[c] - otherShift) * invTau
            let t = nearlyUniform ? Foundation.expm1(u) : Foundation.exp(u)
            if let (exponentials, terms) = storing { exponentials[c] = e; terms[c] = t }
            s += e
            if c != lane.index { tauSum.add(t) }
            c += 1
        }
        return (s, tauSum.finish())
    }

    /// g = pScale · e − qScale · (t + termOffset) over the row, from stored exponentials e
    /// and τ terms t. `g` may alias `exponentials`.
    @inlinable @inline(__always)
    static func writeGradient<V: FloatVector>(_: V.Type, exponentials e: UnsafePointer<Float>, terms t: UnsafePointer<Float>,
                                              _ n: Int, pScale: Float, qScale: Float, termOffset: Float,
                                              into g: UnsafeMutablePointer<Float>) {
        let ps = V(repeating: pScale), qs = V(repeating: qScale), offset = V(repeating: termOffset)
        var c = 0
        while c + V.laneCount <= n {
            (V.load(e + c) * ps - (V.load(t + c) + offset) * qs).store(to: g + c)
            c += V.laneCount
        }
        while c < n { g[c] = e[c] * pScale - (t[c] + termOffset) * qScale; c += 1 }
    }
}
