import CBF16Kernels
import COneDNN

extension MatMul {
    /// `c = op(a)·op(b) + beta·c` (beta 0 or 1) in the precision of the workspace's pass
    /// (`Workspace.products`): the one place a layer product picks its engine. In int8
    /// decoding, `a·bᵀ` with `b` a weight of the pass's `Int8Weights` runs in int8.
    ///
    /// In bf16, each operand is rounded to bfloat16 once (a weight found in the pass's
    /// `BF16Mirror` is already rounded) into this step's workspace, and the workspace's
    /// engine (`Workspace.bf16Engine`) multiplies with fp32 accumulation: AMX tiles
    /// (`multiplyOnTiles`), or oneDNN with the blocks split over the threads as the fp32
    /// path splits them (`forEachBlock`), each block one single-threaded oneDNN call.
    /// With `bias` (n), every row of c gains it (in bf16, added as c is written: one pass
    /// over c less).
    /// Shapes as `multiply(_:_:into:transposeA:transposeB:alpha:beta:)`.
    public static func multiply(_ a: Tensor, _ b: Tensor, into c: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                                beta: Float = 0, bias: Tensor? = nil, in ws: Workspace) {
        let weights: BF16Mirror?
        switch ws.products {
        case .fp32:
            multiply(a, b, into: c, transposeA: transposeA, transposeB: transposeB, beta: beta)
            if let bias { Elementwise.addBias(c, bias) }
            return
        case let .int8(table):
            if transposeB, !transposeA, beta == 0, let w = table.matrix(for: b) {
                Int8MatMul.multiply(a, w, into: c, in: ws)
            } else {
                multiply(a, b, into: c, transposeA: transposeA, transposeB: transposeB, beta: beta)
            }
            if let bias { Elementwise.addBias(c, bias) }
            return
        case let .bf16(mirror):
            weights = mirror
        }
        if let bias {
            precondition(bias.count == c.shape.last, "bias \(bias.shape) does not match the product's columns \(c.shape)")
        }
        precondition(beta == 0 || beta == 1, "bf16 products take beta 0 or 1, got \(beta)")
        let (m, n, k) = dimensions(a, b, c, transposeA: transposeA, transposeB: transposeB)
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { c.data.update(repeating: 0, count: c.shape.count) }
            if let bias { Elementwise.addBias(c, bias) }
            return
        }
        let mark = ws.mark()
        let roundedA = rounded(a, mirror: weights, ws), roundedB = rounded(b, mirror: weights, ws)
        let (lda, ldb, ldc) = (a.shape.last, b.shape.last, n)
        if ws.bf16Engine == .amxTiles, tilesAreFaster(k: k, transposeA: transposeA) || ws.tilesForEveryProduct {
            multiplyOnTiles(m: m, n: n, k: k, a: roundedA, lda: lda, transposeA: transposeA,
                            b: roundedB, ldb: ldb, transposeB: transposeB, c: c.data, ldc: ldc,
                            accumulate: beta == 1, bias: bias.map { UnsafePointer($0.data) }, in: ws)
            ws.release(to: mark)
            return
        }
        // oneDNN's exact-shape primitives take whole row blocks with C's rows contiguous
        // (ldc = n; with a column block of a wider C they fall back to `gemm:jit`).
        let exactShape = !transposeA && k <= Int(NMT_ONEDNN_EXACT_MAX_K)
        // Shares in whole tail blocks: equal to within one, where whole 256-row blocks left one
        // thread up to 255 rows more than the other (idle a third of some products).
        forEachBlock(m: m, n: n, k: k, rowBlock: exactShape ? Int(NMT_ONEDNN_EXACT_TAIL_ROWS) : nil) { rows, columns in
            let status = nmt_onednn_matmul_bf16(
                Int64(rows.count), Int64(columns.count), Int64(k),
                roundedA + (transposeA ? rows.lowerBound : rows.lowerBound * lda), Int64(lda), transposeA ? 1 : 0,
                roundedB + (transposeB ? columns.lowerBound * ldb : columns.lowerBound), Int64(ldb), transposeB ? 1 : 0,
                c.data + rows.lowerBound * ldc + columns.lowerBound, Int64(ldc), beta == 1 ? 1 : 0,
                bias.map { UnsafePointer($0.data + columns.lowerBound) })
            precondition(status == 0, "oneDNN bf16 matmul failed with status \(status) for a \(a.shape) · b \(b.shape)")
        }
        ws.release(to: mark)
    }

    /// Rounds `x` to bf16 once, now, for every later product of this step that reads it
    /// while it is allocated (a layer input read again by its weight gradient in the
    /// backward pass). For activations that are never written again in the step; in other
    /// precisions, and for an operand already kept, it does nothing. (One operand per call:
    /// a variadic list would allocate on every call, in every precision.)
    public static func keepRounded(_ x: Tensor, in ws: Workspace) {
        keepRounded(x, addingColumnSumsTo: nil, in: ws)
    }

    /// `keepRounded`'s work; with `columnSums`, the copy is made by a pass that also adds
    /// x's column sums into them (`nmt_bf16_round_rows_summing_columns`). Returns whether it
    /// added them: not when it keeps no copy (other precisions, a weight the mirror holds,
    /// an operand already kept) or x has no rows.
    @discardableResult
    private static func keepRounded(_ x: Tensor, addingColumnSumsTo columnSums: Tensor?, in ws: Workspace) -> Bool {
        guard case let .bf16(mirror) = ws.products, mirror?.rounded(x.data) == nil, ws.sharedRoundedCopy(of: x) == nil
        else { return false }
        let position = ws.position
        guard let columnSums, x.shape.rows > 0 else {
            ws.sharedRounded.append((x.data, x.shape.count, rounded(x, mirror: nil, ws), position))
            return false
        }
        let (rows, cols) = (x.shape.rows, x.shape.last)
        let copy = ws.buffer(UInt16.self, count: x.shape.count)
        // Column blocks of 64 over the threads: each column is summed by one thread, in row order.
        Threads.parallelFor((cols + 63) / 64, minPerChunk: 1) { blocks in
            nmt_bf16_round_rows_summing_columns(x.data, Int64(cols), Int64(rows), Int64(blocks.lowerBound * 64),
                                                Int64(min(blocks.upperBound * 64, cols)), copy, Int64(cols), columnSums.data)
        }
        ws.sharedRounded.append((x.data, x.shape.count, UnsafePointer(copy), position))
        return true
    }

    /// Runs `body`, in which every bf16 product reading `x` reads one copy of it rounded
    /// here, once, instead of rounding it again per product (a layer's output gradient `dy`
    /// feeds both of its gradient products). In other precisions it just runs `body`. `x`
    /// may not be written inside `body`, and nothing `body` allocates in `ws` may outlive
    /// it (the copy is released after it).
    ///
    /// With `columnSums` (n, for x (rows, n)), x's column sums are also added into them,
    /// bitwise as `Elementwise.biasBackward(x, into: columnSums)` adds them (each column's
    /// rows in order from zero, then the total): in bf16 by the pass that makes the copy,
    /// so a layer's output gradient is read once for its copy and its bias gradient instead
    /// of twice; otherwise by `biasBackward` after `body`.
    public static func sharingRounded<Result>(_ x: Tensor, in ws: Workspace, addingColumnSumsTo columnSums: Tensor? = nil,
                                              _ body: () -> Result) -> Result {
        if let columnSums {
            precondition(columnSums.count == x.shape.last, "column sums \(columnSums.shape) do not match the last axis of \(x.shape)")
        }
        var summed = false
        let result: Result
        if case .bf16 = ws.products {
            let mark = ws.mark()
            summed = keepRounded(x, addingColumnSumsTo: columnSums, in: ws)
            result = body()
            ws.release(to: mark)
        } else {
            result = body()
        }
        if !summed, let columnSums { Elementwise.biasBackward(x, into: columnSums) }
        return result
    }

    /// `x` rounded to bfloat16 in its own layout: the mirror's copy when `x` is a weight it
    /// holds, the copy kept for it (`keepRounded`, `sharingRounded`), otherwise a copy in
    /// `ws` (rows split over the threads).
    static func rounded(_ x: Tensor, mirror: BF16Mirror?, _ ws: Workspace) -> UnsafePointer<UInt16> {
        if let copy = mirror?.rounded(x.data) ?? ws.sharedRoundedCopy(of: x) { return copy }
        let out = ws.buffer(UInt16.self, count: x.shape.count)
        let (rows, cols) = (x.shape.rows, x.shape.last)
        Threads.parallelFor(rows, minPerChunk: max(1, 16_384 / max(cols, 1))) { range in
            nmt_bf16_round_rows(x.data + range.lowerBound * cols, Int64(cols), Int64(range.count), Int64(cols),
                                out + range.lowerBound * cols, Int64(cols))
        }
        return UnsafePointer(out)
    }
}

/// oneDNN as this process uses it, for reports: "oneDNN 2.6.3, bf16 matmul gemm:jit".
public enum OneDNN {
    public static var summary: String {
        "oneDNN \(String(cString: nmt_onednn_version())), bf16 matmul \(String(cString: nmt_onednn_bf16_implementation()))"
    }
}
