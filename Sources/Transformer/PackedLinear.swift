import Tensor

/// A `Linear` layer (or several stacked along the output axis) with its weight packed for
/// `PackedMatMul`: y = x·Wᵀ + b with few rows x, as every decoding step computes.
///
/// Stacking fuses products that read the same input (self-attention's q, k and v) into
/// one pass over x. A per-layer `outputScale` multiplies that layer's rows of W and its
/// bias, which is how the query's head_dim^-½ is folded in (fairseq scales after the
/// product; the two differ by float rounding only, and not at all for power-of-two scales).
final class PackedLinear {
    let weight: PackedMatrix
    let bias: TensorStorage?
    var outputs: Int { weight.n }

    /// - Parameter layers: (weights, output scale) pairs, all with the same input size;
    ///   either all or none have a bias.
    init(stacking layers: [(LinearWeights, scale: Float)]) {
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
        weight = PackedMatrix(stacked.tensor)
        self.bias = bias
    }

    convenience init(_ layer: LinearWeights, scale: Float = 1) {
        self.init(stacking: [(layer, scale)])
    }

    /// Shapes: x (N, in), y (N, outputs). `relu` applies max(0, ·) to the result.
    func forward(_ x: Tensor, into y: Tensor, relu: Bool = false) {
        PackedMatMul.multiply(x, weight, bias: bias?.tensor, relu: relu, into: y)
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

    public init(model: TransformerModel) {
        let queryScale = 1 / Float(model.config.headDim).squareRoot()
        layers = model.weights.decoderLayers.map { w in
            Layer(selfQKV: PackedLinear(stacking: [(w.selfAttention.q, queryScale), (w.selfAttention.k, 1),
                                                   (w.selfAttention.v, 1)]),
                  selfOut: PackedLinear(w.selfAttention.out),
                  crossQ: PackedLinear(w.crossAttention.q, scale: queryScale),
                  crossKV: PackedLinear(stacking: [(w.crossAttention.k, 1), (w.crossAttention.v, 1)]),
                  crossOut: PackedLinear(w.crossAttention.out),
                  fc1: PackedLinear(w.fc1), fc2: PackedLinear(w.fc2))
        }
        output = PackedLinear(LinearWeights(weight: model.weights.outputProjection, bias: model.weights.outputBias))
    }
}
