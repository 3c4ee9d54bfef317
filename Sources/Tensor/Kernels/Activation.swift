/// ReLU and GELU (the exact, erf-based GELU that fairseq and PyTorch use by default).
public enum Activation {
    /// y = max(x, 0); y may alias x.
    public static func reluForward(_ x: Tensor, into y: Tensor) {
        precondition(x.count == y.count, "relu: sizes differ: x \(x.shape), y \(y.shape)")
        map(x.data, y.data, x.count) { v in lanewiseMax(v, Float8()) } scalar: { max($0, 0) }
    }

    /// dx = dy · [y > 0], from the forward output `y` (so x need not be kept). dx may alias dy.
    public static func reluBackward(_ dy: Tensor, output y: Tensor, into dx: Tensor) {
        precondition(dy.count == y.count && dx.count == y.count,
                      "reluBackward: sizes differ: dy \(dy.shape), y \(y.shape), dx \(dx.shape)")
        zip(dy.data, y.data, dx.data, y.count) { g, out in
            g.replacing(with: 0, where: out .<= 0)
        } scalar: { g, out in out > 0 ? g : 0 }
    }

    /// y = x · Φ(x) = ½·x·(1 + erf(x/√2)); y may alias x only if x is not needed for backward.
    public static func geluForward(_ x: Tensor, into y: Tensor) {
        precondition(x.count == y.count, "gelu: sizes differ: x \(x.shape), y \(y.shape)")
        map(x.data, y.data, x.count) { v in
            0.5 * v * (1 + simdErf(v * 0.707_106_781_186_547_5))
        } scalar: { v in
            0.5 * v * (1 + simdErf(Float8(repeating: v * 0.707_106_781_186_547_5))[0])
        }
    }

    /// dx = dy · (Φ(x) + x·φ(x)), φ the standard normal density. dx may alias dy.
    public static func geluBackward(_ dy: Tensor, input x: Tensor, into dx: Tensor) {
        precondition(dy.count == x.count && dx.count == x.count,
                     "geluBackward: sizes differ: dy \(dy.shape), x \(x.shape), dx \(dx.shape)")
        zip(dy.data, x.data, dx.data, x.count) { g, v in
            g * geluDerivative(v)
        } scalar: { g, v in
            g * geluDerivative(Float8(repeating: v))[0]
        }
    }

    @inline(__always)
    static func geluDerivative(_ v: Float8) -> Float8 {
        // erf(v/√2) and exp(−v²/2) = exp(−(v/√2)²) come from one exponential.
        let (erf, gaussian) = erfWithGaussian(v * 0.707_106_781_186_547_5)
        return 0.5 * (1 + erf) + v * (0.398_942_280_401_432_7 * gaussian)
    }

    @inline(__always)
    static func map(_ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int,
                    _ vector: (Float8) -> Float8, scalar: (Float) -> Float) {
        Threads.parallelFor(n / 8, minPerChunk: 1024) { blocks in
            for i in blocks { store8(vector(load8(x + i * 8)), y + i * 8) }
        }
        for i in (n / 8 * 8)..<n { y[i] = scalar(x[i]) }
    }

    @inline(__always)
    static func zip(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
                    _ y: UnsafeMutablePointer<Float>, _ n: Int,
                    _ vector: (Float8, Float8) -> Float8, scalar: (Float, Float) -> Float) {
        Threads.parallelFor(n / 8, minPerChunk: 1024) { blocks in
            for i in blocks { store8(vector(load8(a + i * 8), load8(b + i * 8)), y + i * 8) }
        }
        for i in (n / 8 * 8)..<n { y[i] = scalar(a[i], b[i]) }
    }
}
