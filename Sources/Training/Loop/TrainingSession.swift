import Dispatch
import Checkpoints
import Foundation
import Transformer

/// The training time of a run: the seconds saved in its checkpoint plus this process's.
final class RunClock {
    private let started = DispatchTime.now().uptimeNanoseconds
    private var before = 0.0

    /// Counts the time of the run this process resumes.
    func resume(from progress: TrainingProgress) { before = progress.elapsedSeconds }

    func elapsed() -> Double {
        before + Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }
}

/// What a run changes as it trains: the model, the optimizer and the progress, and the
/// checkpoints it writes of them.
final class TrainingSession {
    let model: TransformerModel
    let optimizer: AdamW
    var progress: TrainingProgress
    /// The name of the newest checkpoint written (or found on resume).
    var lastCheckpointName: String?

    /// Whether the newest checkpoint is of the current update (a validation, the save
    /// interval or a signal wrote it already).
    var hasCheckpointOfThisUpdate: Bool { lastCheckpointName == RunCheckpoints.name(update: progress.update) }
    private let config: RunCheckpointConfig
    private let tokenizerFiles: [String: Data]
    private let run: RunCheckpoints
    private let retention: CheckpointRetention
    private let clock: RunClock

    init(model: TransformerModel, optimizer: AdamW, progress: TrainingProgress, config: RunCheckpointConfig,
         tokenizerFiles: [String: Data], run: RunCheckpoints, retention: CheckpointRetention, clock: RunClock) {
        self.model = model
        self.optimizer = optimizer
        self.progress = progress
        self.config = config
        self.tokenizerFiles = tokenizerFiles
        self.run = run
        self.retention = retention
        self.clock = clock
    }

    /// Writes a checkpoint of the current state (by default named after the update),
    /// points `last` (and `best`) at it and prunes old ones.
    func saveCheckpoint(best: Bool, name: String? = nil) throws {
        progress.elapsedSeconds = clock.elapsed()
        let name = name ?? RunCheckpoints.name(update: progress.update)
        _ = try Checkpoint.save(in: run, name: name, model: model, optimizer: optimizer, progress: progress,
                                config: config, tokenizerFiles: tokenizerFiles)
        try run.setLink(.last, to: name)
        if best { try run.setLink(.best, to: name) }
        lastCheckpointName = name
        run.prune(retention)
    }
}
