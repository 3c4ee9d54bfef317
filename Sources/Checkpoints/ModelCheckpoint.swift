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
    /// One SentencePiece model (checkpoints trained here) or a `MarianTokenizer`
    /// (imported MarianMT models), as config.json's `tokenizer` section says.
    public let tokenizer: any SentenceTokenizer
    /// The tokenizer's files' bytes by name, as stored (for copying them into a new
    /// checkpoint or an export).
    public let tokenizerFiles: [String: Data]
    /// The SentencePiece model's bytes of a checkpoint trained here; empty for an imported
    /// one (whose files are all in `tokenizerFiles`).
    public var tokenizerData: Data { tokenizerFiles[CheckpointFiles.tokenizer] ?? Data() }

    public var modelConfig: TransformerConfig { config.model }
    /// The special ids the model was trained with (pad, unk, bos, eos).
    public var specialIDs: [String: Int32] { config.specialIDs }
    /// The SentencePiece model of a checkpoint trained here; nil for an imported one.
    public var sentencePiece: SentencePieceModel? { tokenizer as? SentencePieceModel }

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
        var files: [String: Data] = [:]
        for name in CheckpointFiles.tokenizerFiles(config.tokenizer) {
            let url = try CheckpointFiles.existing(name, in: directory)
            do { files[name] = try Data(contentsOf: url) } catch {
                throw CheckpointError.corrupt(file: url.path, reason: error.localizedDescription)
            }
        }
        tokenizerFiles = files
        tokenizer = try Self.tokenizer(config.tokenizer, files: files, directory: directory)
        try Self.check(tokenizer, against: config.model, directory: directory)
    }

    /// The tokenizer `files` make up (by name, as `CheckpointFiles.tokenizerFiles(section)`
    /// lists them); `directory` names them in errors.
    public static func tokenizer(_ section: TokenizerSection?, files: [String: Data], directory: URL) throws -> any SentenceTokenizer {
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        switch section?.kind {
        case nil:
            let name = CheckpointFiles.tokenizer
            let model = try SentencePieceModel(serialized: files[name]!, source: path(name))
            try model.requireProjectSpecialIDs(source: path(name))
            return model
        case .marian:
            let (source, target, vocabulary) = (CheckpointFiles.marianSourceModel, CheckpointFiles.marianTargetModel,
                                                CheckpointFiles.marianVocabulary)
            return try MarianTokenizer(sourceModel: SentencePieceModel(serialized: files[source]!, source: path(source)),
                                       targetModel: SentencePieceModel(serialized: files[target]!, source: path(target)),
                                       vocabulary: MarianVocabulary(json: files[vocabulary]!, source: path(vocabulary)),
                                       vocabularySource: path(vocabulary))
        }
    }

    /// An imported tokenizer must cover the model's vocabularies exactly (a trained one is
    /// checked by training and export, as before).
    static func check(_ tokenizer: any SentenceTokenizer, against model: TransformerConfig, directory: URL) throws {
        guard let marian = tokenizer as? MarianTokenizer else { return }
        let sizes = [model.sourceVocabularySize, model.targetVocabularySize]
        guard sizes.allSatisfy({ $0 == marian.vocabularySize }), marian.eosID == model.eosID, marian.padID == model.padID else {
            throw CheckpointError.corrupt(
                file: directory.appendingPathComponent(CheckpointFiles.marianVocabulary).path,
                reason: "it has \(marian.vocabularySize) pieces (eos \(marian.eosID), pad \(marian.padID)), but the model's vocabularies "
                    + "have \(sizes[0]) and \(sizes[1]) (eos \(model.eosID), pad \(model.padID))")
        }
    }
}
