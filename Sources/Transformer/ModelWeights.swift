import Tensor

/// y = x·Wᵀ + b, fairseq/PyTorch layout: weight (out, in), bias (out).
public struct LinearWeights {
    public var weight: Tensor
    public var bias: Tensor?
}

public struct LayerNormWeights {
    public var gamma: Tensor
    public var beta: Tensor
}

public struct AttentionWeights {
    public var q, k, v, out: LinearWeights
}

public struct EncoderLayerWeights {
    public var selfAttention: AttentionWeights
    public var selfAttentionNorm: LayerNormWeights
    public var fc1, fc2: LinearWeights
    public var finalNorm: LayerNormWeights
}

public struct DecoderLayerWeights {
    public var selfAttention: AttentionWeights
    public var selfAttentionNorm: LayerNormWeights
    public var crossAttention: AttentionWeights
    public var crossAttentionNorm: LayerNormWeights
    public var fc1, fc2: LinearWeights
    public var finalNorm: LayerNormWeights
}

/// Views of every parameter of the model inside one arena (the parameters themselves, or
/// their gradients: the same table gives both).
public struct ModelWeights {
    public var encoderEmbedding: Tensor     // (V_src, d)
    public var decoderEmbedding: Tensor     // (V_tgt, d)
    public var outputProjection: Tensor     // (V_tgt, d)
    /// (V_tgt), in models with `config.hasOutputBias` only (Marian's final_logits_bias).
    public var outputBias: Tensor?
    public var encoderLayers: [EncoderLayerWeights]
    public var decoderLayers: [DecoderLayerWeights]
    /// Final layer norms, present in pre-norm models only (fairseq's encoder.layer_norm).
    public var encoderNorm: LayerNormWeights?
    public var decoderNorm: LayerNormWeights?

    public init(table: ParameterTable, config: TransformerConfig, base: UnsafeMutablePointer<Float>) {
        func t(_ name: String) -> Tensor { table.view(name, in: base) }
        func linear(_ p: String) -> LinearWeights { LinearWeights(weight: t(p + ".weight"), bias: t(p + ".bias")) }
        func norm(_ p: String) -> LayerNormWeights { LayerNormWeights(gamma: t(p + ".weight"), beta: t(p + ".bias")) }
        func attention(_ p: String) -> AttentionWeights {
            AttentionWeights(q: linear(p + ".q_proj"), k: linear(p + ".k_proj"), v: linear(p + ".v_proj"), out: linear(p + ".out_proj"))
        }
        encoderEmbedding = t("encoder.embed_tokens.weight")
        decoderEmbedding = t("decoder.embed_tokens.weight")
        outputProjection = t("decoder.output_projection.weight")
        outputBias = config.hasOutputBias ? t("decoder.output_projection.bias") : nil
        encoderLayers = (0..<config.encoderLayers).map { i in
            let p = "encoder.layers.\(i)"
            return EncoderLayerWeights(selfAttention: attention(p + ".self_attn"), selfAttentionNorm: norm(p + ".self_attn_layer_norm"),
                                       fc1: linear(p + ".fc1"), fc2: linear(p + ".fc2"), finalNorm: norm(p + ".final_layer_norm"))
        }
        decoderLayers = (0..<config.decoderLayers).map { i in
            let p = "decoder.layers.\(i)"
            return DecoderLayerWeights(selfAttention: attention(p + ".self_attn"), selfAttentionNorm: norm(p + ".self_attn_layer_norm"),
                                       crossAttention: attention(p + ".encoder_attn"), crossAttentionNorm: norm(p + ".encoder_attn_layer_norm"),
                                       fc1: linear(p + ".fc1"), fc2: linear(p + ".fc2"), finalNorm: norm(p + ".final_layer_norm"))
        }
        encoderNorm = config.normalizeBefore ? norm("encoder.layer_norm") : nil
        decoderNorm = config.normalizeBefore ? norm("decoder.layer_norm") : nil
    }
}

extension ParameterTable {
    /// The parameters of `config` with fairseq's names, in fairseq's state-dict order.
    public static func transformer(_ config: TransformerConfig) -> ParameterTable {
        var table = ParameterTable()
        let d = config.modelDim, f = config.ffnDim
        func linear(_ p: String, out: Int, in inDim: Int) {
            table.add(p + ".weight", Shape(out, inDim))
            table.add(p + ".bias", Shape(out))
        }
        func norm(_ p: String) { table.add(p + ".weight", Shape(d)); table.add(p + ".bias", Shape(d)) }
        func attention(_ p: String) {
            for proj in ["k_proj", "v_proj", "q_proj", "out_proj"] { linear("\(p).\(proj)", out: d, in: d) }
        }
        table.add("encoder.embed_tokens.weight", Shape(config.sourceVocabularySize, d))
        for i in 0..<config.encoderLayers {
            let p = "encoder.layers.\(i)"
            attention(p + ".self_attn"); norm(p + ".self_attn_layer_norm")
            linear(p + ".fc1", out: f, in: d); linear(p + ".fc2", out: d, in: f); norm(p + ".final_layer_norm")
        }
        if config.normalizeBefore { norm("encoder.layer_norm") }
        if config.sharing == .all {
            table.alias("decoder.embed_tokens.weight", to: "encoder.embed_tokens.weight")
        } else {
            table.add("decoder.embed_tokens.weight", Shape(config.targetVocabularySize, d))
        }
        for i in 0..<config.decoderLayers {
            let p = "decoder.layers.\(i)"
            attention(p + ".self_attn"); norm(p + ".self_attn_layer_norm")
            attention(p + ".encoder_attn"); norm(p + ".encoder_attn_layer_norm")
            linear(p + ".fc1", out: f, in: d); linear(p + ".fc2", out: d, in: f); norm(p + ".final_layer_norm")
        }
        if config.normalizeBefore { norm("decoder.layer_norm") }
        if config.sharing == .none {
            table.add("decoder.output_projection.weight", Shape(config.targetVocabularySize, d))
        } else {
            table.alias("decoder.output_projection.weight", to: "decoder.embed_tokens.weight")
        }
        if config.hasOutputBias { table.add("decoder.output_projection.bias", Shape(config.targetVocabularySize)) }
        return table
    }
}
