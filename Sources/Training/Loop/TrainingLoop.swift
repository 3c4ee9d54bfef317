import Checkpoints
import Foundation
import Tensor
import Tokenizer
import Transformer

/// One run segment's loop: epochs of updates (batches → forward → criterion → backward →
/// AdamW), progress lines, rank 0's stop decisions, validations and checkpoints. Reads
/// as the single-process loop; `DataParallelGroup` hides the ranks.
final class TrainingLoop {
    /// What the loop trains with, set up by `Trainer`.
    struct Setup {
        var config: TrainingConfig
        var session: TrainingSession
        var tokenizer: any SentenceTokenizer
        var batcher: Batcher
        /// With several corpora: the weighted sampling of each epoch's pairs.
        var mix: CorpusMix? = nil
        var validBatcher: Batcher
        var precision: ProductPrecision
        var bleuValidator: BLEUValidator?
        /// Sees the normalised gradients of every update and its 0-based number.
        var inspectGradients: ((ParameterArena, Int) -> Void)?
    }

    private let setup: Setup
    private var config: TrainingConfig { setup.config }
    private var session: TrainingSession { setup.session }
    private let group: DataParallelGroup
    private let log: TrainingLog
    private let clock: RunClock
    private let schedule: InverseSquareRootSchedule
    private let criterion: Criterion
    private let workspace = Workspace()
    /// Scratch gradients for summing a rank's batches in a fixed order.
    private let accumulator: ParameterArena?
    private var nonFiniteInARow = 0
    private var window = ProgressWindow()
    /// The validation loss of the last validation of this segment.
    private(set) var lastValidLoss: Double?
    /// The corpus sampler's state once the epoch in progress is drawn: the next epoch's start.
    private var samplerAfterEpoch: CorpusSamplerState?

    init(_ setup: Setup, group: DataParallelGroup, log: TrainingLog, clock: RunClock) {
        self.setup = setup
        self.group = group
        self.log = log
        self.clock = clock
        schedule = InverseSquareRootSchedule(lr: setup.config.lr, warmupUpdates: setup.config.warmupUpdates,
                                             warmupInitLR: setup.config.warmupInitLR)
        criterion = setup.config.criterionValue
        accumulator = setup.config.updateFreq > 1 ? ParameterArena(table: setup.session.model.table) : nil
    }

    /// Trains until a budget is reached, patience runs out or a signal arrives; the run
    /// ends with a validation and checkpoint of its last update (unless a signal stopped
    /// it: a pre-empted job should exit quickly).
    func run() throws -> StopReason {
        let reason = try trainEpochs()
        if !reason.isSignal && !session.hasCheckpointOfThisUpdate { _ = try validateAndSave() }
        return reason
    }

    private func trainEpochs() throws -> StopReason {
        while config.maxEpoch == 0 || session.progress.epoch <= config.maxEpoch {
            if let reason = try trainRestOfEpoch() { return reason }
            session.progress.epoch += 1
            session.progress.nextBatch = 0
            session.progress.sampler = samplerAfterEpoch
            // At the start of the next epoch, so that resuming from it begins that epoch.
            if !config.noEpochCheckpoints {
                try checkpoint(best: false, name: RunCheckpoints.name(epoch: session.progress.epoch - 1))
            }
        }
        return .maxEpoch
    }

    /// The epoch's remaining updates; the reason to stop when training stops within it.
    private func trainRestOfEpoch() throws -> StopReason? {
        let batches = epochBatches()
        while session.progress.nextBatch < batches.count {
            let share = group.share(startingAt: session.progress.nextBatch, batchCount: batches.count)
            session.progress.nextBatch = share.update.upperBound
            if try update(share.mine.map { batches[$0] }, share: share), let reason = try afterUpdate() { return reason }
        }
        return nil
    }

    /// The batches of the epoch in progress: of the usable pairs, or of the pairs the
    /// corpus mix draws from the sampler state saved for the epoch's start (so that a
    /// resumed run draws them again, bit for bit).
    private func epochBatches() -> [[Int]] {
        let epoch = session.progress.epoch
        guard let mix = setup.mix else { return setup.batcher.batches(epoch: epoch) }
        let start = session.progress.sampler ?? CorpusSamplerState(corpora: mix.weights.count)
        session.progress.sampler = start
        let drawn = mix.draw(from: start)
        samplerAfterEpoch = drawn.next
        return setup.batcher.batches(of: drawn.pairs, epoch: epoch)
    }

    /// One update from this rank's batches; false when it was skipped (a non-finite loss
    /// or gradient, which leaves the parameters unchanged).
    /// - Throws: `TrainingError.nonFiniteLoss` after 10 skipped updates in a row.
    private func update(_ indices: [[Int]], share: DataParallelGroup.UpdateShare) throws -> Bool {
        // The model's ids: a fine-tuned imported model has its own (`FineTuning`).
        let pad = session.model.config.padID, eos = session.model.config.eosID
        let batches = indices.map { setup.batcher.batch($0, padID: pad, eosID: eos) }
        for batch in batches { try session.model.validate(batch) }
        let update = session.progress.update
        // Counted from the segment that restarted it (--reset-lr-scheduler), if any.
        let lr = schedule.rate(afterUpdates: update - (session.progress.scheduleStart ?? 0))
        let inspect = setup.inspectGradients.map { hook in { (gradients: ParameterArena) in hook(gradients, update) } }
        guard let stats = try group.update(share, batches: batches, model: session.model, optimizer: session.optimizer,
                                           criterion: criterion, seed: UInt64(config.seed), update: update, lr: lr,
                                           clipNorm: config.clipNorm, precision: setup.precision, workspace: workspace,
                                           accumulator: accumulator, inspectGradients: inspect) else {
            nonFiniteInARow += 1
            log.warning("update \(update + 1) skipped: non-finite loss or gradients (\(nonFiniteInARow) in a row)",
                        fields: ["update": Double(update + 1)])
            if nonFiniteInARow >= 10 {
                throw TrainingError.nonFiniteLoss(updates: nonFiniteInARow, lastCheckpoint: session.lastCheckpointName)
            }
            return false
        }
        nonFiniteInARow = 0
        session.progress.update += 1
        window.add(stats, allReduceSeconds: group.allReduceClock.seconds)
        group.allReduceClock.seconds = 0
        if session.progress.update % config.logInterval == 0 || session.progress.update == 1 {
            logProgress(window.close(), lr: lr)
        }
        return true
    }

    /// What follows an update: rank 0's budget and signal decide for every rank; a
    /// validation (with its checkpoint) at the interval and at the end, a checkpoint at
    /// the save interval and on a signal. The reason to stop, if training stops here.
    private func afterUpdate() throws -> StopReason? {
        let update = session.progress.update
        let control = try group.decide("stop decision, update \(update)") {
            StopDecision(budget: StopReason.budgetReached(config, updates: update, elapsedSeconds: clock.elapsed()),
                         signal: StopSignal.requested)
        }
        if update % config.validateIntervalUpdates == 0 || control.budget != nil {
            if try validateAndSave() { return .patience }
        }
        if let budget = control.budget { return budget }
        if config.saveIntervalUpdates > 0 && update % config.saveIntervalUpdates == 0 && !session.hasCheckpointOfThisUpdate {
            try checkpoint(best: false)
        }
        if let number = control.signal {
            // Without validating: a pre-empted job should exit quickly.
            if !session.hasCheckpointOfThisUpdate { try checkpoint(best: false) }
            return .signal(number)
        }
        return nil
    }

    /// Validates (rank 0) and writes a checkpoint; returns whether patience ran out.
    private func validateAndSave() throws -> Bool {
        // The other ranks wait for rank 0's validation: its length is no fault.
        let decision = try group.decide("validation decision, update \(session.progress.update)", patiently: true) {
            let result = try ValidationResult.measure(model: session.model, tokenizer: setup.tokenizer, batcher: setup.validBatcher,
                                                      criterion: criterion, bleuValidator: setup.bleuValidator, workspace: workspace)
            lastValidLoss = result.loss
            let isBest = result.isBest(updating: &session.progress)
            logValidation(result)
            return ValidationDecision(
                isBest: isBest,
                patienceOut: StopReason.patienceRanOut(config, progress: session.progress))
        }
        try checkpoint(best: decision.isBest)
        return decision.patienceOut
    }

    /// Writes a checkpoint (rank 0) once every rank is known to hold the same state; every
    /// rank records its name, so that all take the same decisions that depend on it.
    private func checkpoint(best: Bool, name: String? = nil) throws {
        let name = name ?? RunCheckpoints.name(update: session.progress.update)
        try group.requireEqualReplicas(session, operation: "checkpoint \(name)")
        if group.isRoot {
            try session.saveCheckpoint(best: best, name: name)
        } else {
            session.lastCheckpointName = name
        }
    }

    /// Rank 0's budget and signal, which every rank follows.
    private struct StopDecision: Codable {
        var budget: StopReason?
        var signal: Int32? = nil
    }

    /// Rank 0's validation outcome: whether it is the best so far, and whether patience ran out.
    private struct ValidationDecision: Codable {
        var isBest: Bool
        var patienceOut: Bool
    }

    // MARK: Log lines

    private func logProgress(_ window: (loss: Double, nll: Double, tokensPerSecond: Double, secondsPerUpdate: Double,
                                        allReduceSecondsPerUpdate: Double), lr: Float) {
        let progress = session.progress, elapsed = clock.elapsed()
        // Time left: the nearer of the update budget (at the speed so far) and the time budget.
        var remaining = Double.infinity
        if config.maxUpdate > 0 { remaining = Double(config.maxUpdate - progress.update) / Double(progress.update) * elapsed }
        if config.stopTimeHours > 0 { remaining = min(remaining, config.stopTimeHours * 3600 - elapsed) }
        var fields = ["update": Double(progress.update), "epoch": Double(progress.epoch), "loss": window.loss, "nll": window.nll,
                      "lr": Double(lr), "tgt_tokens_per_second": window.tokensPerSecond, "elapsed": elapsed]
        if group.isDistributed {
            // Per update: its wall time and the part of it spent in the all-reduces.
            fields["update_ms"] = window.secondsPerUpdate * 1e3
            fields["allreduce_ms"] = window.allReduceSecondsPerUpdate * 1e3
        }
        log.record(fields, kind: "train")
        log.progress(String(format: "update %d | epoch %d | loss %.3f | nll %.3f | lr %.3g | %.0f tgt tok/s | %@ elapsed | ETA %@",
                            progress.update, progress.epoch, window.loss, window.nll, lr, window.tokensPerSecond,
                            TrainingLog.duration(elapsed), TrainingLog.duration(remaining)))
    }

    private func logValidation(_ result: ValidationResult) {
        let progress = session.progress
        var fields: [String: Double] = ["update": Double(progress.update), "epoch": Double(progress.epoch),
                                        "valid_loss": result.loss, "valid_nll": result.nll,
                                        "valid_ppl": Foundation.pow(2, result.nll)]
        if let bleu = result.bleu {
            fields["valid_bleu"] = bleu
            fields["best_bleu"] = progress.bestBLEU
        }
        log.record(fields, kind: "valid")
        log.message(String(format: "valid | update %d | epoch %d | loss %.3f | nll %.3f | ppl %.2f", progress.update, progress.epoch,
                           result.loss, result.nll, Foundation.pow(2, result.nll))
                    + (result.bleu.map { String(format: " | bleu %.2f | best %.2f", $0, progress.bestBLEU ?? $0) } ?? ""))
    }
}
