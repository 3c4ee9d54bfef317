/// The extents of a tensor of rank 0 to 4, stored inline so that making a shape in the
/// training loop never allocates.
public struct Shape: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Extents, outermost first; entries past `rank` are 1.
    public private(set) var extents: SIMD4<Int>
    public let rank: Int

    // Fixed-arity initialisers: a variadic or array argument would allocate an array on
    // every call, and shapes are made in the training loop.
    public init() { extents = SIMD4(repeating: 1); rank = 0 }
    public init(_ a: Int) { self.init(rank: 1, SIMD4(a, 1, 1, 1)) }
    public init(_ a: Int, _ b: Int) { self.init(rank: 2, SIMD4(a, b, 1, 1)) }
    public init(_ a: Int, _ b: Int, _ c: Int) { self.init(rank: 3, SIMD4(a, b, c, 1)) }
    public init(_ a: Int, _ b: Int, _ c: Int, _ d: Int) { self.init(rank: 4, SIMD4(a, b, c, d)) }

    private init(rank: Int, _ extents: SIMD4<Int>) {
        precondition(extents.min() >= 0, "Shape extents must be ≥ 0, got \(extents)")
        self.extents = extents
        self.rank = rank
    }

    /// The shape without its first axis.
    public var droppingFirst: Shape {
        precondition(rank >= 1, "a scalar has no axis to drop")
        return Shape(rank: rank - 1, SIMD4(extents[1], extents[2], extents[3], 1))
    }

    public init(_ dims: [Int]) {
        precondition(dims.count <= 4, "Shape supports rank ≤ 4, got \(dims)")
        precondition(dims.allSatisfy { $0 >= 0 }, "Shape extents must be ≥ 0, got \(dims)")
        var e = SIMD4<Int>(repeating: 1)
        for (i, d) in dims.enumerated() { e[i] = d }
        extents = e
        rank = dims.count
    }

    public subscript(axis: Int) -> Int {
        precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for shape \(self)")
        return extents[axis]
    }

    /// Number of elements.
    public var count: Int { extents[0] * extents[1] * extents[2] * extents[3] }

    /// Extent of the last axis (1 for a scalar).
    public var last: Int { rank == 0 ? 1 : extents[rank - 1] }

    /// Number of rows when the tensor is seen as a matrix (product of all but the last axis).
    public var rows: Int {
        var r = 1
        for axis in 0..<max(rank - 1, 0) { r *= extents[axis] }
        return r
    }

    public var dims: [Int] { (0..<rank).map { extents[$0] } }

    public var description: String { "(" + dims.map(String.init).joined(separator: ", ") + ")" }
}
