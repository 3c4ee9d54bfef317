/// A vector of Float lanes: the one interface every kernel in this module is written
/// against, so that each kernel has one source and is compiled once per instruction set.
///
/// `Lanes8` (AVX2: SIMD8, 256-bit) and `Lanes16` (AVX-512: SIMD16, 512-bit) implement it
/// with the standard library's concrete SIMD operations. The kernels are `@inlinable`
/// generics: the modules KernelsAVX2 and KernelsAVX512 specialise them for one width each,
/// compiled with `-target-cpu haswell` and `-target-cpu skylake-avx512`, and Tensor picks
/// one set at run time (`VectorISA`).
///
/// Why wrappers instead of conforming `SIMD8<Float>` directly, and why not one wrapper
/// generic over `SIMD`: in code generic over the `SIMD` protocol the operators resolve to
/// the protocol's lane-by-lane default implementations, which LLVM does not turn back into
/// vector instructions (measured: a softmax row 25× slower). Each wrapper forwards to the
/// concrete, vectorised operations of its width.
public protocol FloatVector {
    /// Which lanes a comparison selected.
    associatedtype Mask
    /// The same number of UInt32 lanes, for integer hashing (dropout).
    associatedtype Words: WordVector

    /// Lanes per vector.
    static var laneCount: Int { get }

    init()
    init(repeating value: Float)

    static func load(_ p: UnsafePointer<Float>) -> Self
    func store(to p: UnsafeMutablePointer<Float>)

    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    /// self + a·b, one fused multiply-add per lane.
    func addingProduct(_ a: Self, _ b: Self) -> Self
    func squareRoot() -> Self

    /// Lanewise maximum and minimum (the second operand where they are equal or unordered).
    static func maximum(_ a: Self, _ b: Self) -> Self
    static func minimum(_ a: Self, _ b: Self) -> Self

    /// Horizontal sum, maximum and minimum of the lanes.
    func sum() -> Float
    func max() -> Float
    func min() -> Float

    static func lessThan(_ a: Self, _ b: Self) -> Mask
    static func lessThanOrEqual(_ a: Self, _ b: Self) -> Mask
    /// Lanes whose index equals `lane` (none when `lane` is outside 0..<laneCount).
    static func lane(_ lane: Int) -> Mask
    /// Lanes where the words are below `threshold` as signed integers.
    static func below(_ words: Words, _ threshold: Int32) -> Mask
    func replacing(with value: Float, where mask: Mask) -> Self
    func replacing(with other: Self, where mask: Mask) -> Self

    /// 2ⁿ per lane from `shifted` = n + 1.5·2²³ (n an integer held in the low mantissa
    /// bits), the exponent trick of `vectorExp`.
    static func powerOfTwo(fromShifted shifted: Self) -> Self
}

/// UInt32 lanes with the wrapping operations of a multiply-xorshift hash.
public protocol WordVector {
    /// Lane i holds start + i.
    init(counting start: UInt32)
    init(repeating value: UInt32)
    static func &+ (a: Self, b: Self) -> Self
    static func &* (a: Self, b: Self) -> Self
    static func ^ (a: Self, b: Self) -> Self
    /// Logical right shift of every lane.
    func shiftedRight(_ bits: UInt32) -> Self
}

// Scalar operands, broadcast: kernels read as the formulas they implement.
extension FloatVector {
    @inlinable @inline(__always)
    public static func + (a: Self, b: Float) -> Self { a + Self(repeating: b) }
    @inlinable @inline(__always)
    public static func + (a: Float, b: Self) -> Self { Self(repeating: a) + b }
    @inlinable @inline(__always)
    public static func - (a: Self, b: Float) -> Self { a - Self(repeating: b) }
    @inlinable @inline(__always)
    public static func - (a: Float, b: Self) -> Self { Self(repeating: a) - b }
    @inlinable @inline(__always)
    public static func * (a: Self, b: Float) -> Self { a * Self(repeating: b) }
    @inlinable @inline(__always)
    public static func * (a: Float, b: Self) -> Self { Self(repeating: a) * b }
    @inlinable @inline(__always)
    public static func / (a: Float, b: Self) -> Self { Self(repeating: a) / b }
    @inlinable @inline(__always)
    public static func += (a: inout Self, b: Self) { a = a + b }
}
