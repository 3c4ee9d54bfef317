/// Loops that apply a lanewise function to a range of elements: whole vectors, then the
/// tail through one zero-padded vector, so the tail gets exactly the vector code's result.
public enum Lanewise {
    /// y[i] = f(x[i]) for i in `range`; y may alias x.
    @inlinable @inline(__always)
    public static func map<V: FloatVector>(_: V.Type, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                           _ range: Range<Int>, _ f: (V) -> V) {
        var i = range.lowerBound
        while i + V.laneCount <= range.upperBound { f(V.load(x + i)).store(to: y + i); i += V.laneCount }
        let tail = range.upperBound - i
        guard tail > 0 else { return }
        withPadded(V.self, x + i, tail) { a in
            withPadded(V.self, nil, tail) { out in
                f(V.load(a)).store(to: out)
                (y + i).update(from: out, count: tail)
            }
        }
    }

    /// y[i] = f(a[i], b[i]) for i in `range`; y may alias a or b.
    @inlinable @inline(__always)
    public static func zip<V: FloatVector>(_: V.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                           _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>, _ f: (V, V) -> V) {
        var i = range.lowerBound
        while i + V.laneCount <= range.upperBound {
            f(V.load(a + i), V.load(b + i)).store(to: y + i)
            i += V.laneCount
        }
        let tail = range.upperBound - i
        guard tail > 0 else { return }
        withPadded(V.self, a + i, tail) { pa in
            withPadded(V.self, b + i, tail) { pb in
                withPadded(V.self, nil, tail) { out in
                    f(V.load(pa), V.load(pb)).store(to: out)
                    (y + i).update(from: out, count: tail)
                }
            }
        }
    }

    /// One vector's worth of floats: `count` copied from `source` (if any), the rest 0.
    @inlinable @inline(__always)
    static func withPadded<V: FloatVector>(_: V.Type, _ source: UnsafePointer<Float>?, _ count: Int,
                                           _ body: (UnsafeMutablePointer<Float>) -> Void) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: V.laneCount) { buffer in
            let p = buffer.baseAddress!
            p.initialize(repeating: 0, count: V.laneCount)
            if let source { p.update(from: source, count: count) }
            body(p)
        }
    }
}

/// ReLU and GELU (the exact, erf-based GELU that fairseq and PyTorch use by default) over
/// element ranges: the per-thread parts of Tensor's `Activation`. Lanewise, so every
/// width gives the same bits.
public enum ActivationKernels {
    @inlinable @inline(__always)
    public static func reluForward<V: FloatVector>(_: V.Type, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                                   _ range: Range<Int>) {
        Lanewise.map(V.self, x, y, range) { V.maximum($0, V()) }
    }

    /// dx = dy · [y > 0] from the forward output y.
    @inlinable @inline(__always)
    public static func reluBackward<V: FloatVector>(_: V.Type, _ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                                    _ dx: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        Lanewise.zip(V.self, dy, y, dx, range) { g, out in g.replacing(with: 0, where: V.lessThanOrEqual(out, V())) }
    }

    /// y = x · Φ(x) = ½·x·(1 + erf(x/√2)).
    @inlinable @inline(__always)
    public static func geluForward<V: FloatVector>(_: V.Type, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                                   _ range: Range<Int>) {
        Lanewise.map(V.self, x, y, range) { v in 0.5 * v * (1 + VectorMath.erf(v * 0.707_106_781_186_547_5)) }
    }

    /// dx = dy · (Φ(x) + x·φ(x)), φ the standard normal density.
    @inlinable @inline(__always)
    public static func geluBackward<V: FloatVector>(_: V.Type, _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                                    _ dx: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        Lanewise.zip(V.self, dy, x, dx, range) { g, v in
            // erf(v/√2) and exp(−v²/2) = exp(−(v/√2)²) come from one exponential.
            let (erf, gaussian) = VectorMath.erfWithGaussian(v * 0.707_106_781_186_547_5)
            return g * (0.5 * (1 + erf) + v * (0.398_942_280_401_432_7 * gaussian))
        }
    }
}
