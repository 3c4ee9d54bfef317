import Tensor

extension TransformerModel {
    /// The int8 copies of the model's weight matrices for int8 decoding (CTranslate2's
    /// `int8` compute type): every `Linear` weight of the encoder (and of the decoder when
    /// `includingDecoder`, for a full forward pass as scoring runs), the output projection,
    /// and the embedding tables (looked up dequantized). Biases, layer norms and positions
    /// stay fp32. Tables shared by the model (`sharing`) are quantized once.
    ///
    /// A snapshot: make a new one after the parameters change.
    public func makeInt8Weights(includingDecoder: Bool = true, path: Int8Path = .active) -> Int8Weights {
        let int8 = Int8Weights()
        func add(_ attention: AttentionWeights) {
            for linear in [attention.q, attention.k, attention.v, attention.out] { int8.add(linear.weight, path: path) }
        }
        for layer in weights.encoderLayers {
            add(layer.selfAttention)
            int8.add(layer.fc1.weight, path: path)
            int8.add(layer.fc2.weight, path: path)
        }
        if includingDecoder {
            for layer in weights.decoderLayers {
                add(layer.selfAttention)
                add(layer.crossAttention)
                int8.add(layer.fc1.weight, path: path)
                int8.add(layer.fc2.weight, path: path)
            }
            int8.add(weights.outputProjection, path: path)
        }
        int8.addEmbedding(weights.encoderEmbedding, path: path)
        int8.addEmbedding(weights.decoderEmbedding, path: path)
        return int8
    }
}
