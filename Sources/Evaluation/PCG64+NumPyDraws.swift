/// The two draws sacreBLEU asks NumPy for, in NumPy's exact consumption of the bit stream.
extension PCG64 {
    /// One value of `Generator.choice(n, replace=True)` (equivalently `integers(0, n)`) for
    /// `n` up to 2^32: Lemire's multiply-shift with rejection on 32-bit draws, NumPy's
    /// `buffered_bounded_lemire_uint32`.
    /// - Complexity: O(1) expected; each rejection costs one more 32-bit draw.
    @inline(__always)
    public mutating func boundedIndex(below n: Int) -> Int {
        precondition(n > 0 && n <= 1 << 32, "boundedIndex: n = \(n) must be in 1...2^32")
        // NumPy returns 0 without drawing when the range holds one value.
        if n == 1 { return 0 }
        if n == 1 << 32 { return Int(nextUInt32()) }
        let bound = UInt64(n)
        var m = UInt64(nextUInt32()) * bound
        var leftover = UInt32(truncatingIfNeeded: m)
        if leftover < UInt32(n) {
            // 2^32 mod n: the low products below it would over-represent some results.
            let threshold = UInt32((UInt64(1) << 32 - bound) % bound)
            while leftover < threshold {
                m = UInt64(nextUInt32()) * bound
                leftover = UInt32(truncatingIfNeeded: m)
            }
        }
        return Int(m >> 32)
    }

    /// `choice(n, size=count, replace=True)` written into `indices` (`count` values in C order).
    public mutating func fillIndices(_ indices: UnsafeMutableBufferPointer<Int32>, below n: Int) {
        for i in indices.indices { indices[i] = Int32(truncatingIfNeeded: boundedIndex(below: n)) }
    }
}

/// The flat stream of `integers(2, size=…, dtype=bool)`: NumPy draws one 32-bit word per 32
/// booleans and hands out its bits least significant first, across row boundaries.
public struct PCG64BoolStream {
    private var buffer: UInt32 = 0
    private var remaining = 0

    public init() {}

    /// The next boolean of the stream.
    @inline(__always)
    public mutating func next(_ rng: inout PCG64) -> Bool {
        if remaining == 0 {
            buffer = rng.nextUInt32()
            remaining = 32
        }
        let bit = buffer & 1 != 0
        buffer >>= 1
        remaining -= 1
        return bit
    }
}
