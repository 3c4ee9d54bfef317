import Distributed
import Foundation
import Tensor
import Transformer

/// The ranks of a data-parallel run, as Marian's graph groups see them: which of an
/// update's batches this rank trains, rank 0's decisions for every rank, and the checks
/// that keep the replicas equal. With one process (`SingleProcess`) every call is the
/// plain single-process step, so the training loop reads the same either way.
///
/// Every rank builds the same batch order from the seed; an update takes `updateFreq`
/// batches per rank (N ranks with update_freq k train as one rank with update_freq N·k);
/// the gradients are all-reduced before the step, so parameters and optimizer state stay
/// identical on every rank, which `requireEqualReplicas` checks by hash. Rank 0 alone
/// writes the log and checkpoints and validates; it decides when to stop.
final class DataParallelGroup {
    let communicator: any Communicator
    /// Batches per update on each rank (the config's update_freq).
    let updateFreq: Int
    /// Seconds spent in the all-reduces since the caller last took them.
    let allReduceClock = AllReduceClock()

    init(communicator: any Communicator, updateFreq: Int) {
        self.communicator = communicator
        self.updateFreq = updateFreq
    }

    var isRoot: Bool { communicator.isRoot }
    var ranks: Int { communicator.size }
    var isDistributed: Bool { communicator.size > 1 }

    /// Batches an update takes over all ranks.
    var batchesPerUpdate: Int { updateFreq * ranks }

    /// One update's batches within an epoch: all of them (every rank's), and this rank's.
    struct UpdateShare {
        /// The update's batches, as indices into the epoch's batch order.
        var update: Range<Int>
        /// This rank's part of `update` (empty when the epoch's last update is short).
        var mine: Range<Int>
        /// The position of this rank's first batch within the update.
        var firstBatch: Int { mine.lowerBound - update.lowerBound }
    }

    /// The update that starts at batch `next` of an epoch of `batchCount` batches.
    func share(startingAt next: Int, batchCount: Int) -> UpdateShare {
        let update = next..<min(next + batchesPerUpdate, batchCount)
        let first = update.lowerBound + communicator.rank * updateFreq
        return UpdateShare(update: update, mine: min(first, update.upperBound)..<min(first + updateFreq, update.upperBound))
    }

    /// Rank 0's answer, on every rank. `patiently`: the other ranks wait without the
    /// communicator's timeout (rank 0's validation takes as long as it takes).
    func decide<T: Codable>(_ operation: String, patiently: Bool = false, _ decide: () throws -> T) throws -> T {
        guard patiently else { return try communicator.fromRoot(operation: operation, decide) }
        return try communicator.withoutTimeout { try communicator.fromRoot(operation: operation, decide) }
    }

    /// Rank 0's bytes (or nil on the other ranks) on every rank; waits without timeout.
    func fromRoot(_ data: Data?, operation: String) throws -> Data {
        try communicator.withoutTimeout { try communicator.broadcast(data, operation: operation) }
    }

    /// Runs `body` on rank 0 first, then on the other ranks, which then find what rank 0
    /// wrote (the encoded corpus cache, on one machine) instead of computing it again.
    func rootFirst<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        guard isDistributed else { return try body() }
        if !isRoot { try communicator.withoutTimeout { try communicator.barrier(operation: operation) } }
        let result = try body()
        if isRoot { try communicator.barrier(operation: operation) }
        return result
    }

    /// One update: this rank's batches of `share` through `UpdateStep`, the gradients
    /// summed over the ranks. Nil when the loss or gradients were not finite (skipped).
    func update(_ share: UpdateShare, batches: [Batch], model: TransformerModel, optimizer: AdamW, criterion: Criterion,
                seed: UInt64, update: Int, lr: Float, clipNorm: Float, precision: ProductPrecision, workspace: Workspace,
                accumulator: ParameterArena?, inspectGradients: ((ParameterArena) -> Void)?) throws -> CriterionResult? {
        try UpdateStep.run(model: model, optimizer: optimizer, criterion: criterion, batches: batches, seed: seed, update: update,
                           batchesInUpdate: batchesPerUpdate, firstBatch: share.firstBatch, lr: lr, clipNorm: clipNorm,
                           precision: precision, workspace: workspace, accumulator: accumulator, communicator: communicator,
                           allReduceClock: allReduceClock, inspectGradients: inspectGradients)
    }

    /// Rank 0's model, optimizer state and progress on every rank (at the start).
    func synchronize(_ session: TrainingSession) throws {
        guard isDistributed else { return }
        for arena in [session.model.parameters, session.optimizer.firstMoment, session.optimizer.secondMoment] {
            try communicator.broadcast(arena.base, bytes: arena.table.count * MemoryLayout<Float>.size, root: 0,
                                       operation: "broadcast of the initial state")
        }
        let state = try communicator.broadcast(
            isRoot ? SharedState(progress: session.progress, step: session.optimizer.step,
                                 lastCheckpoint: session.lastCheckpointName) : nil,
            operation: "broadcast of the progress")
        session.progress = state.progress
        session.optimizer.step = state.step
        session.lastCheckpointName = state.lastCheckpoint
    }

    private struct SharedState: Codable {
        var progress: TrainingProgress
        var step: Int
        var lastCheckpoint: String?
    }

    /// Checks that every rank holds the same parameters and optimizer state.
    /// - Throws: `DistributedError.replicasDiffer` naming the ranks that differ.
    func requireEqualReplicas(_ session: TrainingSession, operation: String) throws {
        guard isDistributed else { return }
        let hashes = try communicator.allGather(ReplicaHash.of(session.model, session.optimizer), operation: operation)
        if Set(hashes).count > 1 { throw DistributedError.replicasDiffer(operation: operation, hashes: hashes) }
    }
}
