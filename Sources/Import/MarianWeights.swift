import Foundation
import Tensor
import Transformer

/// Hugging Face MarianMTModel's state dict onto this project's parameters.
///
/// Layer parameters have fairseq's names behind a `model.` prefix (both follow BART):
/// `model.encoder.layers.0.self_attn.q_proj.weight` is `encoder.layers.0.self_attn.q_proj.weight`.
/// The shared embedding is saved under one of `model.shared.weight`,
/// `model.encoder.embed_tokens.weight`, `model.decoder.embed_tokens.weight` (save_pretrained
/// keeps one name of tied tensors); `lm_head.weight` is the output projection when it is
/// not tied; `final_logits_bias` (1, V) is the output bias (zeros when absent, as
/// transformers loads it). Position tables are not read: transformers recomputes them,
/// and so does the model (`PositionLayout.marian`).
enum MarianWeights {
    static let embeddingNames = ["model.shared.weight", "model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight"]
    static let ignored: Set<String> = ["model.encoder.embed_positions.weight", "model.decoder.embed_positions.weight"]

    /// Copies `file`'s tensors into `model`'s parameters.
    /// - Throws: `ImportError.tensor` naming a missing, unexpected or misshapen tensor.
    static func load(_ file: SafeTensorsFile, into model: TransformerModel, tiedOutput: Bool) throws {
        var unused = Set(file.names).subtracting(ignored)
        func copy(_ name: String, to parameter: String) throws {
            let destination = model.parameters.view(parameter)
            let (shape, values) = try file.tensor(named: name)
            guard shape == destination.shape.dims else {
                throw ImportError.tensor(file: file.source, name: name, reason: "shape \(shape), but config.json describes \(destination.shape.dims)")
            }
            _ = destination.buffer.update(fromContentsOf: values)
            unused.remove(name)
        }
        let present = embeddingNames.filter { file.entries[$0] != nil } + (tiedOutput && file.entries["lm_head.weight"] != nil ? ["lm_head.weight"] : [])
        guard let embedding = present.first else {
            throw ImportError.tensor(file: file.source, name: embeddingNames[0], reason: "missing (no embedding under any of \(embeddingNames.joined(separator: ", ")))")
        }
        try copy(embedding, to: "encoder.embed_tokens.weight")
        for name in present.dropFirst() { try copy(name, to: "encoder.embed_tokens.weight") }
        if model.config.sharing == .none {
            try copy(embedding, to: "decoder.embed_tokens.weight")
            guard file.entries["lm_head.weight"] != nil else {
                throw ImportError.tensor(file: file.source, name: "lm_head.weight", reason: "missing, and tie_word_embeddings is false")
            }
            try copy("lm_head.weight", to: "decoder.output_projection.weight")
        }
        for entry in model.table.entries where entry.name.contains(".layers.") {
            guard file.entries["model." + entry.name] != nil else {
                throw ImportError.tensor(file: file.source, name: "model." + entry.name, reason: "missing")
            }
            try copy("model." + entry.name, to: entry.name)
        }
        try loadOutputBias(file, into: model, unused: &unused)
        if let extra = unused.sorted().first {
            throw ImportError.tensor(file: file.source, name: extra, reason: "not a parameter of the Marian model config.json describes")
        }
    }

    /// final_logits_bias (1, V) as the output bias (V).
    static func loadOutputBias(_ file: SafeTensorsFile, into model: TransformerModel, unused: inout Set<String>) throws {
        let bias = model.parameters.view("decoder.output_projection.bias")
        guard let entry = file.entries["final_logits_bias"] else { bias.fill(0); return }
        guard entry.shape == [1, bias.count] || entry.shape == [bias.count] else {
            throw ImportError.tensor(file: file.source, name: "final_logits_bias", reason: "shape \(entry.shape), but config.json describes [1, \(bias.count)]")
        }
        _ = bias.buffer.update(fromContentsOf: file.values[entry.range])
        unused.remove("final_logits_bias")
    }
}
