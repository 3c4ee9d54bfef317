/// Which embedding matrices are one shared parameter (fairseq's
/// `share_decoder_input_output_embed` and `share_all_embeddings`).
public enum EmbeddingSharing: String, Codable, CaseIterable, Sendable {
    /// Encoder input, decoder input and output projection are three matrices.
    case none
    /// The decoder's input embedding is also its output projection.
    case decoderInputOutput = "decoder-input-output"
    /// One matrix for all three (needs a joint source/target vocabulary).
    case all
}

public enum ActivationKind: String, Codable, CaseIterable, Sendable {
    /// swish is SiLU, x·σ(x) (Hugging Face's "swish"/"silu"; Marian's "swish").
    case relu, gelu, swish
}

/// The layout of the sinusoidal position table.
public enum PositionLayout: String, Codable, CaseIterable, Sendable {
    /// fairseq's: frequencies exp(−i·ln 10000/(d/2 − 1)), positions numbered from pad + 1.
    case fairseq
    /// Hugging Face Marian's (MarianSinusoidalPositionalEmbedding): frequencies
    /// 10000^(−2i/d), computed in float64, positions numbered from 0.
    case marian
}

/// The architecture of a Transformer encoder-decoder (Vaswani et al. 2017) as fairseq
/// builds it (`transformer`, `transformer_iwslt_de_en`, `transformer_wmt_en_de`).
public struct TransformerConfig: Codable, Equatable, Sendable {
    public var sourceVocabularySize: Int
    public var targetVocabularySize: Int
    /// Model width d (embedding and residual stream).
    public var modelDim: Int
    public var heads: Int
    public var ffnDim: Int
    public var encoderLayers: Int
    public var decoderLayers: Int
    /// Dropout on embeddings and on each sublayer's output before the residual add.
    public var dropout: Float
    /// Dropout on attention probabilities.
    public var attentionDropout: Float
    /// Dropout after the feed-forward activation.
    public var activationDropout: Float
    /// Pre-norm (layer norm before each sublayer, plus a final layer norm) when true;
    /// post-norm (the original Transformer) when false.
    public var normalizeBefore: Bool
    public var sharing: EmbeddingSharing
    /// Longest sequence (tokens including eos) the positional table covers.
    public var maxPositions: Int
    public var activation: ActivationKind
    public var padID: Int32
    public var eosID: Int32

    // Keys of imported models (Hugging Face MarianMT). Absent (nil) in every checkpoint
    // trained here, where each means today's behaviour, so old config.json files decode
    // and encode unchanged.
    /// A bias on the output projection (Marian's final_logits_bias); nil: none.
    public var outputBias: Bool?
    /// Whether embeddings are multiplied by √d (fairseq and Marian's scale_embedding);
    /// nil: true.
    public var scaleEmbeddings: Bool?
    /// nil: `.fairseq`.
    public var positionLayout: PositionLayout?
    /// The decoder's first input (Marian's decoder_start_token_id, its pad id); nil: eos.
    /// Callers feed eos there, by fairseq's convention, and the model reads this id in its
    /// place, so search, scoring and batching need not know the difference.
    public var decoderStartID: Int32?

    public init(sourceVocabularySize: Int, targetVocabularySize: Int, modelDim: Int, heads: Int, ffnDim: Int,
                encoderLayers: Int, decoderLayers: Int, dropout: Float = 0.1, attentionDropout: Float = 0,
                activationDropout: Float = 0, normalizeBefore: Bool = false, sharing: EmbeddingSharing = .all,
                maxPositions: Int = 1024, activation: ActivationKind = .relu, padID: Int32 = 0, eosID: Int32 = 3) {
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
        self.modelDim = modelDim
        self.heads = heads
        self.ffnDim = ffnDim
        self.encoderLayers = encoderLayers
        self.decoderLayers = decoderLayers
        self.dropout = dropout
        self.attentionDropout = attentionDropout
        self.activationDropout = activationDropout
        self.normalizeBefore = normalizeBefore
        self.sharing = sharing
        self.maxPositions = maxPositions
        self.activation = activation
        self.padID = padID
        self.eosID = eosID
    }

    public var headDim: Int { modelDim / heads }

    /// The factor of embeddings: √d, or 1 where `scaleEmbeddings` is false.
    public var embeddingScale: Float { (scaleEmbeddings ?? true) ? Float(modelDim).squareRoot() : 1 }
    public var hasOutputBias: Bool { outputBias ?? false }
    /// The decoder's first input: `decoderStartID`, or eos.
    public var decoderStart: Int32 { decoderStartID ?? eosID }
    /// Whether any key beyond those of checkpoint format 1 is set (a reader that does not
    /// know them would ignore them and compute another model).
    public var usesImportKeys: Bool {
        outputBias != nil || scaleEmbeddings != nil || positionLayout != nil || decoderStartID != nil || activation == .swish
    }

    /// Problems with the values, each naming the key and what is allowed; empty when valid.
    public func problems() -> [String] {
        var out: [String] = []
        if modelDim < 2 || modelDim % 2 != 0 { out.append("model_dim must be an even number ≥ 2, got \(modelDim)") }
        if heads < 1 || modelDim % max(heads, 1) != 0 { out.append("heads must be ≥ 1 and divide model_dim \(modelDim), got \(heads)") }
        if ffnDim < 1 { out.append("ffn_dim must be ≥ 1, got \(ffnDim)") }
        if encoderLayers < 1 || decoderLayers < 1 { out.append("encoder_layers and decoder_layers must be ≥ 1, got \(encoderLayers) and \(decoderLayers)") }
        for (name, p) in [("dropout", dropout), ("attention_dropout", attentionDropout), ("activation_dropout", activationDropout)]
        where !(p >= 0 && p < 1) { out.append("\(name) must be in [0, 1), got \(p)") }
        if maxPositions < 2 { out.append("max_positions must be ≥ 2, got \(maxPositions)") }
        if sourceVocabularySize < 4 || targetVocabularySize < 4 { out.append("vocabulary sizes must be ≥ 4, got \(sourceVocabularySize) and \(targetVocabularySize)") }
        if sharing == .all && sourceVocabularySize != targetVocabularySize {
            out.append("sharing 'all' needs one joint vocabulary, got source \(sourceVocabularySize) and target \(targetVocabularySize)")
        }
        if padID < 0 || Int(padID) >= min(sourceVocabularySize, targetVocabularySize) { out.append("pad id \(padID) is outside the vocabulary") }
        if eosID < 0 || Int(eosID) >= min(sourceVocabularySize, targetVocabularySize) { out.append("eos id \(eosID) is outside the vocabulary") }
        if let start = decoderStartID, start < 0 || Int(start) >= targetVocabularySize {
            out.append("decoder start id \(start) is outside the target vocabulary")
        }
        return out
    }
}

// MARK: Presets

extension TransformerConfig {
    /// Architecture presets by name: tiny (tests and demos), small, iwslt (fairseq's
    /// transformer_iwslt_de_en), base (transformer_wmt_en_de / Vaswani et al. base).
    public static func preset(_ name: String, vocabularySize: Int) -> TransformerConfig? {
        func make(_ d: Int, _ h: Int, _ f: Int, _ layers: Int, dropout: Float) -> TransformerConfig {
            TransformerConfig(sourceVocabularySize: vocabularySize, targetVocabularySize: vocabularySize,
                              modelDim: d, heads: h, ffnDim: f, encoderLayers: layers, decoderLayers: layers,
                              dropout: dropout)
        }
        switch name {
        case "tiny": return make(32, 2, 64, 2, dropout: 0.1)
        case "small": return make(256, 4, 1024, 3, dropout: 0.1)
        case "iwslt": return make(512, 4, 1024, 6, dropout: 0.3)
        case "base": return make(512, 8, 2048, 6, dropout: 0.1)
        default: return nil
        }
    }

    public static let presetNames = ["tiny", "small", "iwslt", "base"]
}
