/// Vectorised elementary functions on `SIMD8<Float>` (AVX2 lanes in release builds).
///
/// All are `@inlinable`: kernels in other modules (the criteria, the decoder) call them per
/// eight lanes, and an out-of-line call passes the vectors through memory (measured: LABO's
/// row pass ran 3× slower than when inlined).
///
/// Scalar libm calls would dominate the softmax and GELU kernels; these stay within a few
/// ulp of libm over the ranges the kernels use (see TensorTests/SIMDMathTests).
public typealias Float8 = SIMD8<Float>

@inlinable @inline(__always)
public func load8(_ p: UnsafePointer<Float>) -> Float8 {
    UnsafeRawPointer(p).loadUnaligned(as: Float8.self)
}

@inlinable @inline(__always)
public func store8(_ v: Float8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8.self)
}

@inlinable @inline(__always)
public func lanewiseMax(_ a: Float8, _ b: Float8) -> Float8 { a.replacing(with: b, where: b .> a) }

@inlinable @inline(__always)
public func lanewiseMin(_ a: Float8, _ b: Float8) -> Float8 { a.replacing(with: b, where: b .< a) }

/// e^x per lane. Cephes expf: x = n·ln2 + r with |r| ≤ ln2/2, a degree-6 polynomial for
/// e^r, and 2^n built in the exponent bits. Inputs are clamped to [−87.3, 88], so very
/// negative inputs give ~1e-38 instead of 0 (harmless in sums) and nothing overflows.
@inlinable @inline(__always)
public func simdExp(_ input: Float8) -> Float8 {
    let x = lanewiseMin(lanewiseMax(input, Float8(repeating: -87.3)), Float8(repeating: 88.0))
    // Round x·log2(e) to the nearest integer n by adding 1.5·2²³: the sum's low mantissa
    // bits then hold n, which also gives 2ⁿ's exponent bits without a float→int conversion
    // (the generic SIMD conversions are not vectorised).
    let shifted = x * 1.442_695_04 + 12_582_912
    let n = shifted - 12_582_912
    var r = x.addingProduct(n, Float8(repeating: -0.693_359_375))
    r = r.addingProduct(n, Float8(repeating: 2.121_944_4e-4))
    var p = Float8(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    p = (p * r * r + r) + 1
    let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    return p * unsafeBitCast(exponent, to: Float8.self)
}

/// erf(x) per lane, Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7), odd-extended.
@inlinable @inline(__always)
public func simdErf(_ x: Float8) -> Float8 {
    erfWithGaussian(x).erf
}

/// erf(x) together with exp(−x²), which the formula computes anyway: GELU's backward
/// needs both, and sharing the exponential halves its cost.
@usableFromInline @inline(__always)
func erfWithGaussian(_ x: Float8) -> (erf: Float8, gaussian: Float8) {
    let a = x.replacing(with: -x, where: x .< 0)
    let t = 1 / (a * 0.327_591_1 + 1)
    var poly = Float8(repeating: 1.061_405_429)
    poly = poly * t - 1.453_152_027
    poly = poly * t + 1.421_413_741
    poly = poly * t - 0.284_496_736
    poly = poly * t + 0.254_829_592
    poly = poly * t
    let gaussian = simdExp(-(a * a))
    let y = 1 - poly * gaussian
    return (y.replacing(with: -y, where: x .< 0), gaussian)
}
