import Checkpoints
import FileIO
import Foundation

/// How the exported weights are stored.
public enum CTranslate2Quantization: String, CaseIterable, Sendable {
    /// As trained.
    case float32
    /// Weight matrices in int8 with per-row scales (`CTranslate2Int8`), as
    /// `ct2-fairseq-converter --quantization int8` writes them.
    case int8
}

/// A checkpoint as a CTranslate2 model directory (what `ctranslate2.Translator` loads):
/// model.bin (`CTranslate2ModelFile` of `CTranslate2Transformer`), config.json, and the
/// vocabulary as shared_vocabulary.json (or source_ and target_vocabulary.json when the
/// two sides differ in size): JSON lists of the SentencePiece pieces, by id.
///
/// Sequence conventions are fairseq's, as the converter sets them: the source is followed
/// by eos (`add_source_eos`), no bos; the decoder starts from eos (`decoder_start_token`),
/// or from the model's own start token (an imported MarianMT model's pad, as CTranslate2's
/// Marian converter writes it). Imported models export with their tokenizer's files
/// (source.spm, target.spm, vocab.json) and its pieces as the vocabulary.
/// Layer norms use fairseq's epsilon, 1e-5.
public enum CTranslate2Export {
    public static let layerNormEpsilon = 1e-5

    /// The model directory's files, by name.
    /// - Throws: `ExportError.unsupported` when the SentencePiece model does not match the
    ///   model's vocabularies or lacks a special token.
    public static func files(of checkpoint: ModelCheckpoint, quantization: CTranslate2Quantization) throws
        -> [(name: String, data: Data)] {
        var model = CTranslate2Transformer.modelFile(of: checkpoint)
        if quantization == .int8 { model = CTranslate2Int8.quantize(model) }
        return [("model.bin", try model.serialized()), ("config.json", try config(of: checkpoint))]
            + (try vocabularies(of: checkpoint))
    }

    /// Writes the model directory and the SentencePiece model (for tokenizing) at
    /// `output`, which must not exist; built under a temporary name and renamed into
    /// place, so a failure leaves nothing.
    public static func write(_ checkpoint: ModelCheckpoint, quantization: CTranslate2Quantization, to output: URL) throws {
        guard !FileManager.default.fileExists(atPath: output.path) else { throw ExportError.outputExists(output.path) }
        let files = try files(of: checkpoint, quantization: quantization)
            + checkpoint.tokenizerFiles.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        try AtomicDirectory.write(to: output) { directory in
            for (name, data) in files { try AtomicFile.write(data, to: directory.appendingPathComponent(name)) }
        }
    }

    /// config.json, with keys sorted as the converter writes them.
    static func config(of checkpoint: ModelCheckpoint) throws -> Data {
        struct Config: Encodable {
            let add_source_bos: Bool
            let add_source_eos: Bool
            let bos_token: String
            let decoder_start_token: String
            let eos_token: String
            let layer_norm_epsilon: Double
            let multi_query_attention: Bool
            let unk_token: String
        }
        let eos = try piece("eos", of: checkpoint)
        // Marian's vocabularies have no bos; CTranslate2's Marian converter names "<s>".
        let bos = checkpoint.specialIDs["bos"] == nil && checkpoint.config.tokenizer != nil ? "<s>" : try piece("bos", of: checkpoint)
        let start = checkpoint.tokenizer.piece(of: checkpoint.modelConfig.decoderStart) ?? eos
        let config = Config(add_source_bos: false, add_source_eos: true, bos_token: bos,
                            decoder_start_token: start, eos_token: eos, layer_norm_epsilon: layerNormEpsilon,
                            multi_query_attention: false, unk_token: try piece("unk", of: checkpoint))
        return try json(config)
    }

    /// The SentencePiece piece of the special id `name` (config.json's specialIDs).
    static func piece(_ name: String, of checkpoint: ModelCheckpoint) throws -> String {
        guard let id = checkpoint.specialIDs[name], let piece = checkpoint.tokenizer.piece(of: id) else {
            throw ExportError.unsupported(checkpoint: checkpoint.directory.path,
                                          reason: "its config.json names no \(name) id that the SentencePiece model has")
        }
        return piece
    }

    /// One vocabulary file when both sides have the same pieces (always the case for one
    /// SentencePiece model of the models' size), else one per side.
    static func vocabularies(of checkpoint: ModelCheckpoint) throws -> [(name: String, data: Data)] {
        let config = checkpoint.modelConfig, pieces = checkpoint.tokenizer.vocabularySize
        for (side, size) in [("source", config.sourceVocabularySize), ("target", config.targetVocabularySize)] where size > pieces {
            throw ExportError.unsupported(checkpoint: checkpoint.directory.path,
                                          reason: "its \(side) vocabulary has \(size) entries but the SentencePiece model only \(pieces) pieces")
        }
        func tokens(_ count: Int) -> [String] { (0..<Int32(count)).map { checkpoint.tokenizer.piece(of: $0) ?? "" } }
        if config.sourceVocabularySize == config.targetVocabularySize {
            return [("shared_vocabulary.json", try json(tokens(config.targetVocabularySize)))]
        }
        return [("source_vocabulary.json", try json(tokens(config.sourceVocabularySize))),
                ("target_vocabulary.json", try json(tokens(config.targetVocabularySize)))]
    }

    static func json<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value) + Data("\n".utf8)
    }
}
