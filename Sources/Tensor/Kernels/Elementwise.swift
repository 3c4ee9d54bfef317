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
        // Blocks of 64 columns in eight independent accumulators: the adds of a row do not
        // wait on each other, and every cache line of dy read is used whole. Each column
        // still sums its rows in order, one add per row.
        let block = 64
        Threads.parallelFor((cols + block - 1) / block, minPerChunk: 1) { blocks in
            var c = blocks.lowerBound * block
            let end = min(blocks.upperBound * block, cols)
            while c + block <= end {
                var a0 = Float8(), a1 = Float8(), a2 = Float8(), a3 = Float8()
                var a4 = Float8(), a5 = Float8(), a6 = Float8(), a7 = Float8()
                for r in 0..<rows {
                    let row = g + r * cols + c
                    a0 += load8(row); a1 += load8(row + 8); a2 += load8(row + 16); a3 += load8(row + 24)
                    a4 += load8(row + 32); a5 += load8(row + 40); a6 += load8(row + 48); a7 += load8(row + 56)
                }
                let out = db + c
                store8(load8(out) + a0, out); store8(load8(out + 8) + a1, out + 8)
                store8(load8(out + 16) + a2, out + 16); store8(load8(out + 24) + a3, out + 24)
                store8(load8(out + 32) + a4, out + 32); store8(load8(out + 40) + a5, out + 40)
                store8(load8(out + 48) + a6, out + 48); store8(load8(out + 56) + a7, out + 56)
                c += block
            }
            while c + 8 <= end {
                var acc = Float8()
                for r in 0..<rows { acc += load8(g + r * cols + c) }
                store8(load8(db + c) + acc, db + c)
                c += 8
            }
            while c < end {
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
