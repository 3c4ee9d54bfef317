import Kernels

/// Which keys a row of attention scores may attend to (defined with the kernels).
public typealias AttentionMask = Kernels.AttentionMask

/// Softmax and log-softmax over the last axis, with their backward passes. The row loops
/// are `Kernels.SoftmaxKernels`, run on the active vector path (`VectorISA`).
public enum Softmax {
    /// y = softmax(x) over the last axis under `mask`. y may alias x.
    ///
    /// Shapes: x, y (B, H, Tq, Tk) when a mask is given, otherwise any (…, C).
    public static func forward(_ x: Tensor, into y: Tensor, mask: AttentionMask = .none) {
        precondition(x.shape == y.shape, "softmax: x \(x.shape) and y \(y.shape) differ")
        let masked = maskedRows(x.shape, mask)
        let kernel = VectorISA.kernels.softmaxForward, cols = x.shape.last
        Threads.parallelFor(x.shape.rows, minPerChunk: 16) { rows in kernel(x.data, y.data, rows, cols, masked) }
    }

    /// dx = y ⊙ (dy − ⟨dy, y⟩) per row, from the forward output y. dx may alias dy.
    /// Under `mask` (the forward pass's), only the valid keys of dy are read and every
    /// masked entry of dx is 0, so dy may hold anything where the mask hides it.
    public static func backward(_ dy: Tensor, output y: Tensor, into dx: Tensor, mask: AttentionMask = .none) {
        precondition(dy.shape == y.shape && dx.shape == y.shape,
                     "softmaxBackward: dy \(dy.shape), y \(y.shape), dx \(dx.shape) differ")
        let masked = maskedRows(y.shape, mask)
        let kernel = VectorISA.kernels.softmaxBackward, cols = y.shape.last
        Threads.parallelFor(y.shape.rows, minPerChunk: 16) { rows in kernel(dy.data, y.data, dx.data, rows, cols, masked) }
    }

    /// y = x − logsumexp(x) over the last axis. y may alias x. Shapes: (…, C).
    public static func logSoftmaxForward(_ x: Tensor, into y: Tensor) {
        precondition(x.shape == y.shape, "logSoftmax: x \(x.shape) and y \(y.shape) differ")
        let kernel = VectorISA.kernels.logSoftmaxForward, cols = x.shape.last
        Threads.parallelFor(x.shape.rows, minPerChunk: 16) { rows in kernel(x.data, y.data, rows, cols) }
    }

    /// dx = dy − exp(y) · Σ dy per row, from the forward output y. dx may alias dy.
    public static func logSoftmaxBackward(_ dy: Tensor, output y: Tensor, into dx: Tensor) {
        precondition(dy.shape == y.shape && dx.shape == y.shape,
                     "logSoftmaxBackward: dy \(dy.shape), y \(y.shape), dx \(dx.shape) differ")
        let kernel = VectorISA.kernels.logSoftmaxBackward, cols = y.shape.last
        Threads.parallelFor(y.shape.rows, minPerChunk: 16) { rows in kernel(dy.data, y.data, dx.data, rows, cols) }
    }

    /// max over `n` floats (n ≥ 1), on the active vector path.
    public static func maxRow(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        VectorISA.kernels.maxRow(x, n)
    }

    /// How `mask` applies to the rows of scores shaped `shape`.
    static func maskedRows(_ shape: Shape, _ mask: AttentionMask) -> MaskedRows {
        if mask.masksAnything {
            precondition(shape.rank == 4, "masked softmax needs scores shaped (B, H, Tq, Tk), got \(shape)")
            return MaskedRows(mask: mask, batchStride: shape[1] * shape[2], queries: shape[2], keys: shape.last)
        }
        return MaskedRows(mask: mask, batchStride: shape.rows, queries: shape.rows, keys: shape.last)
    }
}
