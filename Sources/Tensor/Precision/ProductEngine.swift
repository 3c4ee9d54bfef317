/// How the products of one forward/backward pass compute; carried by the pass's workspace
/// so that every layer product asks one place (`MatMul.multiply(…, in:)`).
public enum ProductEngine: Sendable {
    case fp32
    /// bf16 products; weights found in `weights` use its rounded copy instead of rounding
    /// them again.
    case bf16(weights: BF16Mirror?)
    /// Decoding only: products whose weight has an int8 copy in `weights` run in int8
    /// (`Int8MatMul`), every other product in fp32.
    case int8(weights: Int8Weights)

    /// The precision of the products between activations (attention's scores and
    /// context), which int8 decoding leaves in fp32 as CTranslate2 does.
    public var precision: ProductPrecision {
        switch self {
        case .fp32, .int8: .fp32
        case .bf16: .bf16
        }
    }

    /// The table an embedding lookup reads: int8 decoding's dequantized copy, or `table`.
    public func embeddingTable(for table: Tensor) -> Tensor {
        if case let .int8(weights) = self { return weights.embeddingTable(for: table) }
        return table
    }
}
