import Foundation

/// Vectorised elementary functions, generic over the lane width.
///
/// Scalar libm calls would dominate the softmax and GELU kernels; these stay within a few
/// ulp of libm over the ranges the kernels use (TensorTests/SIMDMathTests).
public enum VectorMath {
    /// e^x per lane. Cephes expf: x = n·ln2 + r with |r| ≤ ln2/2, a degree-6 polynomial for
    /// e^r, and 2^n built in the exponent bits. Inputs are clamped to [−87.3, 88], so very
    /// negative inputs give ~1e-38 instead of 0 (harmless in sums) and nothing overflows.
    @inlinable @inline(__always)
    public static func exp<V: FloatVector>(_ input: V) -> V {
        let x = V.minimum(V.maximum(input, V(repeating: -87.3)), V(repeating: 88.0))
        // Round x·log2(e) to the nearest integer n by adding 1.5·2²³: the sum's low mantissa
        // bits then hold n, which also gives 2ⁿ's exponent bits without a float→int
        // conversion (the generic SIMD conversions are not vectorised).
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        var r = x.addingProduct(n, V(repeating: -0.693_359_375))
        r = r.addingProduct(n, V(repeating: 2.121_944_4e-4))
        var p = V(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = (p * r * r + r) + 1
        return p * V.powerOfTwo(fromShifted: shifted)
    }

    /// erf(x) per lane, Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7), odd-extended.
    @inlinable @inline(__always)
    public static func erf<V: FloatVector>(_ x: V) -> V {
        erfWithGaussian(x).erf
    }

    /// erf(x) together with exp(−x²), which the formula computes anyway: GELU's backward
    /// needs both, and sharing the exponential halves its cost.
    @inlinable @inline(__always)
    public static func erfWithGaussian<V: FloatVector>(_ x: V) -> (erf: V, gaussian: V) {
        let negative = V.lessThan(x, V())
        let a = x.replacing(with: -x, where: negative)
        let t = 1 / (a * 0.327_591_1 + 1)
        var poly = V(repeating: 1.061_405_429)
        poly = poly * t - 1.453_152_027
        poly = poly * t + 1.421_413_741
        poly = poly * t - 0.284_496_736
        poly = poly * t + 0.254_829_592
        poly = poly * t
        let gaussian = exp(-(a * a))
        let y = 1 - poly * gaussian
        return (y.replacing(with: -y, where: negative), gaussian)
    }

    /// e^u − 1 per lane for u ∈ [−1/2, 0], without the cancellation of exp(u) − 1 near 0.
    /// Taylor series to u⁸/8!: the first omitted term is below 1.1e-8 relative for |u| ≤ 1/2.
    @inlinable @inline(__always)
    public static func expm1Small<V: FloatVector>(_ u: V) -> V {
        var p = V(repeating: 1 / 40320)
        p = p * u + 1 / 5040
        p = p * u + 1 / 720
        p = p * u + 1 / 120
        p = p * u + 1 / 24
        p = p * u + 1 / 6
        p = p * u + 1 / 2
        p = p * u + 1
        return p * u
    }
}
