import Foundation

/// The files of a checkpoint directory: model.safetensors (weights),
/// training-state.safetensors (Adam moments and progress, read by Training only),
/// config.json (`CheckpointConfig`) and the SentencePiece model.
public enum CheckpointFiles {
    public static let model = "model.safetensors"
    public static let trainingState = "training-state.safetensors"
    public static let config = "config.json"
    public static let tokenizer = "sentencepiece.model"
    /// model.safetensors' "format" metadata: the layout of its tensors' names and shapes.
    public static let modelFormat = "nmt-model-1"
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
