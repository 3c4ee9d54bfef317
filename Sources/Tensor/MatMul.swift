import CBF16Kernels

/// Matrix products: fp32 through OpenBLAS's `cblas_sgemm` (row-major; `OpenBLAS`), bf16
/// through oneDNN and the VDPBF16PS kernel (`MatMul+BF16.swift`).
///
/// Transposed operands are passed to BLAS as flags, never copied. Tensors of rank > 2 are
/// seen as matrices of shape (rows, last axis).
public enum MatMul {
    /// The raw product `C = alpha·op(A)·op(B) + beta·C` with explicit leading dimensions,
    /// for strided views such as one attention head inside a (B, T, C) activation.
    ///
    /// op(A) is (m, k), op(B) is (k, n), C is (m, n); `lda`, `ldb`, `ldc` are the row
    /// strides of A, B, C as stored (A stored (k, m) when `transposeA`).
    ///
    /// With several threads a large product is cut into blocks (`forEachBlock`), each one
    /// single-threaded sgemm on its own thread. Every element of C is still one sgemm's dot
    /// product over all of k; the split is fixed for a thread count, so results repeat
    /// exactly at that count (and differ from another count by rounding at most, when
    /// OpenBLAS picks another kernel for a block's size).
    @inline(__always)
    public static func gemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float = 1, beta: Float = 0
    ) {
        forEachBlock(m: m, n: n, k: k) { rows, columns in
            gemmOnThisThread(m: rows.count, n: columns.count, k: k,
                             a: a + (transposeA ? rows.lowerBound : rows.lowerBound * lda), lda: lda, transposeA: transposeA,
                             b: b + (transposeB ? columns.lowerBound * ldb : columns.lowerBound), ldb: ldb, transposeB: transposeB,
                             c: c + rows.lowerBound * ldc + columns.lowerBound, ldc: ldc, alpha: alpha, beta: beta)
        }
    }

    /// Calls `body(rows, columns)` for the blocks of an (m, n) product C that the threads
    /// compute, each on its own thread: `Threads.count` blocks of C's rows (or of its columns,
    /// when C is wider than tall), or one block, the whole of C, for a small product. Block
    /// boundaries fall on multiples of the kernels' register tile and are fixed for a
    /// thread count, so every engine's results repeat exactly at that count.
    ///
    /// With `rowBlock`, an engine that wants whole blocks of that many rows and all of C's
    /// columns in each call (oneDNN's exact-shape bf16 primitives) gets rows split on
    /// multiples of it whenever every thread can have one.
    @inline(__always)
    static func forEachBlock(m: Int, n: Int, k: Int, rowBlock: Int? = nil,
                             _ body: (_ rows: Range<Int>, _ columns: Range<Int>) -> Void) {
        let parts = Threads.count
        guard parts > 1, m * n * k >= parallelWorkThreshold, max(m, n) >= parts * splitAlignment else {
            body(0..<m, 0..<n)
            return
        }
        let rowAlignment = rowBlock.flatMap { m >= parts * $0 ? $0 : nil }
        let splitRows = rowAlignment != nil || m >= n, extent = splitRows ? m : n
        let alignment = rowAlignment ?? splitAlignment
        let blocks = (extent + alignment - 1) / alignment
        Threads.run(chunks: parts) { part in
            let range = Threads.chunkRange(part, of: parts, total: blocks)
            let start = range.lowerBound * alignment, end = min(range.upperBound * alignment, extent)
            guard start < end else { return }
            if splitRows { body(start..<end, 0..<n) } else { body(0..<m, start..<end) }
        }
    }

    /// Products smaller than this many multiply-adds run on one thread: splitting them
    /// costs more than it saves.
    static let parallelWorkThreshold = 1 << 21
    static let splitAlignment = 16

    /// One single-threaded product on the calling thread; for callers that already run in
    /// parallel (attention, one sentence per thread). Arguments as `gemm`; in bf16 the
    /// operands are rounded here and multiplied with VDPBF16PS (`nmt_bf16_gemm_small`),
    /// which takes alpha = 1 and beta 0 or 1 only.
    @inline(__always)
    public static func gemmOnThisThread(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float = 1, beta: Float = 0, precision: ProductPrecision = .fp32
    ) {
        if m == 0 || n == 0 { return }
        if precision == .bf16 {
            precondition(alpha == 1 && (beta == 0 || beta == 1), "bf16 products take alpha 1 and beta 0 or 1")
            nmt_bf16_gemm_small(Int64(m), Int64(n), Int64(k), a, Int64(lda), transposeA ? 1 : 0,
                                b, Int64(ldb), transposeB ? 1 : 0, c, Int64(ldc), beta)
            return
        }
        if k == 0 {
            // BLAS leaves C untouched for k = 0 only when beta = 1; make the result explicit.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        OpenBLAS.library.sgemm(CBLASCode.rowMajor,
                               transposeA ? CBLASCode.transpose : CBLASCode.noTranspose,
                               transposeB ? CBLASCode.transpose : CBLASCode.noTranspose,
                               Int32(m), Int32(n), Int32(k),
                               alpha, a, Int32(lda), b, Int32(ldb),
                               beta, c, Int32(ldc))
    }

    /// `c = alpha·op(a)·op(b) + beta·c` for matrices (tensors of rank ≥ 2 are flattened to
    /// (rows, last axis)).
    ///
    /// Shapes: op(a) (m, k), op(b) (k, n), c (m, n). With `beta = 1` the product
    /// accumulates into `c`, which is how backward passes add into gradients.
    public static func multiply(
        _ a: Tensor, _ b: Tensor, into c: Tensor,
        transposeA: Bool = false, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0
    ) {
        let (m, n, k) = dimensions(a, b, c, transposeA: transposeA, transposeB: transposeB)
        gemm(m: m, n: n, k: k,
             a: a.data, lda: a.shape.last, transposeA: transposeA,
             b: b.data, ldb: b.shape.last, transposeB: transposeB,
             c: c.data, ldc: n, alpha: alpha, beta: beta)
    }

    /// (m, n, k) of `c = op(a)·op(b)`, with tensors seen as (rows, last axis); a mismatch is
    /// a programmer error that names the shapes.
    static func dimensions(_ a: Tensor, _ b: Tensor, _ c: Tensor, transposeA: Bool, transposeB: Bool) -> (m: Int, n: Int, k: Int) {
        let (aRows, aCols) = (a.shape.rows, a.shape.last)
        let (bRows, bCols) = (b.shape.rows, b.shape.last)
        let m = transposeA ? aCols : aRows, k = transposeA ? aRows : aCols
        let kB = transposeB ? bCols : bRows, n = transposeB ? bRows : bCols
        precondition(k == kB,
                     "matmul: inner dimensions differ: a \(a.shape)\(transposeA ? "ᵀ" : "") · b \(b.shape)\(transposeB ? "ᵀ" : "")")
        precondition(c.shape.rows == m && c.shape.last == n,
                     "matmul: output \(c.shape) should be (\(m), \(n)) for a \(a.shape)\(transposeA ? "ᵀ" : "") · b \(b.shape)\(transposeB ? "ᵀ" : "")")
        return (m, n, k)
    }

    /// Batched product over the first axis: `c[i] = alpha·op(a[i])·op(b[i]) + beta·c[i]`,
    /// one `sgemm` call per batch item on strided views (no copies).
    ///
    /// Shapes: a (batch, …), b (batch, …), c (batch, m, n) where each item is seen as a
    /// matrix of (rows, last axis).
    public static func batchedMultiply(
        _ a: Tensor, _ b: Tensor, into c: Tensor,
        transposeA: Bool = false, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0
    ) {
        precondition(a.shape.rank >= 3 && b.shape.rank >= 3 && c.shape.rank >= 3,
                     "batched matmul needs rank ≥ 3 operands, got a \(a.shape), b \(b.shape), c \(c.shape)")
        let batch = a.shape[0]
        precondition(b.shape[0] == batch && c.shape[0] == batch,
                     "batched matmul: batch sizes differ: a \(a.shape), b \(b.shape), c \(c.shape)")
        for i in 0..<batch {
            multiply(a.slice(i), b.slice(i), into: c.slice(i),
                     transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta)
        }
    }
}

/// The CBLAS enumeration values (cblas.h) that `cblas_sgemm` takes.
enum CBLASCode {
    static let rowMajor: Int32 = 101
    static let noTranspose: Int32 = 111
    static let transpose: Int32 = 112
}
