/// y = alpha·x·Wᵀ + bias (optionally followed by ReLU) with W pre-packed as a
/// `PackedMatrix`: the product of step-by-step decoding, where x has few rows (one per
/// hypothesis) and W is the same at every step.
///
/// A 6×16 register tile (12 SIMD8 accumulators, the layout of BLIS's Haswell kernel)
/// runs over all of k for 6 rows of x and one 16-column panel of W; each panel is read
/// from memory once and reused from cache by every 6-row block. Threads take contiguous
/// ranges of panels, so no two threads share a column and the result does not depend on
/// the thread count: every y[i, j] is the same sum over k in the same order.
public enum PackedMatMul {
    /// Shapes: x (m, k), w (n, k) packed, bias (n) or nil, y (m, n); x and y contiguous.
    public static func multiply(_ x: Tensor, _ w: PackedMatrix, bias: Tensor? = nil, alpha: Float = 1, relu: Bool = false,
                                into y: Tensor) {
        precondition(x.shape.last == w.k, "packed matmul: x \(x.shape) does not have \(w.k) columns")
        precondition(y.shape.rows == x.shape.rows && y.shape.last == w.n,
                     "packed matmul: output \(y.shape) should be (\(x.shape.rows), \(w.n))")
        if let bias { precondition(bias.count == w.n, "packed matmul: bias \(bias.shape) should have \(w.n) elements") }
        let m = x.shape.rows, n = w.n, k = w.k
        if m == 0 || n == 0 { return }
        let epilogue = Epilogue(alpha: alpha, bias: bias.map { UnsafePointer($0.data) }, relu: relu)
        let panels = w.panelCount
        // At least a few panels per thread, and enough work to pay for waking a thread.
        let parts = m * n * k >= MatMul.parallelWorkThreshold ? Threads.chunkCount(panels, minPerChunk: 4) : 1
        let a = UnsafePointer(x.data), c = y.data
        if parts <= 1 {
            run(panels: 0..<panels, m: m, k: k, a: a, w: w, c: c, n: n, epilogue: epilogue)
            return
        }
        Threads.run(chunks: parts) { part in
            run(panels: Threads.chunkRange(part, of: parts, total: panels), m: m, k: k, a: a, w: w, c: c, n: n,
                epilogue: epilogue)
        }
    }

    struct Epilogue {
        let alpha: Float
        let bias: UnsafePointer<Float>?
        let relu: Bool
    }

    @inline(__always)
    private static func run(panels: Range<Int>, m: Int, k: Int, a: UnsafePointer<Float>, w: PackedMatrix,
                            c: UnsafeMutablePointer<Float>, n: Int, epilogue: Epilogue) {
        let width = PackedMatrix.panelWidth
        for p in panels {
            let panel = UnsafePointer(w.panels + p * k * width)
            let column = p * width, columns = min(width, n - column)
            // Rows in ⌈m/6⌉ blocks of near-equal size (32 rows: 6, 6, 5, 5, 5, 5): a ragged
            // last block of one or two rows would keep too few accumulators busy to hide
            // the FMA latency.
            let blocks = (m + 5) / 6
            var row = 0
            for block in 0..<blocks {
                let rows = m / blocks + (block < m % blocks ? 1 : 0)
                let aRows = a + row * k, cRows = c + row * n + column
                switch rows {
                case 6: tile(rows: 6, k: k, a: aRows, lda: k, panel: panel, c: cRows, ldc: n, column: column, columns: columns, epilogue)
                case 5: tile(rows: 5, k: k, a: aRows, lda: k, panel: panel, c: cRows, ldc: n, column: column, columns: columns, epilogue)
                case 4: tile(rows: 4, k: k, a: aRows, lda: k, panel: panel, c: cRows, ldc: n, column: column, columns: columns, epilogue)
                case 3: tile(rows: 3, k: k, a: aRows, lda: k, panel: panel, c: cRows, ldc: n, column: column, columns: columns, epilogue)
                case 2: tile(rows: 2, k: k, a: aRows, lda: k, panel: panel, c: cRows, ldc: n, column: column, columns: columns, epilogue)
                default: tile(rows: 1, k: k, a: aRows, lda: k, panel: panel, c: cRows, ldc: n, column: column, columns: columns, epilogue)
                }
                row += rows
            }
        }
    }

    /// `rows` (≤ 6) rows of x times one panel. Always inlined with a constant `rows`, so
    /// the unused accumulators and their branches compile away.
    @inline(__always)
    private static func tile(rows: Int, k: Int, a: UnsafePointer<Float>, lda: Int, panel: UnsafePointer<Float>,
                             c: UnsafeMutablePointer<Float>, ldc: Int, column: Int, columns: Int, _ epilogue: Epilogue) {
        var c0a = Float8(), c0b = Float8(), c1a = Float8(), c1b = Float8(), c2a = Float8(), c2b = Float8()
        var c3a = Float8(), c3b = Float8(), c4a = Float8(), c4b = Float8(), c5a = Float8(), c5b = Float8()
        let a0 = a, a1 = a + (rows > 1 ? lda : 0), a2 = a + (rows > 2 ? 2 * lda : 0)
        let a3 = a + (rows > 3 ? 3 * lda : 0), a4 = a + (rows > 4 ? 4 * lda : 0), a5 = a + (rows > 5 ? 5 * lda : 0)
        var b = panel
        for i in 0..<k {
            let b0 = load8(b), b1 = load8(b + 8)
            b += 16
            var s = Float8(repeating: a0[i])
            c0a = c0a.addingProduct(s, b0); c0b = c0b.addingProduct(s, b1)
            if rows > 1 { s = Float8(repeating: a1[i]); c1a = c1a.addingProduct(s, b0); c1b = c1b.addingProduct(s, b1) }
            if rows > 2 { s = Float8(repeating: a2[i]); c2a = c2a.addingProduct(s, b0); c2b = c2b.addingProduct(s, b1) }
            if rows > 3 { s = Float8(repeating: a3[i]); c3a = c3a.addingProduct(s, b0); c3b = c3b.addingProduct(s, b1) }
            if rows > 4 { s = Float8(repeating: a4[i]); c4a = c4a.addingProduct(s, b0); c4b = c4b.addingProduct(s, b1) }
            if rows > 5 { s = Float8(repeating: a5[i]); c5a = c5a.addingProduct(s, b0); c5b = c5b.addingProduct(s, b1) }
        }
        var biasA = Float8(), biasB = Float8()
        if let bias = epilogue.bias {
            if columns == 16 {
                biasA = load8(bias + column); biasB = load8(bias + column + 8)
            } else {
                for j in 0..<columns { if j < 8 { biasA[j] = bias[column + j] } else { biasB[j - 8] = bias[column + j] } }
            }
        }
        store(c0a, c0b, to: c, columns: columns, epilogue, biasA, biasB)
        if rows > 1 { store(c1a, c1b, to: c + ldc, columns: columns, epilogue, biasA, biasB) }
        if rows > 2 { store(c2a, c2b, to: c + 2 * ldc, columns: columns, epilogue, biasA, biasB) }
        if rows > 3 { store(c3a, c3b, to: c + 3 * ldc, columns: columns, epilogue, biasA, biasB) }
        if rows > 4 { store(c4a, c4b, to: c + 4 * ldc, columns: columns, epilogue, biasA, biasB) }
        if rows > 5 { store(c5a, c5b, to: c + 5 * ldc, columns: columns, epilogue, biasA, biasB) }
    }

    /// Writes one row of the tile: alpha·acc + bias, then ReLU if asked, into `columns` (≤ 16) floats.
    @inline(__always)
    private static func store(_ accA: Float8, _ accB: Float8, to c: UnsafeMutablePointer<Float>, columns: Int,
                              _ epilogue: Epilogue, _ biasA: Float8, _ biasB: Float8) {
        var lo = biasA.addingProduct(accA, Float8(repeating: epilogue.alpha))
        var hi = biasB.addingProduct(accB, Float8(repeating: epilogue.alpha))
        if epilogue.relu {
            lo.replace(with: 0, where: lo .< 0)
            hi.replace(with: 0, where: hi .< 0)
        }
        if columns == 16 {
            store8(lo, c); store8(hi, c + 8)
        } else {
            for j in 0..<columns { c[j] = j < 8 ? lo[j] : hi[j - 8] }
        }
    }
}
