import Foundation

// Row primitives over `n` contiguous floats, `laneCount` at a time and a scalar tail: the
// building blocks of softmax, the criteria and decoding attention.
extension FloatVector {
    /// max over `n` floats (n ≥ 1).
    @inlinable @inline(__always)
    public static func maxRow(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var c = 0
        var best = Self(repeating: -.infinity)
        while c + laneCount <= n { best = maximum(best, load(x + c)); c += laneCount }
        var m = best.max()
        while c < n { m = Swift.max(m, x[c]); c += 1 }
        return m
    }

    /// Σ x over `n` floats.
    @inlinable @inline(__always)
    public static func sumRow(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var c = 0
        var acc = Self()
        while c + laneCount <= n { acc += load(x + c); c += laneCount }
        var s = acc.sum()
        while c < n { s += x[c]; c += 1 }
        return s
    }

    /// Σ a·b over `n` floats.
    @inlinable @inline(__always)
    public static func dotRow(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var c = 0
        var acc = Self()
        while c + laneCount <= n { acc = acc.addingProduct(load(a + c), load(b + c)); c += laneCount }
        var s = acc.sum()
        while c < n { s += a[c] * b[c]; c += 1 }
        return s
    }

    /// Σ exp(x − shift) over `n` floats: lanes, then the scalar tail. Every sum of
    /// exponentials over a row is taken in this order, so that LABO at α = 0 gives
    /// cross-entropy bit for bit.
    @inlinable @inline(__always)
    public static func expSumRow(_ x: UnsafePointer<Float>, _ n: Int, shift: Float) -> Float {
        var c = 0
        var acc = Self()
        while c + laneCount <= n { acc += VectorMath.exp(load(x + c) - shift); c += laneCount }
        var s = acc.sum()
        while c < n { s += Foundation.exp(x[c] - shift); c += 1 }
        return s
    }

    /// log Σ exp(x) over `n` floats (n ≥ 1), shifted by the maximum for safety.
    @inlinable @inline(__always)
    public static func logSumExpRow(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        let m = maxRow(x, n)
        return m + Foundation.log(expSumRow(x, n, shift: m))
    }

    /// dst = exp(src − shift) over `n` floats; returns their sum (in `expSumRow`'s order).
    /// dst may alias src.
    @inlinable @inline(__always)
    public static func exponentiateRow(_ src: UnsafePointer<Float>, _ n: Int, shift: Float,
                                       into dst: UnsafeMutablePointer<Float>) -> Float {
        var c = 0
        var acc = Self()
        while c + laneCount <= n {
            let e = VectorMath.exp(load(src + c) - shift)
            e.store(to: dst + c)
            acc += e
            c += laneCount
        }
        var s = acc.sum()
        while c < n { let e = Foundation.exp(src[c] - shift); dst[c] = e; s += e; c += 1 }
        return s
    }

    /// dst = softmax(src) over `n` floats (n ≥ 1); dst may alias src.
    @inlinable @inline(__always)
    public static func softmaxRow(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        let s = exponentiateRow(src, n, shift: maxRow(src, n), into: dst)
        scaleRow(dst, n, times: 1 / s, minus: 0, into: dst)
    }

    /// g = x·a − b over `n` floats; g may alias x.
    @inlinable @inline(__always)
    public static func scaleRow(_ x: UnsafePointer<Float>, _ n: Int, times a: Float, minus b: Float,
                                into g: UnsafeMutablePointer<Float>) {
        let av = Self(repeating: a), bv = Self(repeating: b)
        var c = 0
        while c + laneCount <= n { (load(x + c) * av - bv).store(to: g + c); c += laneCount }
        while c < n { g[c] = x[c] * a - b; c += 1 }
    }
}
