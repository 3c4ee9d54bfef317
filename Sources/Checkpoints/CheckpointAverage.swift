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
            if other.tokenizerData != first.tokenizerData || other.specialIDs != first.specialIDs {
                throw CheckpointError.incompatible(first: first.directory.path, second: other.directory.path,
                                                   reason: "their SentencePiece models differ")
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
    /// model.safetensors, the first checkpoint's config.json and SentencePiece model. The
    /// directory is built under a temporary name beside `output` and renamed into place,
    /// so a failure leaves no partial checkpoint; an existing `output` is refused.
    public static func write(_ checkpoints: [ModelCheckpoint], to output: URL) throws {
        // AtomicDirectory refuses an existing output before `fill` runs, so no mean is
        // computed for nothing.
        try AtomicDirectory.write(to: output) { directory in
            let model = try mean(of: checkpoints)
            let first = checkpoints[0]
            let sources = checkpoints.map { $0.directory.lastPathComponent }.joined(separator: ",")
            try model.saveParameters(to: directory.appendingPathComponent(CheckpointFiles.model),
                                     metadata: ["format": "nmt-model-1", "averaged": sources])
            let config = try Data(contentsOf: first.directory.appendingPathComponent(CheckpointFiles.config))
            try AtomicFile.write(config, to: directory.appendingPathComponent(CheckpointFiles.config))
            try AtomicFile.write(first.tokenizerData, to: directory.appendingPathComponent(CheckpointFiles.tokenizer))
        }
    }

    /// The last `count` update checkpoints (`update-NNNNNNNN`) of a run directory, oldest
    /// first: fairseq's `--num-update-checkpoints`.
    public static func lastUpdateCheckpoints(run: URL, count: Int) throws -> [URL] {
        let directory = run.appendingPathComponent("checkpoints")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            throw CheckpointError.missingDirectory(directory.path)
        }
        let updates = names.filter { $0.hasPrefix("update-") }.sorted()
        guard updates.count >= count else {
            throw CheckpointError.tooFewCheckpoints(run: run.path, wanted: count, found: updates.count)
        }
        return updates.suffix(count).map { directory.appendingPathComponent($0) }
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
