/// The int8 copies of a model's weight matrices, found by the address of the fp32 weight
/// they stand for: what a pass's `ProductEngine.int8` consults, so that every layer product
/// (`MatMul.multiply(…, in:)`) whose weight is here runs in int8 and every other product
/// (attention's activations × activations) stays fp32. Embedding tables have dequantized
/// copies (`embeddingTable(for:)`).
///
/// Built once when a model is prepared for int8 decoding and read-only afterwards.
public final class Int8Weights: @unchecked Sendable {
    // Unchecked Sendable: filled by `add` before any pass uses it, then only read.
    private var matrices: [UnsafePointer<Float>: Int8Matrix] = [:]
    private var embeddings: [UnsafePointer<Float>: TensorStorage] = [:]

    public init() {}

    /// The int8 form of `weight` (n, k), made once and shared by every use of that weight.
    @discardableResult
    public func add(_ weight: Tensor, path: Int8Path = .active) -> Int8Matrix {
        if let existing = matrices[UnsafePointer(weight.data)], existing.n == weight.shape.rows, existing.k == weight.shape.last {
            return existing
        }
        let matrix = Int8Matrix(weight, path: path)
        matrices[UnsafePointer(weight.data)] = matrix
        return matrix
    }

    /// Registers the embedding table `table` (V, d): lookups read its int8 rows, dequantized.
    @discardableResult
    public func addEmbedding(_ table: Tensor, path: Int8Path = .active) -> Tensor {
        if let existing = embeddings[UnsafePointer(table.data)] { return existing.tensor }
        let rows = add(table, path: path).dequantizedRows()
        embeddings[UnsafePointer(table.data)] = rows
        return rows.tensor
    }

    /// The int8 matrix standing for `weight`, if it has one of the same shape.
    public func matrix(for weight: Tensor) -> Int8Matrix? {
        guard let matrix = matrices[UnsafePointer(weight.data)], matrix.n == weight.shape.rows, matrix.k == weight.shape.last
        else { return nil }
        return matrix
    }

    /// The dequantized copy of an embedding table, or `table` itself when it has none.
    public func embeddingTable(for table: Tensor) -> Tensor {
        embeddings[UnsafePointer(table.data)]?.tensor ?? table
    }

    /// Bytes of the int8 matrices and the dequantized embedding tables.
    public var byteCount: Int {
        matrices.values.reduce(0) { $0 + $1.byteCount } + embeddings.values.reduce(0) { $0 + $1.tensor.count * 4 }
    }
}
