import FileIO
import Foundation
import Transformer

/// Checkpoint averaging (fairseq's scripts/average_checkpoints.py, OpenNMT's
/// average_models): the element-wise mean of several checkpoints' weights, written as a
/// model checkpoint directory that `nmt translate`, `nmt score` and export load.
public enum CheckpointAverage {
    /// The mean of `checkpoints`' parameters, in the first one's model.
    ///
    /// Each element is summed in double precision in the order given, divided by the count
    /// and rounded once to float32 (fairseq sums in float32, so its last bit can differ).
    /// - Throws: `CheckpointError.incompatible` when two checkpoints differ in model config
    ///   or tokenizer, naming both.
    public static func mean(of checkpoints: [ModelCheckpoint]) throws -> TransformerModel {
        guard let first = checkpoints.first else { throw CheckpointError.nothingToAverage }
        for other in checkpoints.dropFirst() {
            if other.modelConfig != first.modelConfig {
                throw CheckpointError.incompatible(first: first.directory.path, second: other.directory.path,
                                                   reason: "their model configs differ (\(differences(first.modelConfig, other.modelConfig)))")
            }
            if other.tokenizerFiles != first.tokenizerFiles || other.specialIDs != first.specialIDs {
                throw CheckpointError.incompatible(first: first.directory.path, second: other.directory.path,
                                                   reason: "their tokenizers (SentencePiece models or vocabularies) differ")
            }
        }
        let count = first.model.parameterCount
        var sums = [Double](repeating: 0, count: count)
        for checkpoint in checkpoints {
            let values = checkpoint.model.parameters.base
            for i in 0..<count { sums[i] += Double(values[i]) }
        }
        let average = try TransformerModel(config: first.modelConfig)
        let n = Double(checkpoints.count)
        for i in 0..<count { average.parameters.base[i] = Float(sums[i] / n) }
        return average
    }

    /// Averages `checkpoints` and writes the result to `output` as a checkpoint directory:
    /// model.safetensors, the first checkpoint's config.json and tokenizer files
    /// (`CheckpointWriter`, so a failure leaves no partial checkpoint). An existing
    /// `output` is refused before any mean is computed.
    public static func write(_ checkpoints: [ModelCheckpoint], to output: URL) throws {
        guard let first = checkpoints.first else { throw CheckpointError.nothingToAverage }
        guard !FileManager.default.fileExists(atPath: output.path) else {
            throw CheckpointError.outputExists(output.path)
        }
        let model = try mean(of: checkpoints)
        let sources = checkpoints.map { $0.directory.lastPathComponent }.joined(separator: ",")
        // The first checkpoint's config.json as stored, training section whole.
        let config = try Data(contentsOf: try CheckpointFiles.existing(CheckpointFiles.config, in: first.directory))
        try CheckpointWriter.write(to: output, model: model, config: config, tokenizerFiles: first.tokenizerFiles,
                                   metadata: ["averaged": sources])
    }

    /// The config fields in which `a` and `b` differ, as "name a ≠ b".
    static func differences(_ a: TransformerConfig, _ b: TransformerConfig) -> String {
        let left = Mirror(reflecting: a).children, right = Mirror(reflecting: b).children
        return zip(left, right).compactMap { l, r in
            let x = "\(l.value)", y = "\(r.value)"
            return x == y ? nil : "\(l.label ?? "?") \(x) ≠ \(y)"
        }.joined(separator: ", ")
    }
}
