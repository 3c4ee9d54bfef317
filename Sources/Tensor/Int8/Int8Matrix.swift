import CInt8Kernels

/// A weight matrix W (n, k), PyTorch's `Linear` layout, quantized per output row
/// (`Int8Quantization`) and packed for `Int8MatMul` on one `Int8Path`: the int8 form of
/// `PackedMatrix`. The row-major int8 values and scales are kept too, for embedding
/// lookups (`dequantizedRows`).
public final class Int8Matrix: @unchecked Sendable {
    // Unchecked Sendable: every buffer is written once in init and only read afterwards.
    /// Output columns (rows of W).
    public let n: Int
    /// Input columns (columns of W).
    public let k: Int
    public let path: Int8Path
    /// Row-major quantized W (n, k).
    public let values: [Int8]
    /// Per row of W: 127 / max|row|.
    public let scales: [Float]
    /// Per output column, padded to whole panels: 1 / scale.
    let inverseScales: UnsafeMutablePointer<Float>
    /// Per output column, padded to whole panels: 128·Σ_k q (VNNI's unsigned offset).
    let columnSums: UnsafeMutablePointer<Int32>
    /// The packed panels (CInt8Kernels.h), 64-byte aligned.
    let packed: UnsafeMutableRawPointer

    var panelCount: Int { (n + path.panelWidth - 1) / path.panelWidth }

    /// Quantizes and packs `weight` (n, k) for `path` (default: this machine's).
    public convenience init(_ weight: Tensor, path: Int8Path = .active) {
        let (values, scales) = Int8Quantization.quantizeRows(weight.data, rows: weight.shape.rows, columns: weight.shape.last)
        self.init(quantized: values, scales: scales, n: weight.shape.rows, k: weight.shape.last, path: path)
    }

    /// Packs already quantized values (n, k) with their per-row scales.
    public init(quantized values: [Int8], scales: [Float], n: Int, k: Int, path: Int8Path = .active) {
        precondition(values.count == n * k && scales.count == n, "int8 matrix: \(values.count) values and \(scales.count) scales for (\(n), \(k))")
        self.n = n
        self.k = k
        self.path = path
        self.values = values
        self.scales = scales
        let padded = max((n + path.panelWidth - 1) / path.panelWidth * path.panelWidth, 1)
        inverseScales = .allocate(capacity: padded)
        inverseScales.initialize(repeating: 0, count: padded)
        for j in 0..<n { inverseScales[j] = 1 / scales[j] }
        columnSums = .allocate(capacity: padded)
        columnSums.initialize(repeating: 0, count: padded)
        let bytes = Int(nmt_int8_packed_bytes(Int64(n), Int64(k), path.isVNNI))
        packed = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 64), alignment: 64)
        values.withUnsafeBufferPointer { q in
            nmt_int8_pack(q.baseAddress, Int64(n), Int64(k), path.isVNNI, packed, columnSums)
        }
    }

    deinit {
        inverseScales.deallocate()
        columnSums.deallocate()
        packed.deallocate()
    }

    /// W as the int8 model holds it: row r is q_r / s_r, (n, k) fp32. An embedding table
    /// looked up from this copy is the int8 model's embedding (CTranslate2 dequantizes
    /// embedding rows the same way).
    public func dequantizedRows() -> TensorStorage {
        let out = TensorStorage(Shape(n, k), zeroed: false)
        for r in 0..<n {
            let inverse = 1 / scales[r]
            for c in 0..<k { out.tensor.data[r * k + c] = Float(values[r * k + c]) * inverse }
        }
        return out
    }

    /// Bytes this matrix holds (packed panels, row-major copy, scales).
    public var byteCount: Int {
        Int(nmt_int8_packed_bytes(Int64(n), Int64(k), path.isVNNI)) + values.count + scales.count * 4
            + panelCount * path.panelWidth * 8
    }
}
