import Kernels

/// y = alpha·x·Wᵀ + bias (optionally followed by ReLU) with W pre-packed as a
/// `PackedMatrix`: the product of step-by-step decoding, where x has few rows (one per
/// hypothesis) and W is the same at every step.
///
/// The register-tile kernel is `Kernels.PackedKernel`, on the path W was packed for.
/// Threads take contiguous ranges of panels, so no two threads share a column and the
/// result does not depend on the thread count: every y[i, j] is the same sum over k in
/// the same order.
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
        let epilogue = PackedKernel.Epilogue(alpha: alpha, bias: bias.map { UnsafePointer($0.data) }, relu: relu)
        let kernel = w.isa.kernels.packedMultiply
        let panels = w.panelCount
        // At least a few panels per thread, and enough work to pay for waking a thread.
        let parts = m * n * k >= MatMul.parallelWorkThreshold ? Threads.chunkCount(panels, minPerChunk: 4) : 1
        let a = UnsafePointer(x.data), packed = UnsafePointer(w.panels), c = y.data
        if parts <= 1 {
            kernel(0..<panels, m, n, k, a, packed, c, epilogue)
            return
        }
        Threads.run(chunks: parts) { part in
            kernel(Threads.chunkRange(part, of: parts, total: panels), m, n, k, a, packed, c, epilogue)
        }
    }
}
