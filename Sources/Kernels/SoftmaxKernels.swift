import Foundation

/// Softmax and log-softmax over rows `rows` of (…, cols) matrices, with their backward
/// passes (the per-thread parts of Tensor's `Softmax`).
public enum SoftmaxKernels {
    /// y = softmax(x) per row under the mask; masked entries of y are 0. y may alias x.
    @inlinable @inline(__always)
    public static func forward<V: FloatVector>(_: V.Type, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                               rows: Range<Int>, cols: Int, masked: MaskedRows) {
        for r in rows {
            let src = x + r * cols, dst = y + r * cols
            let n = masked.validKeys(r)
            if n > 0 { V.softmaxRow(src, dst, n) }
            if n < cols { (dst + n).update(repeating: 0, count: cols - n) }
        }
    }

    /// dx = y ⊙ (dy − ⟨dy, y⟩) per row; only valid keys of dy are read, masked entries of
    /// dx are 0. dx may alias dy.
    @inlinable @inline(__always)
    public static func backward<V: FloatVector>(_: V.Type, _ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                                _ dx: UnsafeMutablePointer<Float>, rows: Range<Int>, cols: Int,
                                                masked: MaskedRows) {
        for r in rows {
            let g = dy + r * cols, p = y + r * cols, out = dx + r * cols
            let n = masked.validKeys(r)
            let dot = n > 0 ? V.dotRow(g, p, n) : 0
            var c = 0
            while c + V.laneCount <= n {
                (V.load(p + c) * (V.load(g + c) - dot)).store(to: out + c)
                c += V.laneCount
            }
            while c < n { out[c] = p[c] * (g[c] - dot); c += 1 }
            if n < cols { (out + n).update(repeating: 0, count: cols - n) }
        }
    }

    /// y = x − logsumexp(x) per row. y may alias x.
    @inlinable @inline(__always)
    public static func logForward<V: FloatVector>(_: V.Type, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                                  rows: Range<Int>, cols: Int) {
        for r in rows {
            let src = x + r * cols, dst = y + r * cols
            V.scaleRow(src, cols, times: 1, minus: V.logSumExpRow(src, cols), into: dst)
        }
    }

    /// dx = dy − exp(y) · Σ dy per row, from the forward output y. dx may alias dy.
    @inlinable @inline(__always)
    public static func logBackward<V: FloatVector>(_: V.Type, _ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                                   _ dx: UnsafeMutablePointer<Float>, rows: Range<Int>, cols: Int) {
        for r in rows {
            let g = dy + r * cols, ly = y + r * cols, out = dx + r * cols
            let total = V.sumRow(g, cols)
            var c = 0
            while c + V.laneCount <= cols {
                (V.load(g + c) - VectorMath.exp(V.load(ly + c)) * total).store(to: out + c)
                c += V.laneCount
            }
            while c < cols { out[c] = g[c] - Foundation.exp(ly[c]) * total; c += 1 }
        }
    }
}
