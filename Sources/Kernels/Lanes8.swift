/// Eight Float lanes: one AVX2 register in KernelsAVX2 (`-target-cpu haswell`).
/// Every operation forwards to `SIMD8`'s concrete, vectorised implementation.
@frozen
public struct Lanes8: FloatVector {
    public typealias Mask = SIMDMask<SIMD8<Int32>>
    public typealias Words = Words8
    public var value: SIMD8<Float>

    @inlinable @inline(__always) public init(_ value: SIMD8<Float>) { self.value = value }
    @inlinable @inline(__always) public init() { value = SIMD8() }
    @inlinable @inline(__always) public init(repeating x: Float) { value = SIMD8(repeating: x) }
    @inlinable public static var laneCount: Int { 8 }

    @inlinable @inline(__always) public static func load(_ p: UnsafePointer<Float>) -> Self {
        Self(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self))
    }
    @inlinable @inline(__always) public func store(to p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: value, as: SIMD8<Float>.self)
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
        SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .== SIMD8(repeating: Int32(truncatingIfNeeded: lane))
    }
    @inlinable @inline(__always) public static func below(_ words: Words, _ threshold: Int32) -> Mask {
        unsafeBitCast(words.value, to: SIMD8<Int32>.self) .< SIMD8(repeating: threshold)
    }
    @inlinable @inline(__always) public func replacing(with x: Float, where mask: Mask) -> Self {
        Self(value.replacing(with: SIMD8(repeating: x), where: mask))
    }
    @inlinable @inline(__always) public func replacing(with other: Self, where mask: Mask) -> Self {
        Self(value.replacing(with: other.value, where: mask))
    }
    @inlinable @inline(__always) public static func powerOfTwo(fromShifted shifted: Self) -> Self {
        let exponent = (unsafeBitCast(shifted.value, to: SIMD8<Int32>.self) &- SIMD8(repeating: 0x4B40_0000)
            &+ SIMD8(repeating: 127)) &<< SIMD8(repeating: 23)
        return Self(unsafeBitCast(exponent, to: SIMD8<Float>.self))
    }
}

/// Eight UInt32 lanes (vector operands throughout: the scalar-operand forms compile to a
/// loop over lanes).
@frozen
public struct Words8: WordVector {
    public var value: SIMD8<UInt32>
    @inlinable @inline(__always) public init(_ value: SIMD8<UInt32>) { self.value = value }
    @inlinable @inline(__always) public init(counting start: UInt32) {
        value = SIMD8(repeating: start) &+ SIMD8(0, 1, 2, 3, 4, 5, 6, 7)
    }
    @inlinable @inline(__always) public init(repeating x: UInt32) { value = SIMD8(repeating: x) }
    @inlinable @inline(__always) public static func &+ (a: Self, b: Self) -> Self { Self(a.value &+ b.value) }
    @inlinable @inline(__always) public static func &* (a: Self, b: Self) -> Self { Self(a.value &* b.value) }
    @inlinable @inline(__always) public static func ^ (a: Self, b: Self) -> Self { Self(a.value ^ b.value) }
    @inlinable @inline(__always) public func shiftedRight(_ bits: UInt32) -> Self {
        Self(value &>> SIMD8(repeating: bits))
    }
}
