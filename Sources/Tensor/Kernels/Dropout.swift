import Kernels

/// Inverted dropout whose mask is a pure function of (key, element index).
///
/// Nothing is stored for the backward pass: it recomputes the same mask from the same key.
/// The mask does not depend on the thread count, and a training run reproduces it from
/// its seed (callers derive one key per step and dropout site with `Dropout.key`).
public enum Dropout {
    /// A key for one dropout site in one step, mixed from the run seed, the step and the site.
    public static func key(seed: UInt64, step: UInt64, site: UInt64) -> UInt64 {
        SeededGenerator.derivedSeed(seed: seed, step: step, site: site)
    }

    /// y = x · keep / (1 − p), keep = [uniform(key, i) ≥ p]. y may alias x. p ∈ [0, 1).
    public static func forward(_ x: Tensor, into y: Tensor, probability p: Float, key: UInt64) {
        precondition(x.count == y.count, "dropout: sizes differ: x \(x.shape), y \(y.shape)")
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1), got \(p)")
        apply(x.data, y.data, x.count, p, key)
    }

    /// dx = dy · keep / (1 − p) with the forward pass's mask. dx may alias dy.
    public static func backward(_ dy: Tensor, into dx: Tensor, probability p: Float, key: UInt64) {
        precondition(dy.count == dx.count, "dropoutBackward: sizes differ: dy \(dy.shape), dx \(dx.shape)")
        apply(dy.data, dx.data, dy.count, p, key)
    }

    /// Whether element `index` is kept (exposed for tests).
    @inline(__always)
    public static func keeps(_ index: Int, probability p: Float, key: UInt64) -> Bool {
        uniform(key, UInt64(index)) >= p
    }

    private static func apply(_ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                              _ n: Int, _ p: Float, _ key: UInt64) {
        if p == 0 {
            if src != dst { dst.update(from: src, count: n) }
            return
        }
        let scale = 1 / (1 - p)
        // uniform ≥ p ⟺ (24-bit draw) ≥ ⌈p·2²⁴⌉: the same test as `keeps`, in integers.
        let threshold = Int32((p * 16_777_216).rounded(.up))
        let (low, high) = halves(key)
        let kernel = VectorISA.kernels.dropout
        Threads.parallelForVectors(n, minPerChunk: 4096) { range in kernel(src, dst, range, scale, threshold, low, high) }
    }

    /// A uniform float in [0, 1) with 24 random bits: element index plus the key's low
    /// half, hashed, xor the key's high half, hashed again (`DropoutKernels.draw`). 32-bit
    /// arithmetic, so a vector of draws runs in one register (a 64-bit mix per element
    /// made dropout about 4 % of an iwslt training step).
    @inline(__always)
    static func uniform(_ key: UInt64, _ index: UInt64) -> Float {
        let (low, high) = halves(key)
        return Float(DropoutKernels.draw(UInt32(truncatingIfNeeded: index), low: low, high: high)) * (1.0 / 16_777_216.0)
    }

    @inline(__always)
    private static func halves(_ key: UInt64) -> (UInt32, UInt32) {
        (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32))
    }
}
