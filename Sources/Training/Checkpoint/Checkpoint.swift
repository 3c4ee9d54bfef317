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
    /// With several weighted corpora: the sampler's state at the start of `epoch` (nil
    /// for one corpus, whose order is a function of the seed and the epoch alone).
    public var sampler: CorpusSamplerState? = nil
    /// The update at which --reset-lr-scheduler restarted the learning-rate schedule (the
    /// rate of update n is the schedule's after n − scheduleStart updates); nil: 0.
    public var scheduleStart: Int? = nil
    public init() {}
}

/// config.json of a checkpoint written by training: the whole training config.
public typealias RunCheckpointConfig = CheckpointConfig<TrainingConfig>

/// Training's checkpoints: `CheckpointWriter`'s directory (with the run's tokenizer files)
/// plus training-state.safetensors
/// (the Adam moments, the Adam step and the `TrainingProgress`), enough to continue bit
/// for bit.
public enum Checkpoint {
    /// Writes checkpoint `name` of `run` (replacing one of that name) and returns its URL.
    public static func save(in run: RunCheckpoints, name: String, model: TransformerModel, optimizer: AdamW,
                            progress: TrainingProgress, config: RunCheckpointConfig, tokenizerFiles: [String: Data]) throws -> URL {
        try FileManager.default.createDirectory(at: run.directory, withIntermediateDirectories: true)
        let url = run.checkpoint(name)
        try CheckpointWriter.write(to: url, replacing: true, model: model, config: try config.encoded(),
                                   tokenizerFiles: tokenizerFiles) { directory in
            try writeTrainingState(optimizer: optimizer, progress: progress, model: model,
                                   to: directory.appendingPathComponent(CheckpointFiles.trainingState))
        }
        return url
    }

    private static func writeTrainingState(optimizer: AdamW, progress: TrainingProgress, model: TransformerModel, to url: URL) throws {
        var tensors: [(name: String, shape: Shape, data: UnsafePointer<Float>)] = []
        for entry in model.table.entries {
            tensors.append((name: "exp_avg." + entry.name, shape: entry.shape, data: UnsafePointer(optimizer.firstMoment.base + entry.offset)))
            tensors.append((name: "exp_avg_sq." + entry.name, shape: entry.shape, data: UnsafePointer(optimizer.secondMoment.base + entry.offset)))
        }
        // Sorted keys, so that two runs in the same state write the same bytes (but for
        // the wall-clock time inside).
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let progressJSON = String(decoding: try encoder.encode(progress), as: UTF8.self)
        try SafeTensorsFile.write(tensors: tensors, metadata: ["progress": progressJSON, "adam_step": String(optimizer.step)], to: url)
    }

    /// The precision the segment that wrote checkpoint `directory` trained in
    /// (config.json's training.precision); fp32 for checkpoints from before it was recorded.
    public static func storedPrecision(in directory: URL) throws -> ProductPrecision {
        let config = try CheckpointConfig<TrainingSection>.read(from: directory)
        return try config.training.productPrecision(source: directory.appendingPathComponent(CheckpointFiles.config).path)
    }
}

extension ModelCheckpoint {
    /// Restores the optimizer moments and the progress saved with the weights; without
    /// `moments` (--reset-optimizer), the progress alone: `optimizer` keeps zero moments and
    /// step 0.
    public func restore(into optimizer: AdamW, moments: Bool = true) throws -> TrainingProgress {
        let url = try CheckpointFiles.existing(CheckpointFiles.trainingState, in: directory)
        let state = try SafeTensorsFile.read(from: url)
        var expected: [String: Shape] = [:]
        for entry in model.table.entries {
            expected["exp_avg." + entry.name] = entry.shape
            expected["exp_avg_sq." + entry.name] = entry.shape
        }
        try state.validate(expected: expected)
        for entry in model.table.entries where moments {
            try state.copy(named: "exp_avg." + entry.name, into: optimizer.firstMoment.view(entry.name))
            try state.copy(named: "exp_avg_sq." + entry.name, into: optimizer.secondMoment.view(entry.name))
        }
        guard let stepText = state.metadata["adam_step"], let step = Int(stepText),
              let progressText = state.metadata["progress"],
              let progress = try? JSONDecoder().decode(TrainingProgress.self, from: Data(progressText.utf8)) else {
            throw CheckpointError.corrupt(file: url.path, reason: "missing or unreadable progress metadata")
        }
        if moments { optimizer.step = step }
        return progress
    }
}
