import Tensor

/// A `Linear` layer (or several stacked along the output axis) with its weight packed for
/// the products y = x·Wᵀ + b with few rows x that every decoding step computes: in fp32
/// (`PackedMatMul`) or int8 (`Int8MatMul`, the weight quantized per output row).
///
/// Stacking fuses products that read the same input (self-attention's q, k and v) into
/// one pass over x. A per-layer `outputScale` multiplies that layer's rows of W and its
/// bias, which is how the query's head_dim^-½ is folded in (fairseq scales after the
/// product; the two differ by float rounding only, and not at all for power-of-two scales).
/// In int8 the scaled rows are quantized, so a row's int8 values are those of the unscaled
/// row up to rounding ties.
final class PackedLinear {
    enum Weight {
        case fp32(PackedMatrix)
        case int8(Int8Matrix)
    }

    let weight: Weight
    let bias: TensorStorage?
    let outputs: Int

    /// - Parameter layers: (weights, output scale) pairs, all with the same input size;
    ///   either all or none have a bias.
    init(stacking layers: [(LinearWeights, scale: Float)], precision: DecodingPrecision = .fp32) {
        let inputs = layers[0].0.weight.shape.last
        let outputs = layers.map { $0.0.weight.shape.rows }.reduce(0, +)
        let stacked = TensorStorage(Shape(outputs, inputs), zeroed: false)
        let hasBias = layers[0].0.bias != nil
        let bias = hasBias ? TensorStorage(Shape(outputs), zeroed: false) : nil
        var row = 0
        for (layer, scale) in layers {
            precondition(layer.weight.shape.last == inputs && (layer.bias != nil) == hasBias,
                         "stacked layers need the same input size and all or no biases")
            let n = layer.weight.shape.rows
            for i in 0..<(n * inputs) { stacked.tensor.data[row * inputs + i] = layer.weight.data[i] * scale }
            if let b = layer.bias, let bias { for i in 0..<n { bias.tensor.data[row + i] = b.data[i] * scale } }
            row += n
        }
        switch precision {
        case .fp32: weight = .fp32(PackedMatrix(stacked.tensor))
        case .int8: weight = .int8(Int8Matrix(stacked.tensor))
        }
        self.bias = bias
        self.outputs = outputs
    }

    convenience init(_ layer: LinearWeights, scale: Float = 1, precision: DecodingPrecision = .fp32) {
        self.init(stacking: [(layer, scale)], precision: precision)
    }

    /// An int8 layer over a matrix already quantized (`Int8Weights`, shared with the
    /// embedding table it is tied to), with a copy of `bias` (n).
    init(int8 matrix: Int8Matrix, bias: Tensor?) {
        weight = .int8(matrix)
        self.bias = bias.map { b in
            let copy = TensorStorage(Shape(b.count), zeroed: false)
            copy.tensor.data.update(from: b.data, count: b.count)
            return copy
        }
        outputs = matrix.n
    }

    /// Shapes: x (N, in), y (N, outputs). `relu` applies max(0, ·) to the result. An int8
    /// product quantizes x into `ws` for the call.
    func forward(_ x: Tensor, into y: Tensor, relu: Bool = false, _ ws: Workspace) {
        switch weight {
        case let .fp32(matrix): PackedMatMul.multiply(x, matrix, bias: bias?.tensor, relu: relu, into: y)
        case let .int8(matrix): Int8MatMul.multiply(x, matrix, bias: bias?.tensor, relu: relu, into: y, in: ws)
        }
    }

    /// Bytes of the packed weight.
    var byteCount: Int {
        switch weight {
        case let .fp32(matrix): matrix.byteCount
        case let .int8(matrix): matrix.byteCount
        }
    }
}

/// The decoder's matrices packed for `IncrementalDecoder`, one snapshot of the model's
/// parameters: build a new one after the parameters change (a `Translator` does when it
/// is created). Layer norms, embeddings and positions are read from the model itself.
public final class DecoderStepWeights {
    struct Layer {
        /// q (scaled by head_dim^-½), k and v stacked: (3d, d).
        let selfQKV: PackedLinear
        let selfOut: PackedLinear
        /// Cross-attention's query (scaled), and its key and value stacked: (2d, d).
        let crossQ: PackedLinear
        let crossKV: PackedLinear
        let crossOut: PackedLinear
        let fc1: PackedLinear
        let fc2: PackedLinear
    }

    let layers: [Layer]
    /// (V_tgt, d), with the model's output bias if it has one.
    let output: PackedLinear
    public let precision: DecodingPrecision
    /// The table the decoder's input tokens are looked up in: the model's, or in int8 its
    /// dequantized int8 copy (from the `Int8Weights` given).
    let decoderEmbedding: Tensor

    /// - Parameter int8: in int8, the model's `makeInt8Weights` (for the embedding table and
    ///   the output projection); made here when nil.
    public init(model: TransformerModel, precision: DecodingPrecision = .fp32, int8: Int8Weights? = nil) {
        let queryScale = 1 / Float(model.config.headDim).squareRoot()
        func packed(_ layers: [(LinearWeights, scale: Float)]) -> PackedLinear { PackedLinear(stacking: layers, precision: precision) }
        layers = model.weights.decoderLayers.map { w in
            Layer(selfQKV: packed([(w.selfAttention.q, queryScale), (w.selfAttention.k, 1), (w.selfAttention.v, 1)]),
                  selfOut: packed([(w.selfAttention.out, 1)]),
                  crossQ: packed([(w.crossAttention.q, queryScale)]),
                  crossKV: packed([(w.crossAttention.k, 1), (w.crossAttention.v, 1)]),
                  crossOut: packed([(w.crossAttention.out, 1)]),
                  fc1: packed([(w.fc1, 1)]), fc2: packed([(w.fc2, 1)]))
        }
        self.precision = precision
        switch precision {
        case .fp32:
            output = packed([(LinearWeights(weight: model.weights.outputProjection, bias: model.weights.outputBias), 1)])
            decoderEmbedding = model.weights.decoderEmbedding
        case .int8:
            let table = int8 ?? model.makeInt8Weights(includingDecoder: false)
            // Tied to an embedding table (`sharing`), the projection is that table's int8
            // matrix, quantized once; `add` quantizes it here otherwise.
            output = PackedLinear(int8: table.add(model.weights.outputProjection), bias: model.weights.outputBias)
            decoderEmbedding = table.embeddingTable(for: model.weights.decoderEmbedding)
        }
    }

    /// Bytes of the packed matrices (what decoding reads at every step besides the caches).
    public var byteCount: Int {
        layers.reduce(output.byteCount) { sum, layer in
            sum + [layer.selfQKV, layer.selfOut, layer.crossQ, layer.crossKV, layer.crossOut, layer.fc1, layer.fc2]
                .reduce(0) { $0 + $1.byteCount }
        }
    }
}
