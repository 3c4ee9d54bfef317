import Foundation
import Tensor

// Row helpers for the per-row criterion kernels (SIMD8 loads and stores come from Tensor).

/// One row's contribution: the criterion's loss and −log p_y, in Double.
typealias RowLoss = (loss: Double, nll: Double)

/// Where the target index falls when a row of `count` floats is read 8 at a time, so that
/// reductions over the non-target classes can drop it with one select instead of a
/// per-element test.
struct TargetLane {
    /// The target index.
    let index: Int
    /// Start of the full 8-block that holds the target, or −1 when it lies in the scalar tail.
    let blockStart: Int
    /// The target's lane within that block.
    let lanes: SIMDMask<SIMD8<Int32>>

    @inline(__always)
    init(target: Int, count: Int) {
        index = target
        let start = target & ~7
        blockStart = start + 8 <= count ? start : -1
        lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .== Int32(target - start)
    }
}

/// A sum of many small Float8 terms kept accurate enough for a Double result: lanes add up
/// in Float for at most 64 blocks (512 terms), then move into a Double. The LABO loss
/// multiplies a log-sum by τ (up to 1e6), so Float accumulation over a 32k vocabulary
/// would show in the loss; this costs one horizontal add per 512 terms.
struct BlockedSum {
    private var lanes = Float8()
    private var pending = 0
    private(set) var total = 0.0

    @inline(__always)
    mutating func add(_ v: Float8) {
        lanes += v
        pending += 1
        if pending == 64 { flush() }
    }

    @inline(__always)
    mutating func add(_ x: Float) { total += Double(x) }

    /// The sum of everything added; call once at the end.
    @inline(__always)
    mutating func finish() -> Double {
        flush()
        return total
    }

    @inline(__always)
    private mutating func flush() {
        total += Double(lanes.sum())
        lanes = Float8()
        pending = 0
    }
}

/// e^u − 1 per lane for u ∈ [−1/2, 0], without the cancellation of exp(u) − 1 near 0.
/// Taylor series to u⁸/8!: the first omitted term is below 1.1e-8 relative for |u| ≤ 1/2.
@inline(__always)
func expm1Small(_ u: Float8) -> Float8 {
    var p = Float8(repeating: 1 / 40320)
    p = p * u + 1 / 5040
    p = p * u + 1 / 720
    p = p * u + 1 / 120
    p = p * u + 1 / 24
    p = p * u + 1 / 6
    p = p * u + 1 / 2
    p = p * u + 1
    return p * u
}

/// Σ exp(z − shift) over a row: Float8 lanes, then the scalar tail (the order of
/// `Softmax.logSumExpRow`). LABO's fused pass repeats this order so that at α = 0 it gives
/// cross-entropy bit for bit.
@inline(__always)
func expSumRow(_ z: UnsafePointer<Float>, _ n: Int, shift: Float) -> Float {
    var acc = Float8()
    var c = 0
    while c + 8 <= n { acc += simdExp(load8(z + c) - shift); c += 8 }
    var s = acc.sum()
    while c < n { s += Foundation.exp(z[c] - shift); c += 1 }
    return s
}

/// logsumexp(z) = max + log Σ exp(z − max), the two parts kept apart and added in Double so
/// that logits of ±1e4 lose nothing to rounding them into one Float.
struct LogSoftmaxShift {
    /// max_v z_v.
    let max: Float
    /// log Σ_v exp(z_v − max).
    let logSumDouble: Double

    @inline(__always)
    init(max: Float, expSum: Float) {
        self.max = max
        logSumDouble = Foundation.log(Double(expSum))
    }

    /// logsumexp(z) in Double.
    var logSumExp: Double { Double(max) + logSumDouble }
}

/// g = e · a − b over a row (in place when `g` is `e`): turns stored exponentials into
/// scale · softmax minus a constant smoothing term.
@inline(__always)
func scaleRow(_ e: UnsafePointer<Float>, _ n: Int, times a: Float, minus b: Float, into g: UnsafeMutablePointer<Float>) {
    let av = Float8(repeating: a), bv = Float8(repeating: b)
    var c = 0
    while c + 8 <= n { store8(load8(e + c) * av - bv, g + c); c += 8 }
    while c < n { g[c] = e[c] * a - b; c += 1 }
}
