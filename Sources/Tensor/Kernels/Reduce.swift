/// Sum and mean reductions over all elements, accumulated in Double, and their backward.
public enum Reduce {
    /// Σ x.
    public static func sum(_ x: Tensor) -> Double {
        let n = x.count
        var lanes = SIMD8<Double>()
        var i = 0
        while i + 8 <= n { lanes += SIMD8<Double>(load8(x.data + i)); i += 8 }
        var total = lanes.sum()
        while i < n { total += Double(x.data[i]); i += 1 }
        return total
    }

    /// Σ x² in Double, the same for every thread count: elements are squared and summed in
    /// fixed blocks of `blockLength` (split over the threads), whose partial sums are then
    /// added in block order. Squares of Floats cannot overflow a Double, so the result is
    /// finite exactly when every element is.
    public static func sumOfSquares(_ x: Tensor) -> Double {
        overBlocks(of: x, { block in
            var lanes = SIMD8<Double>()
            var i = block.lowerBound
            while i + 8 <= block.upperBound {
                let v = SIMD8<Double>(load8(x.data + i))
                lanes += v * v
                i += 8
            }
            var total = lanes.sum()
            while i < block.upperBound { total += Double(x.data[i]) * Double(x.data[i]); i += 1 }
            return total
        }, combine: { partials in partials.reduce(0, +) })
    }

    /// True when no element is ±∞ or NaN: one pass split over the threads (x·0 is 0 for a
    /// finite x and NaN otherwise, so a lane that meets one stays NaN).
    public static func allFinite(_ x: Tensor) -> Bool {
        overBlocks(of: x, { block in
            var lanes = Float8()
            var i = block.lowerBound
            while i + 8 <= block.upperBound { lanes += load8(x.data + i) * 0; i += 8 }
            var tail: Float = 0
            while i < block.upperBound { tail += x.data[i] * 0; i += 1 }
            return lanes.sum() == 0 && tail == 0
        }, combine: { finite in finite.allSatisfy { $0 } })
    }

    /// Elements per block of `sumOfSquares` and `allFinite`: enough to hide a chunk's start,
    /// few enough that a 10-million-parameter arena splits evenly over the threads.
    static let blockLength = 1 << 16

    /// `body` of each fixed block of `blockLength` elements of `x` (the threads share the
    /// blocks), then `combine` of their results in block order: a result that does not
    /// depend on the thread count.
    private static func overBlocks<Partial, Result>(of x: Tensor, _ body: (Range<Int>) -> Partial,
                                                    combine: (UnsafeBufferPointer<Partial>) -> Result) -> Result {
        let n = x.count, blocks = (n + blockLength - 1) / blockLength
        return withUnsafeTemporaryAllocation(of: Partial.self, capacity: blocks) { partials in
            Threads.parallelFor(blocks, minPerChunk: 1) { range in
                for b in range { (partials.baseAddress! + b).initialize(to: body(b * blockLength..<min(n, (b + 1) * blockLength))) }
            }
            return combine(UnsafeBufferPointer(partials))
        }
    }

    /// Σ x / count.
    public static func mean(_ x: Tensor) -> Double { x.count == 0 ? 0 : sum(x) / Double(x.count) }

    /// Backward of `sum`: dx += dy for every element (dy the scalar gradient).
    public static func sumBackward(_ dy: Float, into dx: Tensor) {
        let n = dx.count
        let v = Float8(repeating: dy)
        var i = 0
        while i + 8 <= n { store8(load8(dx.data + i) + v, dx.data + i); i += 8 }
        while i < n { dx.data[i] += dy; i += 1 }
    }

    /// Backward of `mean`: dx += dy / count.
    public static func meanBackward(_ dy: Float, into dx: Tensor) {
        sumBackward(dx.count == 0 ? 0 : dy / Float(dx.count), into: dx)
    }
}
