import FileIO
import Foundation
import Transformer

/// Writes checkpoint directories: the one place that lays out their files.
public enum CheckpointWriter {
    /// Writes a checkpoint directory at `url`: model.safetensors (its metadata names
    /// `CheckpointFiles.modelFormat`, plus `metadata`), config.json (`config`, already
    /// encoded), the SentencePiece model, and whatever `extra` writes into the directory
    /// (training's optimizer state). The directory is published atomically
    /// (`AtomicDirectory`), so a kill at any moment leaves no partial checkpoint at `url`;
    /// an existing `url` is refused unless `replacing`.
    public static func write(to url: URL, replacing: Bool = false, model: TransformerModel, config: Data, tokenizer: Data,
                             metadata: [String: String] = [:], extra: (_ directory: URL) throws -> Void = { _ in }) throws {
        try write(to: url, replacing: replacing, model: model, config: config, tokenizerFiles: [CheckpointFiles.tokenizer: tokenizer],
                  metadata: metadata, extra: extra)
    }

    /// The same with the tokenizer's files by name (`CheckpointFiles.tokenizerFiles`).
    public static func write(to url: URL, replacing: Bool = false, model: TransformerModel, config: Data,
                             tokenizerFiles: [String: Data], metadata: [String: String] = [:],
                             extra: (_ directory: URL) throws -> Void = { _ in }) throws {
        try AtomicDirectory.write(to: url, replacing: replacing) { directory in
            try model.saveParameters(to: directory.appendingPathComponent(CheckpointFiles.model),
                                     metadata: metadata.merging(["format": CheckpointFiles.modelFormat]) { _, format in format })
            try extra(directory)
            try AtomicFile.write(config, to: directory.appendingPathComponent(CheckpointFiles.config))
            for (name, data) in tokenizerFiles.sorted(by: { $0.key < $1.key }) {
                try AtomicFile.write(data, to: directory.appendingPathComponent(name))
            }
        }
    }

    /// The same, with `config` encoded by `CheckpointConfig.encoded()`.
    public static func write<Training>(to url: URL, replacing: Bool = false, model: TransformerModel,
                                       config: CheckpointConfig<Training>, tokenizer: Data, metadata: [String: String] = [:],
                                       extra: (_ directory: URL) throws -> Void = { _ in }) throws {
        try write(to: url, replacing: replacing, model: model, config: try config.encoded(), tokenizer: tokenizer,
                  metadata: metadata, extra: extra)
    }
}
