import Foundation
import Tokenizer
import Transformer

/// The read side of a checkpoint directory: the model with its weights, its tokenizer and
/// the model's part of config.json. What translation, scoring, averaging, export and
/// serving load; training extends it with the optimizer state (Training's
/// `ModelCheckpoint.restore(into:)`), so none of them needs the Training module.
public struct ModelCheckpoint {
    public let directory: URL
    public let modelConfig: TransformerConfig
    /// The special ids the model was trained with (pad, unk, bos, eos).
    public let specialIDs: [String: Int32]
    public let model: TransformerModel
    public let tokenizer: SentencePieceModel
    /// The SentencePiece model's bytes, as stored (for copying it into a new checkpoint).
    public let tokenizerData: Data

    /// The part of config.json read here; the training config beside it is Training's.
    struct StoredConfig: Decodable {
        var model: TransformerConfig
        var specialIDs: [String: Int32]
    }

    /// Loads `directory`; every missing or unreadable file is an error naming it.
    public init(directory: URL) throws {
        self.directory = directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CheckpointError.missingDirectory(directory.path)
        }
        let configURL = try Self.file(CheckpointFiles.config, in: directory)
        let configData: Data
        do { configData = try Data(contentsOf: configURL) } catch {
            throw CheckpointError.corrupt(file: configURL.path, reason: error.localizedDescription)
        }
        (modelConfig, specialIDs) = try Self.decodeConfig(configData, source: configURL.path)
        model = try TransformerModel(config: modelConfig)
        try model.loadParameters(from: try Self.file(CheckpointFiles.model, in: directory))
        let tokenizerURL = try Self.file(CheckpointFiles.tokenizer, in: directory)
        tokenizerData = try Data(contentsOf: tokenizerURL)
        tokenizer = try SentencePieceModel(serialized: tokenizerData, source: tokenizerURL.path)
        try tokenizer.requireProjectSpecialIDs(source: tokenizerURL.path)
    }

    /// The model part of a config.json's bytes, checked (`TransformerConfig.problems()`)
    /// before anything is allocated for it; `source` names the file in errors.
    /// - Throws: `CheckpointError.corrupt` naming `source` and the fault.
    public static func decodeConfig(_ data: Data, source: String) throws
        -> (model: TransformerConfig, specialIDs: [String: Int32]) {
        let stored: StoredConfig
        do {
            stored = try JSONDecoder().decode(StoredConfig.self, from: data)
        } catch {
            throw CheckpointError.corrupt(file: source, reason: "\(error)")
        }
        let problems = stored.model.problems()
        guard problems.isEmpty else {
            throw CheckpointError.corrupt(file: source, reason: problems.joined(separator: "; "))
        }
        return (stored.model, stored.specialIDs)
    }

    /// `name` inside `directory`, which must exist.
    public static func file(_ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw CheckpointError.missingFile(url.path) }
        return url
    }
}
