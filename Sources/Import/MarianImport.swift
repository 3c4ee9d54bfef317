import Checkpoints
import FileIO
import Foundation
import Tokenizer
import Transformer

/// `nmt import --format marian`: a Hugging Face MarianMT directory (config.json,
/// model.safetensors, source.spm, target.spm, vocab.json, and optionally
/// tokenizer_config.json) as a checkpoint directory that translate, score, serve,
/// average and export load: model.safetensors under this project's names, config.json
/// (format 2, with the Marian model keys and a `marian` tokenizer section), and the three
/// tokenizer files as they are.
public enum MarianImport {
    public static let required = ["config.json", "source.spm", "target.spm", "vocab.json"]

    /// The model and tokenizer files read and checked against one another, nothing written.
    public struct Model {
        public let config: MarianConfig
        public let model: TransformerModel
        public let tokenizer: MarianTokenizer
        public let tokenizerFiles: [String: Data]
    }

    /// Reads and checks the MarianMT directory `directory`.
    /// - Throws: `ImportError` naming the file and the key, tensor or piece at fault.
    public static func read(_ directory: URL) throws -> Model {
        let weightsURL = try requireFiles(in: directory)
        func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
        func bytes(_ name: String) throws -> Data {
            do { return try Data(contentsOf: url(name)) } catch {
                throw ImportError.malformed(file: url(name).path, reason: "unreadable (\(error.localizedDescription))")
            }
        }
        let config = try MarianConfig(json: try bytes("config.json"), source: url("config.json").path)
        if FileManager.default.fileExists(atPath: url("tokenizer_config.json").path) {
            try checkTokenizerConfig(try bytes("tokenizer_config.json"), source: url("tokenizer_config.json").path)
        }
        let files = try Dictionary(uniqueKeysWithValues: [CheckpointFiles.marianSourceModel, CheckpointFiles.marianTargetModel,
                                                          CheckpointFiles.marianVocabulary].map { ($0, try bytes($0)) })
        let tokenizer = try MarianVocabularyCheck.tokenizer(files: files, directory: directory, config: config.model)
        let model = try TransformerModel(config: config.model)
        try MarianWeights.load(try SafeTensorsFile.read(from: weightsURL), into: model, tiedOutput: config.tiedOutput)
        return Model(config: config, model: model, tokenizer: tokenizer, tokenizerFiles: files)
    }

    /// Imports `directory` as a checkpoint at `output`, which must not exist; written
    /// atomically (`CheckpointWriter`), so a failure leaves nothing.
    public static func write(_ directory: URL, to output: URL) throws {
        guard !FileManager.default.fileExists(atPath: output.path) else { throw CheckpointError.outputExists(output.path) }
        let imported = try read(directory)
        let tokenizer = imported.tokenizer
        let config = CheckpointConfig(model: imported.config.model, training: TrainingSection(),
                                      specialIDs: ["pad": tokenizer.padID, "unk": tokenizer.unkID, "eos": tokenizer.eosID],
                                      tokenizer: TokenizerSection(kind: .marian))
        try CheckpointWriter.write(to: output, model: imported.model, config: try config.encoded(),
                                   tokenizerFiles: imported.tokenizerFiles,
                                   metadata: ["imported": "marian", "source": directory.path])
    }

    /// model.safetensors' URL, once every required file is there.
    static func requireFiles(in directory: URL) throws -> URL {
        let exists = { (name: String) in FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) }
        var missing = required.filter { !exists($0) }
        if !exists("model.safetensors") {
            if exists("pytorch_model.bin") && missing.isEmpty {
                throw ImportError.pickleWeights(file: directory.appendingPathComponent("pytorch_model.bin").path)
            }
            missing.insert("model.safetensors", at: 1)
        }
        guard missing.isEmpty else { throw ImportError.missingFiles(directory: directory.path, names: missing) }
        return directory.appendingPathComponent("model.safetensors")
    }

    /// tokenizer_config.json: one vocabulary, and the special pieces MarianTokenizer's defaults name.
    static func checkTokenizerConfig(_ data: Data, source: String) throws {
        let keys = try ConfigKeys(json: data, source: source)
        if try keys.bool("separate_vocabs", default: false) {
            throw keys.unsupported("separate_vocabs", "separate source and target vocabularies are not supported")
        }
        for (key, piece) in [("unk_token", "<unk>"), ("eos_token", "</s>"), ("pad_token", "<pad>")] {
            try keys.requireAbsentOrEqual(key, piece)
        }
    }
}
