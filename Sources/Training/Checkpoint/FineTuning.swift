import Checkpoints
import Foundation
import Tokenizer
import Transformer

/// What a run with `init_from` takes from a checkpoint (fairseq's --finetune-from-model):
/// the architecture (every model-config key but the dropouts), the special ids and the
/// tokenizer's files. Read from the init checkpoint when the run starts, and from the
/// run's own `last` checkpoint when it resumes (the init is applied once: its directory
/// may be gone by then).
struct FineTuning {
    /// The checkpoint directory the architecture was read from.
    let source: URL
    let checkpoint: CheckpointConfig<TrainingSection>

    var specialIDs: [String: Int32] { checkpoint.specialIDs }
    var tokenizerSection: TokenizerSection? { checkpoint.tokenizer }

    /// The checkpoint's model with this run's dropouts (dropout keys not given keep the
    /// checkpoint's values).
    func modelConfig(_ config: TrainingConfig) -> TransformerConfig {
        var model = checkpoint.model
        if let v = config.dropout { model.dropout = v }
        if let v = config.attentionDropout { model.attentionDropout = v }
        if let v = config.activationDropout { model.activationDropout = v }
        return model
    }

    /// Reads the architecture of `source` (the init checkpoint, or the run's last one on
    /// resume) and returns `config` as the run uses it: max_positions is the model's,
    /// unless given lower (it then only filters the data).
    /// - Throws: `TrainingError.initFromMissing` for a missing directory, a checkpoint
    ///   error for a broken one, `.initConflict` for a key in `given` that the checkpoint
    ///   contradicts, naming both values.
    static func resolve(_ config: TrainingConfig, given: Set<String>, source: URL) throws -> (config: TrainingConfig, fineTuning: FineTuning) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TrainingError.initFromMissing(source.path)
        }
        let fineTuning = FineTuning(source: source, checkpoint: try CheckpointConfig<TrainingSection>.read(from: source))
        try fineTuning.requireNoConflict(config, given: given)
        var resolved = config
        if !given.contains("max_positions") { resolved.maxPositions = fineTuning.checkpoint.model.maxPositions }
        return (resolved, fineTuning)
    }

    /// Every key in `given` whose value the checkpoint contradicts: the architecture keys
    /// and the tokenizer's (the vocabulary is the checkpoint's).
    func requireNoConflict(_ config: TrainingConfig, given: Set<String>) throws {
        let model = checkpoint.model
        func refuse(_ key: String, _ value: String, _ its: String) -> TrainingError {
            .initConflict(key: key, value: value, checkpoint: source.path, checkpointValue: its)
        }
        if given.contains("arch"), let preset = TransformerConfig.preset(config.arch, vocabularySize: model.sourceVocabularySize),
           Self.shape(preset) != Self.shape(model) {
            throw refuse("arch", "\(config.arch) (\(Self.shape(preset)))", Self.shape(model))
        }
        let checks: [(key: String, value: String?, its: String)] = [
            ("normalize_before", config.normalizeBefore.map { "\($0)" }, "\(model.normalizeBefore)"),
            ("share_embeddings", config.shareEmbeddings?.rawValue, model.sharing.rawValue),
            ("activation", config.activation?.rawValue, model.activation.rawValue),
            ("vocab_size", "\(config.vocabSize)", "\(model.targetVocabularySize)"),
        ]
        for check in checks where given.contains(check.key) {
            if let value = check.value, value != check.its { throw refuse(check.key, value, "\(check.key) \(check.its)") }
        }
        if given.contains("max_positions") && config.maxPositions > model.maxPositions {
            throw refuse("max_positions", "\(config.maxPositions)", "max_positions \(model.maxPositions) (a lower value only filters the data)")
        }
        let files = "its own tokenizer (" + CheckpointFiles.tokenizerFiles(checkpoint.tokenizer).joined(separator: ", ") + ")"
        if given.contains("spm_model"), let path = config.spmModel { throw refuse("spm_model", path, files) }
        if given.contains("spm_model_type") { throw refuse("spm_model_type", config.spmModelType, files) }
    }

    /// The dimensions an `arch` preset fixes, as text.
    static func shape(_ model: TransformerConfig) -> String {
        "model_dim \(model.modelDim), heads \(model.heads), ffn_dim \(model.ffnDim), layers \(model.encoderLayers)+\(model.decoderLayers)"
    }
}
