/// y = alpha·x·Wᵀ + bias (then ReLU if asked) with W packed in panels of `panelWidth(V)`
/// columns: the register-tile kernel of Tensor's `PackedMatMul`.
///
/// A 6 × (2 vectors) register tile (12 accumulators: the layout of BLIS's Haswell kernel,
/// 6×16 with AVX2 and 6×32 with AVX-512) runs over all of k for 6 rows of x and one panel
/// of W; each panel is read from memory once and reused from cache by every 6-row block.
/// Every y[i, j] is the same sum over k in the same order whatever the split into panels,
/// so the result does not depend on the thread count.
public enum PackedKernel {
    /// Columns per panel: two vectors.
    @inlinable @inline(__always)
    public static func panelWidth<V: FloatVector>(_: V.Type) -> Int { 2 * V.laneCount }

    /// What happens to a tile's sums before they are stored.
    public struct Epilogue {
        public let alpha: Float
        public let bias: UnsafePointer<Float>?
        public let relu: Bool

        public init(alpha: Float, bias: UnsafePointer<Float>?, relu: Bool) {
            self.alpha = alpha
            self.bias = bias
            self.relu = relu
        }
    }

    /// Panels `panels` of the product. Shapes: a (m, k) contiguous; `packed` ⌈n/width⌉
    /// panels of k × width floats; c (m, n) contiguous.
    @inlinable @inline(__always)
    public static func multiply<V: FloatVector>(_: V.Type, panels: Range<Int>, m: Int, n: Int, k: Int,
                                                a: UnsafePointer<Float>, packed: UnsafePointer<Float>,
                                                c: UnsafeMutablePointer<Float>, epilogue: Epilogue) {
        let width = panelWidth(V.self)
        for p in panels {
            let panel = packed + p * k * width
            let column = p * width, columns = Swift.min(width, n - column)
            // Rows in ⌈m/6⌉ blocks of near-equal size (32 rows: 6, 6, 5, 5, 5, 5): a ragged
            // last block of one or two rows would keep too few accumulators busy to hide
            // the FMA latency.
            let blocks = (m + 5) / 6
            var row = 0
            for block in 0..<blocks {
                let rows = m / blocks + (block < m % blocks ? 1 : 0)
                let aRows = a + row * k, cRows = c + row * n + column
                switch rows {
                case 6: tile(V.self, rows: 6, k: k, a: aRows, panel: panel, c: cRows, ldc: n, column: column, columns: columns, epilogue)
                case 5: tile(V.self, rows: 5, k: k, a: aRows, panel: panel, c: cRows, ldc: n, column: column, columns: columns, epilogue)
                case 4: tile(V.self, rows: 4, k: k, a: aRows, panel: panel, c: cRows, ldc: n, column: column, columns: columns, epilogue)
                case 3: tile(V.self, rows: 3, k: k, a: aRows, panel: panel, c: cRows, ldc: n, column: column, columns: columns, epilogue)
                case 2: tile(V.self, rows: 2, k: k, a: aRows, panel: panel, c: cRows, ldc: n, column: column, columns: columns, epilogue)
                default: tile(V.self, rows: 1, k: k, a: aRows, panel: panel, c: cRows, ldc: n, column: column, columns: columns, epilogue)
                }
                row += rows
            }
        }
    }

    /// `rows` (≤ 6) rows of x (k apart) times one panel. Always inlined with a constant
    /// `rows`, so the unused accumulators and their branches compile away.
    @inlinable @inline(__always)
    static func tile<V: FloatVector>(_: V.Type, rows: Int, k: Int, a: UnsafePointer<Float>, panel: UnsafePointer<Float>,
                                     c: UnsafeMutablePointer<Float>, ldc: Int, column: Int, columns: Int,
                                     _ epilogue: Epilogue) {
        let w = V.laneCount
        var c0a = V(), c0b = V(), c1a = V(), c1b = V(), c2a = V(), c2b = V()
        var c3a = V(), c3b = V(), c4a = V(), c4b = V(), c5a = V(), c5b = V()
        let a0 = a, a1 = a + (rows > 1 ? k : 0), a2 = a + (rows > 2 ? 2 * k : 0)
        let a3 = a + (rows > 3 ? 3 * k : 0), a4 = a + (rows > 4 ? 4 * k : 0), a5 = a + (rows > 5 ? 5 * k : 0)
        var b = panel
        for i in 0..<k {
            let b0 = V.load(b), b1 = V.load(b + w)
            b += 2 * w
            var s = V(repeating: a0[i])
            c0a = c0a.addingProduct(s, b0); c0b = c0b.addingProduct(s, b1)
            if rows > 1 { s = V(repeating: a1[i]); c1a = c1a.addingProduct(s, b0); c1b = c1b.addingProduct(s, b1) }
            if rows > 2 { s = V(repeating: a2[i]); c2a = c2a.addingProduct(s, b0); c2b = c2b.addingProduct(s, b1) }
            if rows > 3 { s = V(repeating: a3[i]); c3a = c3a.addingProduct(s, b0); c3b = c3b.addingProduct(s, b1) }
            if rows > 4 { s = V(repeating: a4[i]); c4a = c4a.addingProduct(s, b0); c4b = c4b.addingProduct(s, b1) }
            if rows > 5 { s = V(repeating: a5[i]); c5a = c5a.addingProduct(s, b0); c5b = c5b.addingProduct(s, b1) }
        }
        // The bias of this panel's columns, zero-padded past n (the panel's own padding).
        var biasA = V(), biasB = V()
        if let bias = epilogue.bias {
            Lanewise.withPadded(V.self, bias + column, Swift.min(columns, w)) { biasA = V.load($0) }
            if columns > w { Lanewise.withPadded(V.self, bias + column + w, columns - w) { biasB = V.load($0) } }
        }
        store(c0a, c0b, to: c, columns: columns, epilogue, biasA, biasB)
        if rows > 1 { store(c1a, c1b, to: c + ldc, columns: columns, epilogue, biasA, biasB) }
        if rows > 2 { store(c2a, c2b, to: c + 2 * ldc, columns: columns, epilogue, biasA, biasB) }
        if rows > 3 { store(c3a, c3b, to: c + 3 * ldc, columns: columns, epilogue, biasA, biasB) }
        if rows > 4 { store(c4a, c4b, to: c + 4 * ldc, columns: columns, epilogue, biasA, biasB) }
        if rows > 5 { store(c5a, c5b, to: c + 5 * ldc, columns: columns, epilogue, biasA, biasB) }
    }

    /// Writes one row of the tile: alpha·acc + bias, then ReLU if asked, into `columns`
    /// (≤ two vectors) floats.
    @inlinable @inline(__always)
    static func store<V: FloatVector>(_ accA: V, _ accB: V, to c: UnsafeMutablePointer<Float>, columns: Int,
                                      _ epilogue: Epilogue, _ biasA: V, _ biasB: V) {
        let w = V.laneCount
        var lo = biasA.addingProduct(accA, V(repeating: epilogue.alpha))
        var hi = biasB.addingProduct(accB, V(repeating: epilogue.alpha))
        if epilogue.relu {
            lo = lo.replacing(with: 0, where: V.lessThan(lo, V()))
            hi = hi.replacing(with: 0, where: V.lessThan(hi, V()))
        }
        if columns == 2 * w {
            lo.store(to: c); hi.store(to: c + w)
        } else {
            Lanewise.withPadded(V.self, nil, 0) { row in
                lo.store(to: row)
                c.update(from: row, count: Swift.min(columns, w))
            }
            if columns > w {
                Lanewise.withPadded(V.self, nil, 0) { row in
                    hi.store(to: row)
                    (c + w).update(from: row, count: columns - w)
                }
            }
        }
    }
}
