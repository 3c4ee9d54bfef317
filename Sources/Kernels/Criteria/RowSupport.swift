import Foundation

/// Where the target index falls when a row of `count` floats is read a vector at a time,
/// so that reductions over the non-target classes can drop it with one select instead of
/// a per-element test.
@usableFromInline
struct TargetLane<V: FloatVector> {
    /// The target index.
    @usableFromInline let index: Int
    /// Start of the full vector that holds the target, or −1 when it lies in the scalar tail.
    @usableFromInline let blockStart: Int
    /// The target's lane within that vector.
    @usableFromInline let lanes: V.Mask

    @inlinable @inline(__always)
    init(target: Int, count: Int) {
        index = target
        let start = target & ~(V.laneCount - 1)
        blockStart = start + V.laneCount <= count ? start : -1
        lanes = V.lane(target - start)
    }
}

/// A sum of many small vector terms kept accurate enough for a Double result: lanes add up
/// in Float for at most 512 terms per lane group, then move into a Double. The LABO loss
/// multiplies a log-sum by τ (up to 1e6), so Float accumulation over a 32k vocabulary
/// would show in the loss; this costs one horizontal add per 512 terms.
@usableFromInline
struct BlockedSum<V: FloatVector> {
    @usableFromInline var lanes = V()
    @usableFromInline var pending = 0
    @usableFromInline var total = 0.0

    @inlinable @inline(__always)
    init() {}

    @inlinable @inline(__always)
    mutating func add(_ v: V) {
        lanes += v
        pending += 1
        if pending * V.laneCount == 512 { flush() }
    }

    @inlinable @inline(__always)
    mutating func add(_ x: Float) { total += Double(x) }

    /// The sum of everything added; call once at the end.
    @inlinable @inline(__always)
    mutating func finish() -> Double {
        flush()
        return total
    }

    @inlinable @inline(__always)
    mutating func flush() {
        total += Double(lanes.sum())
        lanes = V()
        pending = 0
    }
}

/// logsumexp(z) = max + log Σ exp(z − max), the two parts kept apart and added in Double so
/// that logits of ±1e4 lose nothing to rounding them into one Float.
@usableFromInline
struct LogSoftmaxShift {
    /// max_v z_v.
    @usableFromInline let max: Float
    /// log Σ_v exp(z_v − max).
    @usableFromInline let logSumDouble: Double

    @inlinable @inline(__always)
    init(max: Float, expSum: Float) {
        self.max = max
        logSumDouble = Foundation.log(Double(expSum))
    }

    /// logsumexp(z) in Double.
    @inlinable
    var logSumExp: Double { Double(max) + logSumDouble }
}
