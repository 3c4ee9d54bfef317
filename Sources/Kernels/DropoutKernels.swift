/// Inverted dropout over an element range, with the mask a pure function of (key, element
/// index): the per-thread part of Tensor's `Dropout`. Lanewise, so every width and every
/// thread count gives the same mask and the same bits.
public enum DropoutKernels {
    /// dst[i] = src[i] · scale where the draw for i is kept, else 0; dst may alias src.
    ///
    /// The draw for index i is lowbias32(lowbias32(i + low) ^ high) >> 8, a uniform 24-bit
    /// integer; element i is kept when the draw is ≥ `threshold` = ⌈p·2²⁴⌉.
    @inlinable @inline(__always)
    public static func apply<V: FloatVector>(_: V.Type, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                                             _ range: Range<Int>, scale: Float, threshold: Int32, low: UInt32, high: UInt32) {
        let lows = V.Words(repeating: low), highs = V.Words(repeating: high), scales = V(repeating: scale)
        var i = range.lowerBound
        while i + V.laneCount <= range.upperBound {
            let indices = V.Words(counting: UInt32(truncatingIfNeeded: i))
            let draws = lowbias32(lowbias32(indices &+ lows) ^ highs).shiftedRight(8)
            (V.load(src + i) * scales).replacing(with: 0, where: V.below(draws, threshold)).store(to: dst + i)
            i += V.laneCount
        }
        while i < range.upperBound {
            dst[i] = draw(UInt32(truncatingIfNeeded: i), low: low, high: high) >= threshold ? src[i] * scale : 0
            i += 1
        }
    }

    /// The 24-bit draw for one index (the scalar form of the vector loop above).
    @inlinable @inline(__always)
    public static func draw(_ index: UInt32, low: UInt32, high: UInt32) -> Int32 {
        Int32(lowbias32(lowbias32(index &+ low) ^ high) >> 8)
    }

    /// Chris Wellons's "lowbias32" integer hash (hash-prospector): a bijection on 32 bits
    /// with low bias.
    @inlinable @inline(__always)
    public static func lowbias32(_ x0: UInt32) -> UInt32 {
        var x = x0
        x ^= x >> 16; x &*= 0x7FEB_352D
        x ^= x >> 15; x &*= 0x846C_A68B
        return x ^ (x >> 16)
    }

    /// `lowbias32` per lane.
    @inlinable @inline(__always)
    static func lowbias32<W: WordVector>(_ x0: W) -> W {
        var x = x0
        x = x ^ x.shiftedRight(16); x = x &* W(repeating: 0x7FEB_352D)
        x = x ^ x.shiftedRight(15); x = x &* W(repeating: 0x846C_A68B)
        return x ^ x.shiftedRight(16)
    }
}
