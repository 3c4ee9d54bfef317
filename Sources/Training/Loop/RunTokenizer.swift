import Checkpoints
import Foundation
import Tokenizer

/// The tokenizer a run encodes its corpora with and writes into each checkpoint: one
/// SentencePiece model (trained for the run or given by spm_model), or the tokenizer of
/// the checkpoint the run fine-tunes (`init_from`; for an imported MarianMT model, its
/// source.spm, target.spm and vocab.json), as `ModelCheckpoint` reads it.
struct RunTokenizer {
    let tokenizer: any SentenceTokenizer
    /// The tokenizer's files by name (`CheckpointFiles.tokenizerFiles(section)`), as stored.
    let files: [String: Data]
    /// config.json's tokenizer section; nil: one SentencePiece model.
    let section: TokenizerSection?

    /// One SentencePiece model and its bytes.
    init(sentencePiece model: SentencePieceModel, data: Data) {
        tokenizer = model
        files = [CheckpointFiles.tokenizer: data]
        section = nil
    }

    /// The tokenizer `files` make up; `directory` names them in errors.
    init(files: [String: Data], section: TokenizerSection?, directory: URL) throws {
        tokenizer = try ModelCheckpoint.tokenizer(section, files: files, directory: directory)
        self.files = files
        self.section = section
    }

    /// The files in name order, which identify the tokenizer in the encoded corpus cache's
    /// key (for one SentencePiece model, its bytes alone, as before).
    var identity: [Data] { files.keys.sorted().map { files[$0]! } }

    /// The id of `tag`'s piece.
    /// - Throws: `TargetLanguageTagError.unknown`, naming the tags the vocabulary has.
    func id(of tag: TargetLanguageTag) throws -> Int32 {
        let pieces = (0..<tokenizer.vocabularySize).map { tokenizer.piece(of: Int32($0)) ?? "" }
        guard let id = pieces.firstIndex(of: tag.piece) else {
            throw TargetLanguageTagError.unknown(tag, known: TargetLanguageTag.known(inPieces: pieces))
        }
        return Int32(id)
    }

    // MARK: Between ranks

    private struct Wire: Codable {
        var files: [String: Data]
        var section: TokenizerSection?
    }

    /// The bytes rank 0 broadcasts.
    func serialized() throws -> Data { try JSONEncoder().encode(Wire(files: files, section: section)) }

    /// The tokenizer of rank 0's `serialized()` bytes.
    init(serialized data: Data, directory: URL) throws {
        let wire = try JSONDecoder().decode(Wire.self, from: data)
        try self.init(files: wire.files, section: wire.section, directory: directory)
    }
}
