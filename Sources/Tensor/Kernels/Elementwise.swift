/// Bias and residual additions and their backward passes.
///
/// Conventions of every kernel in this module: tensors are row-major and seen as
/// (rows, last axis); outputs may alias inputs where a doc says "in place"; gradients of
/// inputs are written (or added when `accumulate` is true), gradients of parameters are
/// always added, so a step zeroes the parameter gradients once and every use adds in.
public enum Elementwise {
    /// y[r, c] += bias[c], in place. Shapes: y (…, C), bias (C).
    public static func addBias(_ y: Tensor, _ bias: Tensor) {
        let cols = y.shape.last
        precondition(bias.count == cols, "addBias: bias \(bias.shape) does not match last axis of \(y.shape)")
        let b = bias.data, out = y.data
        Threads.parallelFor(y.shape.rows, minPerChunk: 64) { rows in
            for r in rows {
                let row = out + r * cols
                var c = 0
                while c + 8 <= cols { store8(load8(row + c) + load8(b + c), row + c); c += 8 }
                while c < cols { row[c] += b[c]; c += 1 }
            }
        }
    }

    /// dBias[c] += Σ_r dy[r, c]. Shapes: dy (…, C), dBias (C).
    ///
    /// Split over columns so that every column sum runs in the same row order whatever the
    /// thread count: the result is bitwise deterministic.
    public static func biasBackward(_ dy: Tensor, into dBias: Tensor) {
        let cols = dy.shape.last, rows = dy.shape.rows
        precondition(dBias.count == cols, "biasBackward: dBias \(dBias.shape) does not match last axis of \(dy.shape)")
        let g = dy.data, db = dBias.data
        Threads.parallelFor(cols / 8 + (cols % 8 == 0 ? 0 : 1), minPerChunk: 8) { blocks in
            let c0 = blocks.lowerBound * 8, c1 = min(blocks.upperBound * 8, cols)
            var c = c0
            while c + 8 <= c1 {
                var acc = Float8()
                for r in 0..<rows { acc += load8(g + r * cols + c) }
                store8(load8(db + c) + acc, db + c)
                c += 8
            }
            while c < c1 {
                var acc: Float = 0
                for r in 0..<rows { acc += g[r * cols + c] }
                db[c] += acc
                c += 1
            }
        }
    }

    /// y = a + b (the residual connection). y may alias a or b. All shapes equal in size.
    public static func add(_ a: Tensor, _ b: Tensor, into y: Tensor) {
        precondition(a.count == b.count && a.count == y.count,
                     "add: sizes differ: a \(a.shape), b \(b.shape), y \(y.shape)")
        let pa = a.data, pb = b.data, py = y.data
        Threads.parallelFor(a.count / 8, minPerChunk: 2048) { blocks in
            for i in blocks { store8(load8(pa + i * 8) + load8(pb + i * 8), py + i * 8) }
        }
        for i in (a.count / 8 * 8)..<a.count { py[i] = pa[i] + pb[i] }
    }

    /// The residual add's backward: both inputs receive dy. `dx += dy` when `accumulate`,
    /// else `dx = dy`.
    public static func addBackward(_ dy: Tensor, into dx: Tensor, accumulate: Bool) {
        precondition(dy.count == dx.count, "addBackward: sizes differ: dy \(dy.shape), dx \(dx.shape)")
        if accumulate { add(dx, dy, into: dx) } else if dx.data != dy.data { dx.copy(from: dy) }
    }

    /// y = alpha · x, elementwise; y may alias x.
    public static func scale(_ x: Tensor, by alpha: Float, into y: Tensor) {
        precondition(x.count == y.count, "scale: sizes differ: x \(x.shape), y \(y.shape)")
        let px = x.data, py = y.data
        let n8 = x.count / 8
        Threads.parallelFor(n8, minPerChunk: 2048) { blocks in
            for i in blocks { store8(load8(px + i * 8) * alpha, py + i * 8) }
        }
        for i in (n8 * 8)..<x.count { py[i] = px[i] * alpha }
    }
}
