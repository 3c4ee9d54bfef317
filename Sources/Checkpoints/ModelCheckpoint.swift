import Foundation
import Tokenizer
import Transformer

/// The read side of a checkpoint directory: the model with its weights, its tokenizer and
/// config.json (with the training section's `TrainingSection`). What translation, scoring,
/// averaging, export and serving load; training extends it with the optimizer state
/// (Training's `ModelCheckpoint.restore(into:)`), so none of them needs the Training module.
public struct ModelCheckpoint {
    public let directory: URL
    public let config: CheckpointConfig<TrainingSection>
    public let model: TransformerModel
    public let tokenizer: SentencePieceModel
    /// The SentencePiece model's bytes, as stored (for copying it into a new checkpoint).
    public let tokenizerData: Data

    public var modelConfig: TransformerConfig { config.model }
    /// The special ids the model was trained with (pad, unk, bos, eos).
    public var specialIDs: [String: Int32] { config.specialIDs }

    /// Loads `directory`; every missing or unreadable file is an error naming it.
    public init(directory: URL) throws {
        self.directory = directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CheckpointError.missingDirectory(directory.path)
        }
        config = try CheckpointConfig.read(from: directory)
        model = try TransformerModel(config: config.model)
        try model.loadParameters(from: try CheckpointFiles.existing(CheckpointFiles.model, in: directory))
        let tokenizerURL = try CheckpointFiles.existing(CheckpointFiles.tokenizer, in: directory)
        tokenizerData = try Data(contentsOf: tokenizerURL)
        tokenizer = try SentencePieceModel(serialized: tokenizerData, source: tokenizerURL.path)
        try tokenizer.requireProjectSpecialIDs(source: tokenizerURL.path)
    }
}
