/// Sixteen Float lanes: one AVX-512 register in KernelsAVX512 (`-target-cpu skylake-avx512`).
/// Every operation forwards to `SIMD16`'s concrete, vectorised implementation.
@frozen
public struct Lanes16: FloatVector {
    public typealias Mask = SIMDMask<SIMD16<Int32>>
    public typealias Words = Words16
    public var value: SIMD16<Float>

    @inlinable @inline(__always) public init(_ value: SIMD16<Float>) { self.value = value }
    @inlinable @inline(__always) public init() { value = SIMD16() }
    @inlinable @inline(__always) public init(repeating x: Float) { value = SIMD16(repeating: x) }
    @inlinable public static var laneCount: Int { 16 }

    @inlinable @inline(__always) public static func load(_ p: UnsafePointer<Float>) -> Self {
        Self(UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self))
    }
    @inlinable @inline(__always) public func store(to p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: value, as: SIMD16<Float>.self)
    }

    @inlinable @inline(__always) public static func + (a: Self, b: Self) -> Self { Self(a.value + b.value) }
    @inlinable @inline(__always) public static func - (a: Self, b: Self) -> Self { Self(a.value - b.value) }
    @inlinable @inline(__always) public static func * (a: Self, b: Self) -> Self { Self(a.value * b.value) }
    @inlinable @inline(__always) public static func / (a: Self, b: Self) -> Self { Self(a.value / b.value) }
    @inlinable @inline(__always) public static prefix func - (a: Self) -> Self { Self(-a.value) }
    @inlinable @inline(__always) public func addingProduct(_ a: Self, _ b: Self) -> Self {
        Self(value.addingProduct(a.value, b.value))
    }

    @inlinable @inline(__always) public func squareRoot() -> Self { Self(value.squareRoot()) }

    @inlinable @inline(__always) public static func maximum(_ a: Self, _ b: Self) -> Self {
        Self(a.value.replacing(with: b.value, where: b.value .> a.value))
    }
    @inlinable @inline(__always) public static func minimum(_ a: Self, _ b: Self) -> Self {
        Self(a.value.replacing(with: b.value, where: b.value .< a.value))
    }
    @inlinable @inline(__always) public func sum() -> Float { value.sum() }
    @inlinable @inline(__always) public func max() -> Float { value.max() }
    @inlinable @inline(__always) public func min() -> Float { value.min() }

    @inlinable @inline(__always) public static func lessThan(_ a: Self, _ b: Self) -> Mask { a.value .< b.value }
    @inlinable @inline(__always) public static func lessThanOrEqual(_ a: Self, _ b: Self) -> Mask { a.value .<= b.value }
    @inlinable @inline(__always) public static func lane(_ lane: Int) -> Mask {
        SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) .== SIMD16(repeating: Int32(truncatingIfNeeded: lane))
    }
    @inlinable @inline(__always) public static func below(_ words: Words, _ threshold: Int32) -> Mask {
        unsafeBitCast(words.value, to: SIMD16<Int32>.self) .< SIMD16(repeating: threshold)
    }
    @inlinable @inline(__always) public func replacing(with x: Float, where mask: Mask) -> Self {
        Self(value.replacing(with: SIMD16(repeating: x), where: mask))
    }
    @inlinable @inline(__always) public func replacing(with other: Self, where mask: Mask) -> Self {
        Self(value.replacing(with: other.value, where: mask))
    }
    @inlinable @inline(__always) public static func powerOfTwo(fromShifted shifted: Self) -> Self {
        let exponent = (unsafeBitCast(shifted.value, to: SIMD16<Int32>.self) &- SIMD16(repeating: 0x4B40_0000)
            &+ SIMD16(repeating: 127)) &<< SIMD16(repeating: 23)
        return Self(unsafeBitCast(exponent, to: SIMD16<Float>.self))
    }
}

/// Sixteen UInt32 lanes (vector operands throughout: the scalar-operand forms compile to a
/// loop over lanes).
@frozen
public struct Words16: WordVector {
    public var value: SIMD16<UInt32>
    @inlinable @inline(__always) public init(_ value: SIMD16<UInt32>) { self.value = value }
    @inlinable @inline(__always) public init(counting start: UInt32) {
        value = SIMD16(repeating: start) &+ SIMD16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
    }
    @inlinable @inline(__always) public init(repeating x: UInt32) { value = SIMD16(repeating: x) }
    @inlinable @inline(__always) public static func &+ (a: Self, b: Self) -> Self { Self(a.value &+ b.value) }
    @inlinable @inline(__always) public static func &* (a: Self, b: Self) -> Self { Self(a.value &* b.value) }
    @inlinable @inline(__always) public static func ^ (a: Self, b: Self) -> Self { Self(a.value ^ b.value) }
    @inlinable @inline(__always) public func shiftedRight(_ bits: UInt32) -> Self {
        Self(value &>> SIMD16(repeating: bits))
    }
}
