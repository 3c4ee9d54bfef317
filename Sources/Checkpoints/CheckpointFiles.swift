import Foundation

/// The files of a checkpoint directory: model.safetensors (weights),
/// training-state.safetensors (Adam moments and progress, read by Training only),
/// config.json (`CheckpointConfig`) and the SentencePiece model.
public enum CheckpointFiles {
    public static let model = "model.safetensors"
    public static let trainingState = "training-state.safetensors"
    public static let config = "config.json"
    public static let tokenizer = "sentencepiece.model"
    /// The files of a MarianMT tokenizer (`TokenizerSection.Kind.marian`), named as in a
    /// Hugging Face model directory.
    public static let marianSourceModel = "source.spm"
    public static let marianTargetModel = "target.spm"
    public static let marianVocabulary = "vocab.json"
    /// model.safetensors' "format" metadata: the layout of its tensors' names and shapes.
    public static let modelFormat = "nmt-model-1"

    /// The tokenizer's files for a config.json `tokenizer` section (nil: one SentencePiece model).
    public static func tokenizerFiles(_ section: TokenizerSection?) -> [String] {
        switch section?.kind {
        case nil: [tokenizer]
        case .marian: [marianSourceModel, marianTargetModel, marianVocabulary]
        }
    }
}

extension CheckpointFiles {
    /// `name` inside `directory`, which must exist.
    /// - Throws: `CheckpointError.missingFile` naming the path.
    public static func existing(_ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw CheckpointError.missingFile(url.path) }
        return url
    }
}
