/// `SIMD8<Float>` loads, stores and lanewise extrema for the memory-bound loops that stay
/// on eight lanes everywhere (bias and residual adds, embedding, search scans). The
/// kernels with a per-ISA path are in the Kernels module.
///
/// All are `@inlinable`: an out-of-line call passes the vectors through memory.
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
