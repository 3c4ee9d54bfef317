import Checkpoints
import FileIO
import Foundation
import Tensor
import Tokenizer
import Transformer

/// Where training is, beyond the weights and moments: enough to continue bit for bit.
public struct TrainingProgress: Codable, Equatable, Sendable {
    public var update = 0
    /// The epoch in progress (1-based) and the index of its next batch.
    public var epoch = 1
    public var nextBatch = 0
    public var bestBLEU: Double? = nil
    public var bestValidLoss: Double? = nil
    public var bestUpdate = 0
    public var validationsWithoutImprovement = 0
    public var elapsedSeconds = 0.0
    public init() {}
}

/// What config.json of a checkpoint holds.
public struct CheckpointConfig: Codable, Equatable, Sendable {
    public var format = 1
    public var model: TransformerConfig
    public var training: TrainingConfig
    public var specialIDs: [String: Int32]
}

/// Checkpoint directories (the files of `CheckpointFiles`), written by training. Each is written
/// to a temporary directory, fsynced and renamed into place, so a kill at any moment
/// leaves every published checkpoint whole. `last` and `best` are symbolic links,
/// replaced atomically.
public enum Checkpoint {
    /// Writes checkpoint `name` under `directory` and returns its URL.
    public static func save(in directory: URL, name: String, model: TransformerModel, optimizer: AdamW,
                            progress: TrainingProgress, config: CheckpointConfig, tokenizer: Data) throws -> URL {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let final = directory.appendingPathComponent(name)
        let temporary = directory.appendingPathComponent(".tmp-\(name)-\(getpid())")
        try? fm.removeItem(at: temporary)
        try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
        do {
            try model.saveParameters(to: temporary.appendingPathComponent(CheckpointFiles.model), metadata: ["format": "nmt-model-1"])
            var tensors: [(name: String, shape: Shape, data: UnsafePointer<Float>)] = []
            for entry in model.table.entries {
                tensors.append((name: "exp_avg." + entry.name, shape: entry.shape, data: UnsafePointer(optimizer.firstMoment.base + entry.offset)))
                tensors.append((name: "exp_avg_sq." + entry.name, shape: entry.shape, data: UnsafePointer(optimizer.secondMoment.base + entry.offset)))
            }
            // Sorted keys, so that two runs in the same state write the same bytes (but for
            // the wall-clock time inside).
            let progressEncoder = JSONEncoder()
            progressEncoder.outputFormatting = .sortedKeys
            let progressJSON = String(decoding: try progressEncoder.encode(progress), as: UTF8.self)
            try SafeTensorsFile.write(tensors: tensors, metadata: ["progress": progressJSON, "adam_step": String(optimizer.step)],
                                      to: temporary.appendingPathComponent(CheckpointFiles.trainingState))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(config), to: temporary.appendingPathComponent(CheckpointFiles.config))
            try AtomicFile.write(tokenizer, to: temporary.appendingPathComponent(CheckpointFiles.tokenizer))
            AtomicFile.syncDirectory(temporary.path)
            if fm.fileExists(atPath: final.path) { try fm.removeItem(at: final) }
            guard rename(temporary.path, final.path) == 0 else {
                throw CheckpointError.corrupt(file: final.path, reason: "cannot rename the new checkpoint into place: \(String(cString: strerror(errno)))")
            }
            AtomicFile.syncDirectory(directory.path)
        } catch {
            try? fm.removeItem(at: temporary)
            throw error
        }
        return final
    }

    /// Points `directory/link` at `target` (a sibling name), replacing any old link atomically.
    public static func setLink(_ link: String, to target: String, in directory: URL) throws {
        let temporary = directory.appendingPathComponent(".\(link).tmp-\(getpid())").path
        unlink(temporary)
        guard symlink(target, temporary) == 0, rename(temporary, directory.appendingPathComponent(link).path) == 0 else {
            throw CheckpointError.corrupt(file: directory.appendingPathComponent(link).path, reason: String(cString: strerror(errno)))
        }
        AtomicFile.syncDirectory(directory.path)
    }

    /// Deletes update checkpoints beyond the newest `keepUpdates` and epoch checkpoints
    /// beyond the newest `keepEpochs` (−1: keep all), never the targets of `last` and
    /// `best`; removes temporary directories a killed run left behind.
    public static func prune(_ directory: URL, keepUpdates: Int, keepEpochs: Int) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(".tmp-") { try? fm.removeItem(at: directory.appendingPathComponent(name)) }
        let protected = Set(["last", "best"].compactMap { try? fm.destinationOfSymbolicLink(atPath: directory.appendingPathComponent($0).path) })
        for (prefix, keep) in [("update-", keepUpdates), ("epoch-", keepEpochs)] where keep >= 0 {
            let numbered = names.filter { $0.hasPrefix(prefix) }.sorted()
            for name in numbered.dropLast(keep) where !protected.contains(name) {
                try? fm.removeItem(at: directory.appendingPathComponent(name))
            }
        }
    }

    /// The precision the segment that wrote checkpoint `directory` trained in
    /// (config.json's training.precision); fp32 for checkpoints from before it was recorded.
    public static func storedPrecision(in directory: URL) throws -> ProductPrecision {
        struct Stored: Decodable {
            struct Training: Decodable { var precision: String? }
            var training: Training?
        }
        let url = directory.appendingPathComponent(CheckpointFiles.config)
        let stored: Stored
        do { stored = try JSONDecoder().decode(Stored.self, from: try Data(contentsOf: url)) } catch {
            throw CheckpointError.corrupt(file: url.path, reason: "\(error)")
        }
        guard let text = stored.training?.precision else { return .fp32 }
        guard let precision = ProductPrecision(rawValue: text) else {
            throw CheckpointError.corrupt(file: url.path, reason: "training.precision '\(text)' is not one of fp32, bf16")
        }
        return precision
    }

    /// Name of the checkpoint written after `update` updates.
    public static func name(update: Int) -> String { String(format: "update-%08d", update) }

    /// Name of the checkpoint written at the end of epoch `epoch`.
    public static func name(epoch: Int) -> String { String(format: "epoch-%04d", epoch) }
}

extension ModelCheckpoint {
    /// The whole config.json, training config included (for resuming a run).
    public func checkpointConfig() throws -> CheckpointConfig {
        let url = try Self.file(CheckpointFiles.config, in: directory)
        do {
            return try JSONDecoder().decode(CheckpointConfig.self, from: try Data(contentsOf: url))
        } catch {
            throw CheckpointError.corrupt(file: url.path, reason: "\(error)")
        }
    }

    /// Restores the optimizer moments and the progress saved with the weights.
    public func restore(into optimizer: AdamW) throws -> TrainingProgress {
        let url = try Self.file(CheckpointFiles.trainingState, in: directory)
        let state = try SafeTensorsFile.read(from: url)
        var expected: [String: Shape] = [:]
        for entry in model.table.entries {
            expected["exp_avg." + entry.name] = entry.shape
            expected["exp_avg_sq." + entry.name] = entry.shape
        }
        try state.validate(expected: expected)
        for entry in model.table.entries {
            try state.copy(named: "exp_avg." + entry.name, into: optimizer.firstMoment.view(entry.name))
            try state.copy(named: "exp_avg_sq." + entry.name, into: optimizer.secondMoment.view(entry.name))
        }
        guard let stepText = state.metadata["adam_step"], let step = Int(stepText),
              let progressText = state.metadata["progress"],
              let progress = try? JSONDecoder().decode(TrainingProgress.self, from: Data(progressText.utf8)) else {
            throw CheckpointError.corrupt(file: url.path, reason: "missing or unreadable progress metadata")
        }
        optimizer.step = step
        return progress
    }
}
