import Checkpoints
import Foundation
import Transformer

/// The project's Transformer as CTranslate2's `TransformerSpec` (revision 7,
/// ctranslate2/specs/transformer_spec.py): the variables fairseq's converter
/// (ctranslate2/converters/fairseq.py) would write for the same fairseq model.
///
/// Layout, for encoder layer i (d = model width, f = feed-forward width):
///
///     encoder/layer_i/self_attention/linear_0      q_proj, k_proj, v_proj stacked: (3d, d), (3d)
///     encoder/layer_i/self_attention/linear_1      out_proj (d, d)
///     encoder/layer_i/self_attention/layer_norm    self_attn_layer_norm (gamma, beta)
///     encoder/layer_i/ffn/linear_0, linear_1       fc1 (f, d), fc2 (d, f)
///     encoder/layer_i/ffn/layer_norm               final_layer_norm
///
/// and for decoder layer i the same with `attention` (encoder attention: linear_0 =
/// q_proj, linear_1 = k_proj and v_proj stacked (2d, d), linear_2 = out_proj, layer_norm =
/// encoder_attn_layer_norm). Embeddings are `encoder/embeddings_0/weight` and
/// `decoder/embeddings/weight`, the output layer `decoder/projection/weight` (and its bias
/// in imported models with Marian's final_logits_bias);
/// pre-norm models add `encoder/layer_norm` and `decoder/layer_norm`.
///
/// Positions are stored as `…/position_encodings/encodings`, rows pad + 1 … of the
/// project's own sinusoidal table (the converter's `weights[padding_idx + 1:]`), so
/// CTranslate2 adds exactly the encodings the project adds, without computing its own.
public enum CTranslate2Transformer {
    public static let specName = "TransformerSpec"
    public static let revision: UInt32 = 7

    /// CTranslate2's Activation enum (ctranslate2/specs/common_spec.py): the project's GELU
    /// is the exact, erf-based one (Activation.GELU), not the tanh approximation; swish is
    /// SiLU (Activation.SWISH).
    static func activationID(_ activation: ActivationKind) -> Int8 {
        switch activation {
        case .relu: 0
        case .swish: 2
        case .gelu: 3
        }
    }

    /// The model file of `checkpoint`'s weights (float32, duplicates aliased).
    public static func modelFile(of checkpoint: ModelCheckpoint) -> CTranslate2ModelFile {
        var spec = SpecVariables(model: checkpoint.model)
        spec.addSides()
        spec.addEncoder()
        spec.addDecoder()
        var file = CTranslate2ModelFile(specName: specName, revision: revision, variables: spec.variables)
        file.aliasDuplicates()
        return file
    }
}

/// The variables of CTranslate2's TransformerSpec, in the converter's order, taken from
/// the model's fairseq-named parameters.
private struct SpecVariables {
    let model: TransformerModel
    var variables: [CTranslate2Variable] = []
    var config: TransformerConfig { model.config }

    /// What each side declares: positions, heads, pre-norm, activation, embedding scale,
    /// and with pre-norm the final layer norm.
    mutating func addSides() {
        let positions = SinusoidalPositions(dim: config.modelDim, maxPositions: config.maxPositions, padID: Int(config.padID),
                                            layout: config.positionLayout ?? .fairseq)
        let encodings = CTranslate2Variable(
            name: "", shape: [config.maxPositions, config.modelDim],
            floats: UnsafeBufferPointer(start: positions.row(0), count: config.maxPositions * config.modelDim))
        let scale = config.embeddingScale   // fairseq's embed_scale (or Marian's), as the project applies it
        for side in ["encoder", "decoder"] {
            var position = encodings
            position.name = side + "/position_encodings/encodings"
            variables += [
                position,
                .int16(side + "/num_heads", Int16(config.heads)),
                .flag(side + "/pre_norm", config.normalizeBefore),
                .int8(side + "/activation", CTranslate2Transformer.activationID(config.activation)),
                .float32(side + "/scale_embeddings", scale),
            ]
            if config.normalizeBefore { layerNorm(side + "/layer_norm", side + ".layer_norm") }
        }
    }

    mutating func addEncoder() {
        variables.append(stacked("encoder/embeddings_0/weight", ["encoder.embed_tokens.weight"]))
        variables += [.int8("encoder/embeddings_merge", 0), .flag("encoder/multi_query_attention", false)]
        for i in 0..<config.encoderLayers {
            let scope = "encoder/layer_\(i)", fairseq = "encoder.layers.\(i)"
            selfAttention(scope, fairseq)
            feedForward(scope, fairseq)
        }
    }

    mutating func addDecoder() {
        variables.append(stacked("decoder/embeddings/weight", ["decoder.embed_tokens.weight"]))
        linear("decoder/projection", ["decoder.output_projection"], bias: config.hasOutputBias)
        variables += [
            .int16("decoder/alignment_layer", -1), .int16("decoder/alignment_heads", 1),
            .flag("decoder/alibi", false), .flag("decoder/alibi_use_positive_positions", false),
            .flag("decoder/scale_alibi", false), .flag("decoder/start_from_zero_embedding", false),
        ]
        for i in 0..<config.decoderLayers {
            let scope = "decoder/layer_\(i)", fairseq = "decoder.layers.\(i)"
            selfAttention(scope, fairseq)
            let p = fairseq + ".encoder_attn"
            linear(scope + "/attention/linear_0", [p + ".q_proj"])
            linear(scope + "/attention/linear_1", [p + ".k_proj", p + ".v_proj"])
            linear(scope + "/attention/linear_2", [p + ".out_proj"])
            layerNorm(scope + "/attention/layer_norm", fairseq + ".encoder_attn_layer_norm")
            feedForward(scope, fairseq)
        }
    }

    /// Parameters concatenated along their first dimension (the converter's fuse_linear).
    func stacked(_ scope: String, _ parameters: [String]) -> CTranslate2Variable {
        let tensors = parameters.map { model.parameters.view($0) }
        var shape = tensors[0].shape.dims
        shape[0] = tensors.reduce(0) { $0 + $1.shape[0] }
        var bytes = Data()
        for tensor in tensors { bytes.append(UnsafeBufferPointer(start: tensor.data, count: tensor.count)) }
        return CTranslate2Variable(name: scope, shape: shape, type: .float32, bytes: bytes)
    }

    mutating func linear(_ scope: String, _ fairseq: [String], bias: Bool = true) {
        variables.append(stacked(scope + "/weight", fairseq.map { $0 + ".weight" }))
        if bias { variables.append(stacked(scope + "/bias", fairseq.map { $0 + ".bias" })) }
    }

    mutating func layerNorm(_ scope: String, _ fairseq: String) {
        variables.append(stacked(scope + "/gamma", [fairseq + ".weight"]))
        variables.append(stacked(scope + "/beta", [fairseq + ".bias"]))
    }

    mutating func feedForward(_ scope: String, _ fairseq: String) {
        linear(scope + "/ffn/linear_0", [fairseq + ".fc1"])
        linear(scope + "/ffn/linear_1", [fairseq + ".fc2"])
        layerNorm(scope + "/ffn/layer_norm", fairseq + ".final_layer_norm")
    }

    mutating func selfAttention(_ scope: String, _ fairseq: String) {
        let p = fairseq + ".self_attn"
        linear(scope + "/self_attention/linear_0", [p + ".q_proj", p + ".k_proj", p + ".v_proj"])
        linear(scope + "/self_attention/linear_1", [p + ".out_proj"])
        layerNorm(scope + "/self_attention/layer_norm", fairseq + ".self_attn_layer_norm")
    }
}
