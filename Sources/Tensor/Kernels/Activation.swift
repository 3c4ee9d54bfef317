/// ReLU and GELU (the exact, erf-based GELU that fairseq and PyTorch use by default). The
/// loops are `Kernels.ActivationKernels`, run on the active vector path (`VectorISA`);
/// they are lanewise, so both paths give the same bits.
public enum Activation {
    /// y = max(x, 0); y may alias x.
    public static func reluForward(_ x: Tensor, into y: Tensor) {
        precondition(x.count == y.count, "relu: sizes differ: x \(x.shape), y \(y.shape)")
        let kernel = VectorISA.kernels.reluForward
        Threads.parallelForVectors(x.count) { range in kernel(x.data, y.data, range) }
    }

    /// dx = dy · [y > 0], from the forward output `y` (so x need not be kept). dx may alias dy.
    public static func reluBackward(_ dy: Tensor, output y: Tensor, into dx: Tensor) {
        precondition(dy.count == y.count && dx.count == y.count,
                      "reluBackward: sizes differ: dy \(dy.shape), y \(y.shape), dx \(dx.shape)")
        let kernel = VectorISA.kernels.reluBackward
        Threads.parallelForVectors(y.count) { range in kernel(dy.data, y.data, dx.data, range) }
    }

    /// y = x · Φ(x) = ½·x·(1 + erf(x/√2)); y may alias x only if x is not needed for backward.
    public static func geluForward(_ x: Tensor, into y: Tensor) {
        precondition(x.count == y.count, "gelu: sizes differ: x \(x.shape), y \(y.shape)")
        let kernel = VectorISA.kernels.geluForward
        Threads.parallelForVectors(x.count) { range in kernel(x.data, y.data, range) }
    }

    /// dx = dy · (Φ(x) + x·φ(x)), φ the standard normal density. dx may alias dy.
    public static func geluBackward(_ dy: Tensor, input x: Tensor, into dx: Tensor) {
        precondition(dy.count == x.count && dx.count == x.count,
                     "geluBackward: sizes differ: dy \(dy.shape), x \(x.shape), dx \(dx.shape)")
        let kernel = VectorISA.kernels.geluBackward
        Threads.parallelForVectors(x.count) { range in kernel(dy.data, x.data, dx.data, range) }
    }
}
