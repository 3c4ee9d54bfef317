import Foundation

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

extension Activation {
    /// y = x · σ(x) (SiLU, "swish"); y may alias x only if x is not needed for backward.
    /// A scalar loop: only imported models use it, and the products dominate their cost.
    public static func siluForward(_ x: Tensor, into y: Tensor) {
        precondition(x.count == y.count, "silu: sizes differ: x \(x.shape), y \(y.shape)")
        Threads.parallelForVectors(x.count) { range in
            for i in range { let v = x.data[i]; y.data[i] = v / (1 + Foundation.exp(-v)) }
        }
    }

    /// dx = dy · σ(x)·(1 + x·(1 − σ(x))). dx may alias dy.
    public static func siluBackward(_ dy: Tensor, input x: Tensor, into dx: Tensor) {
        precondition(dy.count == x.count && dx.count == x.count,
                     "siluBackward: sizes differ: dy \(dy.shape), x \(x.shape), dx \(dx.shape)")
        Threads.parallelForVectors(x.count) { range in
            for i in range {
                let v = x.data[i], s = 1 / (1 + Foundation.exp(-v))
                dx.data[i] = dy.data[i] * s * (1 + v * (1 - s))
            }
        }
    }
}
