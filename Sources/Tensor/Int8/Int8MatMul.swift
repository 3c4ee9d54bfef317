import CInt8Kernels

/// y = x·Wᵀ + bias (optionally followed by ReLU) with W an `Int8Matrix`: x's rows are
/// quantized per row here (127 / max|row|, as the weights), the products accumulate in
/// int32, and y = Σ xq·wq · (1/s_x) · (1/s_w) + bias in fp32, CTranslate2's int8 scheme.
///
/// Threads take contiguous ranges of panels, as `PackedMatMul`: the result does not
/// depend on the thread count (integer sums are exact; the epilogue is per element).
public enum Int8MatMul {
    /// Shapes: x (m, k), w (n, k), bias (n) or nil, y (m, n); x and y contiguous. The
    /// quantized x lives in `ws` for the call.
    public static func multiply(_ x: Tensor, _ w: Int8Matrix, bias: Tensor? = nil, relu: Bool = false,
                                into y: Tensor, in ws: Workspace) {
        precondition(x.shape.last == w.k, "int8 matmul: x \(x.shape) does not have \(w.k) columns")
        precondition(y.shape.rows == x.shape.rows && y.shape.last == w.n,
                     "int8 matmul: output \(y.shape) should be (\(x.shape.rows), \(w.n))")
        if let bias { precondition(bias.count == w.n, "int8 matmul: bias \(bias.shape) should have \(w.n) elements") }
        let m = x.shape.rows, n = w.n, k = w.k
        if m == 0 || n == 0 { return }
        let mark = ws.mark()
        defer { ws.release(to: mark) }
        let (quantized, inverse) = quantize(x, for: w.path, ws)
        multiplyQuantized(quantized, inverse, rows: m, w, bias: bias.map { UnsafePointer($0.data) }, relu: relu,
                          into: y.data)
    }

    /// The exact integer products Σ_k xq[i][k]·wq[j][k] as floats, for tests: x is
    /// quantized as `multiply` quantizes it. Returns them with xq's values and scales.
    public static func integerProducts(_ x: Tensor, _ w: Int8Matrix, into y: Tensor, in ws: Workspace)
        -> (values: [Int32], scales: [Float]) {
        let m = x.shape.rows, k = w.k
        let mark = ws.mark()
        defer { ws.release(to: mark) }
        let (quantized, inverse) = quantize(x, for: w.path, ws)
        multiplyQuantized(quantized, nil, rows: m, w, bias: nil, relu: false, into: y.data)
        let depth = Int(nmt_int8_padded_depth(Int64(k), w.path.isVNNI))
        var values: [Int32] = []
        for i in 0..<m {
            for c in 0..<k {
                let index = i * depth + c
                values.append(w.path == .vnni ? Int32(quantized.load(fromByteOffset: index, as: UInt8.self)) - 128
                                              : Int32(quantized.load(fromByteOffset: 2 * index, as: Int16.self)))
            }
        }
        return (values, (0..<m).map { 1 / inverse[$0] })
    }

    /// x's rows quantized for `path` into `ws`, and their inverse scales.
    private static func quantize(_ x: Tensor, for path: Int8Path, _ ws: Workspace)
        -> (UnsafeMutableRawPointer, UnsafeMutablePointer<Float>) {
        let m = x.shape.rows, k = x.shape.last
        let depth = Int(nmt_int8_padded_depth(Int64(k), path.isVNNI)), width = path == .vnni ? 1 : 2
        let quantized = UnsafeMutableRawPointer(ws.buffer(UInt8.self, count: m * depth * width))
        let inverse = ws.buffer(Float.self, count: m)
        Threads.parallelFor(m, minPerChunk: max(1, 32_768 / max(k, 1))) { rows in
            nmt_int8_quantize_rows(x.data + rows.lowerBound * k, Int64(k), Int64(rows.count), Int64(k), path.isVNNI,
                                   quantized + rows.lowerBound * depth * width, inverse + rows.lowerBound)
        }
        return (quantized, inverse)
    }

    private static func multiplyQuantized(_ quantized: UnsafeMutableRawPointer, _ inverse: UnsafeMutablePointer<Float>?,
                                          rows m: Int, _ w: Int8Matrix, bias: UnsafePointer<Float>?, relu: Bool,
                                          into y: UnsafeMutablePointer<Float>) {
        let n = w.n, k = w.k, panels = w.panelCount
        // Pairs of panels are the kernel's tile: split on even panel boundaries.
        let pairs = (panels + 1) / 2
        // fp32's work threshold: at 2 threads, 4× it was no faster on whole Bible runs
        // (greedy and beam 5, Xeon family 6 model 207).
        let parts = m * n * k >= MatMul.parallelWorkThreshold ? Threads.chunkCount(pairs, minPerChunk: 2) : 1
        let run = { (range: Range<Int>) in
            nmt_int8_gemm(Int64(m), Int64(n), Int64(k), w.path.isVNNI, quantized, inverse, w.packed, w.columnSums,
                          w.inverseScales, bias, relu ? 1 : 0, Int64(range.lowerBound * 2),
                          Int64(min(range.upperBound * 2, panels)), y, Int64(n))
        }
        if parts <= 1 { run(0..<pairs); return }
        Threads.run(chunks: parts) { part in run(Threads.chunkRange(part, of: parts, total: pairs)) }
    }
}
