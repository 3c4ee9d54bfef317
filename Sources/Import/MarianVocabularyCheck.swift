import Checkpoints
import Foundation
import Tokenizer
import Transformer

/// vocab.json against the SentencePiece models and the model config.
enum MarianVocabularyCheck {
    /// The tokenizer of a MarianMT directory's files, checked: vocab.json has one id per
    /// row of the embedding (vocab_size), its `</s>` and `<pad>` are config.json's eos and
    /// pad ids, and it holds the pieces of both SentencePiece models.
    ///
    /// A piece of a SentencePiece model that vocab.json lacks becomes `<unk>` (as in
    /// transformers), so a few are tolerated (1 %, as a vocabulary built with a frequency
    /// cut-off may drop rare ones); more mean the files belong to different models.
    static func tokenizer(files: [String: Data], directory: URL, config: TransformerConfig) throws -> MarianTokenizer {
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let vocabularyPath = path(CheckpointFiles.marianVocabulary)
        let vocabulary: MarianVocabulary
        do { vocabulary = try MarianVocabulary(json: files[CheckpointFiles.marianVocabulary]!, source: vocabularyPath) } catch let error as TokenizerError {
            throw ImportError.vocabulary(file: vocabularyPath, reason: error.localizedDescription)
        }
        let models = try [CheckpointFiles.marianSourceModel, CheckpointFiles.marianTargetModel].map {
            try SentencePieceModel(serialized: files[$0]!, source: path($0))
        }
        let tokenizer = try MarianTokenizer(sourceModel: models[0], targetModel: models[1], vocabulary: vocabulary,
                                            vocabularySource: vocabularyPath)
        guard vocabulary.count == config.targetVocabularySize else {
            throw ImportError.vocabulary(file: vocabularyPath, reason: "it has \(vocabulary.count) pieces, but config.json's vocab_size "
                                             + "and the embedding have \(config.targetVocabularySize)")
        }
        for (piece, id, key) in [("</s>", tokenizer.eosID, "eos_token_id"), ("<pad>", tokenizer.padID, "pad_token_id")] {
            let expected = key == "eos_token_id" ? config.eosID : config.padID
            guard id == expected else {
                throw ImportError.vocabulary(file: vocabularyPath, reason: "'\(piece)' has id \(id), but config.json's \(key) is \(expected)")
            }
        }
        for (name, model) in zip([CheckpointFiles.marianSourceModel, CheckpointFiles.marianTargetModel], models) {
            try requireCoverage(of: model, name: path(name), by: vocabulary, source: vocabularyPath)
        }
        return tokenizer
    }

    /// Throws unless vocab.json holds all but 1 % of `model`'s ordinary pieces.
    static func requireCoverage(of model: SentencePieceModel, name: String, by vocabulary: MarianVocabulary, source: String) throws {
        let special: Set<Int32> = [model.unkID, model.bosID, model.eosID, model.padID]
        let pieces = (0..<Int32(model.vocabularySize)).filter { !special.contains($0) }.compactMap(model.piece(of:))
        let missing = pieces.filter { vocabulary.ids[$0] == nil }
        guard missing.count > pieces.count / 100 else { return }
        let examples = missing.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
        throw ImportError.vocabulary(file: source, reason: "it lacks \(missing.count) of the \(pieces.count) pieces of \(name) "
                                         + "(such as \(examples)); the two files belong to different models")
    }
}
