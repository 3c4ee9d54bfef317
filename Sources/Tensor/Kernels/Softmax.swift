import Foundation

/// Which keys a row of attention scores may attend to.
///
/// Batches are padded on the right, so every mask is a valid prefix of the keys: key
/// padding keeps the first `keyLengths[b]` keys of batch item b, and the causal mask keeps
/// keys j ≤ i + `queryOffset` for query i (the offset is the number of positions already
/// decoded, for incremental decoding). Query padding (`queryLengths`) masks whole rows:
/// queries i ≥ `queryLengths[b]` of item b attend to nothing. Masked probabilities are
/// exactly 0 and masked scores are never read, so they may hold anything; a row whose
/// every key is masked gets all zeros (no NaN) and a zero gradient.
public struct AttentionMask {
    /// (B) valid key counts, or nil when no key is padding.
    public var keyLengths: UnsafePointer<Int32>?
    /// (B) valid query counts, or nil when no query is padding.
    public var queryLengths: UnsafePointer<Int32>?
    public var causal: Bool
    public var queryOffset: Int

    public init(keyLengths: UnsafePointer<Int32>? = nil, queryLengths: UnsafePointer<Int32>? = nil,
                causal: Bool = false, queryOffset: Int = 0) {
        self.keyLengths = keyLengths
        self.queryLengths = queryLengths
        self.causal = causal
        self.queryOffset = queryOffset
    }

    public static let none = AttentionMask()

    /// Number of leading keys row `row` may attend to, for scores shaped (B, H, Tq, Tk).
    @inline(__always)
    func validKeys(row: Int, queriesPerBatch: Int, queries: Int, keys: Int) -> Int {
        var n = keys
        if let lengths = keyLengths { n = min(n, Int(lengths[row / queriesPerBatch])) }
        if causal { n = min(n, row % queries + queryOffset + 1) }
        if let lengths = queryLengths, row % queries >= Int(lengths[row / queriesPerBatch]) { n = 0 }
        return max(n, 0)
    }
}

/// Softmax and log-softmax over the last axis, with their backward passes.
public enum Softmax {
    /// y = softmax(x) over the last axis under `mask`. y may alias x.
    ///
    /// Shapes: x, y (B, H, Tq, Tk) when a mask is given, otherwise any (…, C).
    public static func forward(_ x: Tensor, into y: Tensor, mask: AttentionMask = .none) {
        precondition(x.shape == y.shape, "softmax: x \(x.shape) and y \(y.shape) differ")
        let geometry = RowGeometry(x.shape, mask: mask)
        let cols = x.shape.last
        Threads.parallelFor(x.shape.rows, minPerChunk: 16) { rows in
            for r in rows {
                let src = x.data + r * cols, dst = y.data + r * cols
                let n = geometry.validKeys(r, mask)
                if n > 0 { softmaxRow(src, dst, n) }
                if n < cols { (dst + n).update(repeating: 0, count: cols - n) }
            }
        }
    }

    /// dx = y ⊙ (dy − ⟨dy, y⟩) per row, from the forward output y. dx may alias dy.
    /// Under `mask` (the forward pass's), only the valid keys of dy are read and every
    /// masked entry of dx is 0, so dy may hold anything where the mask hides it.
    public static func backward(_ dy: Tensor, output y: Tensor, into dx: Tensor, mask: AttentionMask = .none) {
        precondition(dy.shape == y.shape && dx.shape == y.shape,
                     "softmaxBackward: dy \(dy.shape), y \(y.shape), dx \(dx.shape) differ")
        let geometry = RowGeometry(y.shape, mask: mask)
        let cols = y.shape.last
        Threads.parallelFor(y.shape.rows, minPerChunk: 16) { rows in
            for r in rows {
                let g = dy.data + r * cols, p = y.data + r * cols, out = dx.data + r * cols
                let n = geometry.validKeys(r, mask)
                let dot = n > 0 ? dotRow(g, p, n) : 0
                var c = 0
                while c + 8 <= n {
                    let pv = load8(p + c)
                    store8(pv * (load8(g + c) - dot), out + c)
                    c += 8
                }
                while c < n { out[c] = p[c] * (g[c] - dot); c += 1 }
                if n < cols { (out + n).update(repeating: 0, count: cols - n) }
            }
        }
    }

    /// y = x − logsumexp(x) over the last axis. y may alias x. Shapes: (…, C).
    public static func logSoftmaxForward(_ x: Tensor, into y: Tensor) {
        precondition(x.shape == y.shape, "logSoftmax: x \(x.shape) and y \(y.shape) differ")
        let cols = x.shape.last
        Threads.parallelFor(x.shape.rows, minPerChunk: 16) { rows in
            for r in rows {
                let src = x.data + r * cols, dst = y.data + r * cols
                let shift = logSumExpRow(src, cols)
                var c = 0
                while c + 8 <= cols { store8(load8(src + c) - shift, dst + c); c += 8 }
                while c < cols { dst[c] = src[c] - shift; c += 1 }
            }
        }
    }

    /// dx = dy − exp(y) · Σ dy per row, from the forward output y. dx may alias dy.
    public static func logSoftmaxBackward(_ dy: Tensor, output y: Tensor, into dx: Tensor) {
        precondition(dy.shape == y.shape && dx.shape == y.shape,
                     "logSoftmaxBackward: dy \(dy.shape), y \(y.shape), dx \(dx.shape) differ")
        let cols = y.shape.last
        Threads.parallelFor(y.shape.rows, minPerChunk: 16) { rows in
            for r in rows {
                let g = dy.data + r * cols, ly = y.data + r * cols, out = dx.data + r * cols
                let total = sumRow(g, cols)
                var c = 0
                while c + 8 <= cols {
                    store8(load8(g + c) - simdExp(load8(ly + c)) * total, out + c)
                    c += 8
                }
                while c < cols { out[c] = g[c] - Foundation.exp(ly[c]) * total; c += 1 }
            }
        }
    }

    // MARK: Row primitives (also used by the training criteria)

    /// max over `n` floats (n ≥ 1).
    @inlinable @inline(__always)
    public static func maxRow(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var c = 0
        var best = Float8(repeating: -.infinity)
        while c + 8 <= n { best = lanewiseMax(best, load8(x + c)); c += 8 }
        var m = best.max()
        while c < n { m = Swift.max(m, x[c]); c += 1 }
        return m
    }

    /// log Σ exp(x) over `n` floats (n ≥ 1), shifted by the maximum for safety.
    @inlinable @inline(__always)
    public static func logSumExpRow(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        let m = maxRow(x, n)
        var c = 0
        var acc = Float8()
        while c + 8 <= n { acc += simdExp(load8(x + c) - m); c += 8 }
        var s = acc.sum()
        while c < n { s += Foundation.exp(x[c] - m); c += 1 }
        return m + Foundation.log(s)
    }

    /// dst = exp(src − shift) over `n` floats; returns their sum. dst may alias src.
    @inlinable @inline(__always)
    public static func exponentiateRow(_ src: UnsafePointer<Float>, _ n: Int, shift: Float,
                                       into dst: UnsafeMutablePointer<Float>) -> Float {
        var c = 0
        var acc = Float8()
        while c + 8 <= n {
            let e = simdExp(load8(src + c) - shift)
            store8(e, dst + c)
            acc += e
            c += 8
        }
        var s = acc.sum()
        while c < n { let e = Foundation.exp(src[c] - shift); dst[c] = e; s += e; c += 1 }
        return s
    }

    /// dst = softmax(src) over `n` floats (n ≥ 1); dst may alias src.
    @inlinable @inline(__always)
    public static func softmaxRow(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        let s = exponentiateRow(src, n, shift: maxRow(src, n), into: dst)
        let inv = 1 / s
        var c = 0
        while c + 8 <= n { store8(load8(dst + c) * inv, dst + c); c += 8 }
        while c < n { dst[c] *= inv; c += 1 }
    }

    /// Σ a·b over `n` floats.
    @inlinable @inline(__always)
    public static func dotRow(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var c = 0
        var acc = Float8()
        while c + 8 <= n { acc = acc.addingProduct(load8(a + c), load8(b + c)); c += 8 }
        var s = acc.sum()
        while c < n { s += a[c] * b[c]; c += 1 }
        return s
    }

    @inline(__always)
    static func sumRow(_ a: UnsafePointer<Float>, _ n: Int) -> Float {
        var c = 0
        var acc = Float8()
        while c + 8 <= n { acc += load8(a + c); c += 8 }
        var s = acc.sum()
        while c < n { s += a[c]; c += 1 }
        return s
    }
}

/// How a flat row index maps to (batch item, query) for masked softmax.
struct RowGeometry {
    let queriesPerBatch: Int
    let queries: Int
    let keys: Int

    init(_ shape: Shape, mask: AttentionMask) {
        if mask.keyLengths != nil || mask.queryLengths != nil || mask.causal {
            precondition(shape.rank == 4, "masked softmax needs scores shaped (B, H, Tq, Tk), got \(shape)")
            queriesPerBatch = shape[1] * shape[2]
            queries = shape[2]
        } else {
            queriesPerBatch = max(shape.rows, 1)
            queries = max(shape.rows, 1)
        }
        keys = shape.last
    }

    @inline(__always)
    func validKeys(_ row: Int, _ mask: AttentionMask) -> Int {
        mask.validKeys(row: row, queriesPerBatch: queriesPerBatch, queries: queries, keys: keys)
    }
}
