import Foundation
import Transformer

/// A Hugging Face MarianConfig (transformers/models/marian/configuration_marian.py) as
/// this project's `TransformerConfig`: post-norm layers, Marian's sinusoidal positions,
/// the decoder starting from `decoder_start_token_id`, a bias on the output projection
/// (final_logits_bias). A missing key takes MarianConfig's default, as transformers
/// would; a value the model cannot honour is an `ImportError.unsupportedConfig` naming
/// the key and the value.
public struct MarianConfig: Equatable, Sendable {
    public var model: TransformerConfig
    /// tie_word_embeddings: the output projection is the shared embedding.
    public var tiedOutput: Bool
    public var vocabularySize: Int { model.targetVocabularySize }

    /// Parses config.json's bytes; `source` names the file in errors.
    public init(json data: Data, source: String) throws {
        let keys = try ConfigKeys(json: data, source: source)
        try keys.requireAbsentOrEqual("model_type", "marian")
        // Keys of older conversions (BART's) that MarianMTModel ignores; a value other than
        // Marian's would describe another model.
        for (key, marian) in [("normalize_before", false), ("normalize_embedding", false), ("layernorm_embedding", false),
                              ("add_final_layer_norm", false), ("static_position_embeddings", true), ("add_bias_logits", false)] {
            try keys.requireAbsentOrEqual(key, marian)
        }
        guard try keys.bool("share_encoder_decoder_embeddings", default: true) else {
            throw keys.unsupported("share_encoder_decoder_embeddings", "separate source and target vocabularies are not supported")
        }
        // Bounds far above any MarianMT model keep the parameter count inside an Int.
        let d = try keys.int("d_model", default: 1024, max: 1 << 16)
        let heads = try keys.same("encoder_attention_heads", "decoder_attention_heads", default: 16)
        let ffn = try keys.same("encoder_ffn_dim", "decoder_ffn_dim", default: 4096)
        let vocabulary = try keys.int("vocab_size", default: 58101, max: 1 << 24)
        if let target = try keys.optionalInt("decoder_vocab_size", max: 1 << 24), target != vocabulary {
            throw keys.unsupported("decoder_vocab_size", "differs from vocab_size \(vocabulary); the model has one vocabulary")
        }
        var config = TransformerConfig(
            sourceVocabularySize: vocabulary, targetVocabularySize: vocabulary, modelDim: d, heads: heads, ffnDim: ffn,
            encoderLayers: try keys.int("encoder_layers", default: 12, max: 1024),
            decoderLayers: try keys.int("decoder_layers", default: 12, max: 1024),
            dropout: try keys.float("dropout", default: 0.1), attentionDropout: try keys.float("attention_dropout", default: 0),
            activationDropout: try keys.float("activation_dropout", default: 0), normalizeBefore: false,
            sharing: try keys.bool("tie_word_embeddings", default: true) ? .all : .none,
            maxPositions: try keys.int("max_position_embeddings", default: 1024, max: 1 << 20), activation: try keys.activation(),
            padID: try keys.id("pad_token_id", default: 58100, vocabulary: vocabulary),
            eosID: try keys.id("eos_token_id", default: 0, vocabulary: vocabulary))
        config.scaleEmbeddings = try keys.bool("scale_embedding", default: false)
        config.positionLayout = .marian
        config.decoderStartID = try keys.id("decoder_start_token_id", default: 58100, vocabulary: vocabulary)
        config.outputBias = true
        let problems = config.problems()
        guard problems.isEmpty else {
            throw ImportError.malformed(file: source, reason: "the model it describes is invalid: " + problems.joined(separator: "; "))
        }
        model = config
        tiedOutput = config.sharing == .all
    }
}

/// A JSON value, decoded strictly (true is not 1, 1 is not true), for reading config files
/// whose keys are checked one by one.
enum JSONValue: Decodable, Equatable {
    case bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue]), null

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The value as it would be written, shortened.
    var description: String {
        switch self {
        case .bool(let value): value ? "true" : "false"
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .string(let value): "\"\(value.prefix(60))\""
        case .array: "[…]"
        case .object: "{…}"
        case .null: "null"
        }
    }

    /// Parses a JSON object's bytes; nil for anything else.
    static func object(_ data: Data) -> [String: JSONValue]? {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else { return nil }
        return object
    }
}

/// config.json's object, read key by key with the key and value named in every error.
struct ConfigKeys {
    let object: [String: JSONValue]
    let source: String

    init(json data: Data, source: String) throws {
        guard let object = JSONValue.object(data) else { throw ImportError.malformed(file: source, reason: "not a JSON object") }
        self.object = object
        self.source = source
    }

    func unsupported(_ key: String, _ reason: String) -> ImportError {
        .unsupportedConfig(file: source, key: key, value: object[key]?.description ?? "absent", reason: reason)
    }

    /// The value, nil when absent or null.
    func value(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = value(key) else { return fallback }
        guard case .bool(let bool) = value else { throw unsupported(key, "expected true or false") }
        return bool
    }

    func optionalInt(_ key: String, max: Int = 1 << 20) throws -> Int? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value, number >= 0, number <= Double(max), number == number.rounded() else {
            throw unsupported(key, "expected a whole number from 0 to \(max)")
        }
        return Int(number)
    }

    func int(_ key: String, default fallback: Int, max: Int = 1 << 20) throws -> Int { try optionalInt(key, max: max) ?? fallback }

    func float(_ key: String, default fallback: Float) throws -> Float {
        guard let value = value(key) else { return fallback }
        guard case .number(let number) = value, number.isFinite else { throw unsupported(key, "expected a number") }
        return Float(number)
    }

    /// A special token's id, which must name an entry of the vocabulary.
    func id(_ key: String, default fallback: Int, vocabulary: Int) throws -> Int32 {
        let id = try int(key, default: fallback)
        guard id < vocabulary else { throw unsupported(key, "outside the vocabulary 0..<\(vocabulary) (vocab_size)") }
        return Int32(id)
    }

    /// The encoder's and the decoder's value of a size the model has once.
    func same(_ encoderKey: String, _ decoderKey: String, default fallback: Int) throws -> Int {
        let encoder = try int(encoderKey, default: fallback), decoder = try int(decoderKey, default: fallback)
        guard encoder == decoder else {
            throw unsupported(decoderKey, "differs from \(encoderKey) \(encoder); the model has one value for both")
        }
        return encoder
    }

    /// activation_function: transformers' ACT2FN names the model has.
    func activation() throws -> ActivationKind {
        let key = "activation_function"
        guard let value = value(key) else { return .gelu }
        switch value {
        case .string("relu"): return .relu
        case .string("gelu"): return .gelu   // exact, erf-based (ACT2FN's GELUActivation)
        case .string("swish"), .string("silu"): return .swish
        default: throw unsupported(key, "the supported activations are relu, gelu (exact), swish and silu")
        }
    }

    func requireAbsentOrEqual(_ key: String, _ expected: Bool) throws {
        guard try bool(key, default: expected) == expected else {
            throw unsupported(key, "only \(expected) is supported (\(key == "normalize_before" ? "post-norm layers" : "Marian's layout"))")
        }
    }

    func requireAbsentOrEqual(_ key: String, _ expected: String) throws {
        guard let value = value(key) else { return }
        guard value == .string(expected) else { throw unsupported(key, "expected \"\(expected)\"") }
    }
}
