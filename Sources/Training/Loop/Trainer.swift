import Checkpoints
import Dispatch
import Distributed
import FileIO
import Foundation
import Tensor
import Tokenizer
import Transformer

public enum TrainingError: Error, LocalizedError, Equatable {
    case nonFiniteLoss(updates: Int, lastCheckpoint: String?)
    case outputIsNotADirectory(String)
    case runLocked(directory: String, reason: String)
    case outputNotWritable(directory: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .nonFiniteLoss(updates, last):
            "training stopped: the loss or gradients were not finite for \(updates) updates in a row"
                + (last.map { "; the last good checkpoint is \($0)" } ?? "")
        case let .outputIsNotADirectory(path):
            "--output \(path) is a file; it must name the run's directory (new or existing)"
        case let .runLocked(directory, reason):
            "run directory \(directory) is in use: \(reason)"
        case let .outputNotWritable(directory, reason):
            "cannot write to the run directory \(directory): \(reason); nothing was trained"
        }
    }
}

/// What a finished run reports.
public struct TrainingSummary: Sendable {
    public var updates: Int
    public var epochs: Int
    public var bestBLEU: Double?
    public var lastValidLoss: Double?
    public var stopReason: StopReason
}

/// The training loop: batches → forward → criterion → backward → AdamW, with validation,
/// checkpoints, budgets and exact resume (docs in README "Training").
///
/// Data-parallel over MPI (`communicator` of several ranks): every rank builds the same
/// batch order from the seed and takes its share of each update's batches (N ranks with
/// update_freq k train as one rank with update_freq N·k); the gradients are all-reduced
/// before the step, so parameters and optimizer state stay identical on every rank, which
/// is checked by hash at every checkpoint. Rank 0 alone writes the log and checkpoints and
/// validates; it decides when to stop, and the other ranks follow its decisions.
public final class Trainer {
    public let config: TrainingConfig
    public let output: URL
    public let communicator: any Communicator
    public var bleuValidator: BLEUValidator?
    /// Called with the normalised gradients of every update and its 0-based number (tests
    /// inject non-finite values through it).
    var inspectGradients: ((ParameterArena, Int) -> Void)?
    let log: TrainingLog
    let checkpoints: URL
    /// Held for the trainer's lifetime (by rank 0 only: the other ranks write nothing).
    private let lock: RunLock?

    public init(config: TrainingConfig, output: URL, resume: Bool, overwrite: Bool, showProgress: Bool = true,
                communicator: any Communicator = SingleProcess()) throws {
        self.config = config
        self.output = output
        self.communicator = communicator
        checkpoints = output.appendingPathComponent("checkpoints")
        guard communicator.isRoot else {
            lock = nil
            log = try TrainingLog(file: nil, showProgress: false)
            return
        }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: output.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw TrainingError.outputIsNotADirectory(output.path)
        }
        let holdsRun = fm.fileExists(atPath: checkpoints.path) || fm.fileExists(atPath: output.appendingPathComponent("train.jsonl").path)
        if holdsRun && !resume && !overwrite { throw CheckpointError.outputHoldsRun(output.path) }
        try Self.requireWritableDirectory(output)
        // Locked before anything in it changes; an overwrite keeps the lock file (removing
        // it would let another process lock a new one).
        lock = try RunLock(directory: output)
        if holdsRun && !resume {
            for name in try fm.contentsOfDirectory(atPath: output.path) where name != RunLock.fileName {
                try fm.removeItem(at: output.appendingPathComponent(name))
            }
        }
        log = try TrainingLog(file: output.appendingPathComponent("train.jsonl"), showProgress: showProgress)
    }

    /// Creates `directory` if needed and checks that files can be created in it, before
    /// any training: a read-only file system or a directory without write permission is
    /// one sentence, not an error at the first checkpoint. (`access` is used, not the mode
    /// bits, because it also answers for root and for read-only mounts.)
    static func requireWritableDirectory(_ directory: URL) throws {
        var path = directory.path
        while !FileManager.default.fileExists(atPath: path) { path = (path as NSString).deletingLastPathComponent }
        if path != directory.path, access(path, W_OK) != 0 {
            throw TrainingError.outputNotWritable(directory: directory.path, reason: "\(path): \(String(cString: strerror(errno)))")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            let reason = underlying.map { String(cString: strerror(Int32($0.code))) } ?? error.localizedDescription
            throw TrainingError.outputNotWritable(directory: directory.path, reason: reason)
        }
        guard access(directory.path, W_OK) == 0 else {
            throw TrainingError.outputNotWritable(directory: directory.path, reason: String(cString: strerror(errno)))
        }
    }

    // MARK: Set-up

    /// The tokenizer of the run: the one saved in the output directory (resume), the one
    /// the config names, or one trained on the training data (joint source+target).
    func tokenizer() throws -> (SentencePieceModel, Data) {
        // Rank 0 finds or trains it; the others get its bytes.
        let root = communicator.isRoot ? try rootTokenizer() : nil
        let data = try communicator.withoutTimeout {
            try communicator.broadcast(root?.data, operation: "broadcast of the SentencePiece model")
        }
        if let root { return (root.model, data) }
        return (try SentencePieceModel(serialized: data, source: "the run's SentencePiece model"), data)
    }

    private func rootTokenizer() throws -> (model: SentencePieceModel, data: Data) {
        let saved = output.appendingPathComponent(CheckpointFiles.tokenizer)
        if FileManager.default.fileExists(atPath: saved.path) {
            let data = try Data(contentsOf: saved)
            return (try SentencePieceModel(serialized: data, source: saved.path), data)
        }
        let model: SentencePieceModel
        if let path = config.spmModel {
            model = try SentencePieceModel(contentsOf: path)
            try model.requireProjectSpecialIDs(source: path)
        } else {
            let files = try config.corpusFiles(.train), cleaning = config.cleaning(.train)
            var options = TrainingOptions()
            options.vocabularySize = config.vocabSize
            options.modelType = config.spmModelType == "bpe" ? .bpe : .unigram
            options.seed = UInt32(truncatingIfNeeded: config.seed)
            log.message("training a \(config.spmModelType) SentencePiece model of \(config.vocabSize) pieces on \(files)")
            if cleaning.isOff, case let .aligned(source, target) = files {
                model = try SentencePieceModel.train(inputs: [source, target], options: options)
            } else {
                // The pairs the run trains on (both columns of a TSV file, what cleaning
                // keeps), sources then targets as the two files would give them.
                let pairs = try ParallelCorpus.read(files, cleaning: cleaning)
                model = try SentencePieceModel.train(sentences: pairs.source + pairs.target, options: options, names: files.paths)
            }
        }
        let data = model.serialized()
        try AtomicFile.write(data, to: saved)
        return (model, data)
    }

    /// The training or validation pairs, encoded; what cleaning dropped goes to the log
    /// (a `"kind": "corpus"` record) when any rule is on.
    func corpus(_ split: CorpusSplit, _ tokenizer: SentencePieceModel) throws -> EncodedCorpus {
        let files = try config.corpusFiles(split)
        let (corpus, report) = try EncodedCorpus.load(
            files, cleaning: config.cleaning(split), tokenizer: tokenizer, threads: config.threads,
            cacheDirectory: output.deletingLastPathComponent().appendingPathComponent(".nmt-cache"))
        if let report, !report.rules.isEmpty {
            log.message("\(split.rawValue) corpus \(files): \(report.summary)")
            log.record(report.fields, text: ["corpus": split.rawValue, "files": files.description], kind: "corpus")
        }
        return corpus
    }

    // MARK: The loop

    /// Trains until a budget is reached or patience runs out, validating every
    /// `validate_interval_updates` updates and at the end; every validation writes a
    /// checkpoint (`last`, and `best` when it is the best so far).
    public func run() throws -> TrainingSummary {
        Threads.set(config.threads)
        let precision = try segmentPrecision()
        log.message("\(RuntimeReport.line); \(config.threads) thread\(config.threads == 1 ? "" : "s"); precision \(precision.summary)")
        log.record(["threads": Double(config.threads)],
                   text: ["precision": precision.precision.rawValue, "precision_reason": precision.reason,
                          "cpu": CPUFeatures.current.modelName, "cpu_family_model": CPUFeatures.current.familyAndModel,
                          "kernels": VectorISA.active.rawValue,
                          "openblas": OpenBLAS.library.summary],
                   kind: "segment")
        if let warning = precision.warning { log.warning(warning) }
        let clock = RunClock()
        let (tokenizer, tokenizerData) = try tokenizer()
        let pad = SpecialIDs.pad, eos = SpecialIDs.eos
        // Rank 0 encodes first (and caches); the others then find the cache (on one machine).
        if !communicator.isRoot { try communicator.withoutTimeout { try communicator.barrier(operation: "barrier after encoding the corpus") } }
        let train = try corpus(.train, tokenizer)
        let valid = try corpus(.valid, tokenizer)
        if communicator.isRoot && communicator.size > 1 { try communicator.barrier(operation: "barrier after encoding the corpus") }
        let batcher = Batcher(corpus: train, maxTokens: config.maxTokens, maxPositions: config.maxPositions, seed: UInt64(config.seed))
        let validBatcher = Batcher(corpus: valid, maxTokens: config.maxTokens, maxPositions: config.maxPositions, seed: 0)
        if batcher.skipped > 0 {
            log.warning("skipping \(batcher.skipped) training pairs longer than max_positions \(config.maxPositions) or max_tokens \(config.maxTokens)",
                        fields: ["skipped_pairs": Double(batcher.skipped)])
        }
        let session = try startOrResume(tokenizer: tokenizer, tokenizerData: tokenizerData, trainingPairs: train.count,
                                        precision: precision.precision, clock: clock)
        let ranks = communicator.size, rank = communicator.rank
        if ranks > 1 {
            log.message("data-parallel: \(communicator.description); each update takes update_freq \(config.updateFreq) × \(ranks) ranks = \(config.updateFreq * ranks) batches")
        }
        // A scratch gradient arena for summing a rank's batches in a fixed order.
        let accumulator = config.updateFreq > 1 ? ParameterArena(table: session.model.table) : nil
        let allReduceClock = AllReduceClock()
        // A resumed run whose budget is already spent ends here: another update would change
        // the finished run's weights.
        // Rank 0's clock decides for every rank.
        let start = try communicator.fromRoot(operation: "budget at start") {
            StopDecision(budget: StopReason.budgetReached(config, updates: session.progress.update, elapsedSeconds: clock.elapsed()))
        }
        if let spent = start.budget {
            log.warning("nothing to train: \(spent.name) already reached at update \(session.progress.update)",
                        fields: ["update": Double(session.progress.update)])
            log.record(["update": Double(session.progress.update), "elapsed": clock.elapsed()],
                       text: ["stop_reason": spent.name], kind: "done")
            return TrainingSummary(updates: session.progress.update, epochs: session.progress.epoch,
                                   bestBLEU: session.progress.bestBLEU, lastValidLoss: nil, stopReason: spent)
        }
        let schedule = InverseSquareRootSchedule(lr: config.lr, warmupUpdates: config.warmupUpdates, warmupInitLR: config.warmupInitLR)
        let criterion = config.criterionValue
        let workspace = Workspace()
        var nonFiniteInARow = 0
        var lastValidLoss: Double?
        var window = ProgressWindow()

        /// Validates (rank 0) and writes a checkpoint; returns whether patience ran out.
        func validateAndSave() throws -> Bool {
            // The other ranks wait for rank 0's validation: its length is no fault.
            let decision = try communicator.withoutTimeout {
                try communicator.fromRoot(operation: "validation decision, update \(session.progress.update)") {
                    let result = try ValidationResult.measure(model: session.model, tokenizer: tokenizer, batcher: validBatcher,
                                                              criterion: criterion, bleuValidator: bleuValidator, workspace: workspace)
                    lastValidLoss = result.loss
                    let isBest = result.isBest(updating: &session.progress)
                    logValidation(result, session.progress)
                    return ValidationDecision(
                        isBest: isBest,
                        patienceOut: config.patience >= 0 && session.progress.validationsWithoutImprovement > config.patience)
                }
            }
            try checkpoint(session, best: decision.isBest)
            return decision.patienceOut
        }

        var stopReason = StopReason.maxEpoch
        training: while config.maxEpoch == 0 || session.progress.epoch <= config.maxEpoch {
            let batches = batcher.batches(epoch: session.progress.epoch)
            while session.progress.nextBatch < batches.count {
                // The update's batches (update_freq per rank), and this rank's share of them.
                let group = session.progress.nextBatch..<min(session.progress.nextBatch + config.updateFreq * ranks, batches.count)
                let firstOfMine = group.lowerBound + rank * config.updateFreq
                let mine = min(firstOfMine, group.upperBound)..<min(firstOfMine + config.updateFreq, group.upperBound)
                let batchesOfUpdate = mine.map { batcher.batch(batches[$0], padID: pad, eosID: eos) }
                for batch in batchesOfUpdate { try session.model.validate(batch) }
                let lr = schedule.rate(afterUpdates: session.progress.update)
                session.progress.nextBatch = group.upperBound
                let update = session.progress.update
                guard let stats = try UpdateStep.run(model: session.model, optimizer: session.optimizer, criterion: criterion,
                                                     batches: batchesOfUpdate, seed: UInt64(config.seed), update: update,
                                                     updateFreq: config.updateFreq * ranks, firstBatch: mine.lowerBound - group.lowerBound,
                                                     lr: lr, clipNorm: config.clipNorm, precision: precision.precision,
                                                     workspace: workspace,
                                                     accumulator: accumulator, communicator: communicator,
                                                     allReduceClock: allReduceClock, inspectGradients: inspectGradients.map { hook in { hook($0, update) } }) else {
                    nonFiniteInARow += 1
                    log.warning("update \(update + 1) skipped: non-finite loss or gradients (\(nonFiniteInARow) in a row)",
                                fields: ["update": Double(update + 1)])
                    if nonFiniteInARow >= 10 {
                        throw TrainingError.nonFiniteLoss(updates: nonFiniteInARow, lastCheckpoint: session.lastCheckpointName)
                    }
                    continue
                }
                nonFiniteInARow = 0
                session.progress.update += 1
                window.add(stats, allReduceSeconds: allReduceClock.seconds)
                allReduceClock.seconds = 0
                if session.progress.update % config.logInterval == 0 || session.progress.update == 1 {
                    logProgress(window.close(), lr: lr, session.progress, elapsed: clock.elapsed())
                }
                // Rank 0's clock and signals decide for every rank.
                let control = try communicator.fromRoot(operation: "stop decision, update \(session.progress.update)") {
                    StopDecision(budget: StopReason.budgetReached(config, updates: session.progress.update,
                                                                  elapsedSeconds: clock.elapsed()),
                                 signal: StopSignal.requested)
                }
                let budget = control.budget
                if session.progress.update % config.validateIntervalUpdates == 0 || budget != nil {
                    if try validateAndSave() { stopReason = .patience; break training }
                }
                if let budget { stopReason = budget; break training }
                if config.saveIntervalUpdates > 0 && session.progress.update % config.saveIntervalUpdates == 0
                    && !session.hasCheckpointOfThisUpdate {
                    try checkpoint(session, best: false)
                }
                if let number = control.signal {
                    // A checkpoint of this update (unless validation just wrote it), without
                    // validating: a pre-empted job should exit quickly.
                    if !session.hasCheckpointOfThisUpdate { try checkpoint(session, best: false) }
                    stopReason = .signal(number)
                    break training
                }
            }
            session.progress.epoch += 1
            session.progress.nextBatch = 0
            // At the start of the next epoch, so that resuming from it begins that epoch.
            if !config.noEpochCheckpoints { try checkpoint(session, best: false, name: Checkpoint.name(epoch: session.progress.epoch - 1)) }
        }
        if !stopReason.isSignal && !session.hasCheckpointOfThisUpdate {
            _ = try validateAndSave()
        }
        log.message("done: \(stopReason.name) after \(session.progress.update) updates (\(TrainingLog.duration(clock.elapsed())))")
        // Every segment ends with its stop reason, so a study can tell a run that ran out
        // of patience from one that reached its budget.
        log.record(["update": Double(session.progress.update), "elapsed": clock.elapsed()],
                   text: ["stop_reason": stopReason.name], kind: "done")
        return TrainingSummary(updates: session.progress.update, epochs: session.progress.epoch,
                               bestBLEU: session.progress.bestBLEU, lastValidLoss: lastValidLoss, stopReason: stopReason)
    }

    /// Writes a checkpoint (rank 0) after checking that every rank holds the same
    /// parameters and optimizer state; every rank records its name, so that all take the
    /// same decisions that depend on it.
    /// - Throws: `DistributedError.replicasDiffer` naming the ranks that differ.
    private func checkpoint(_ session: TrainingSession, best: Bool, name: String? = nil) throws {
        let name = name ?? Checkpoint.name(update: session.progress.update)
        if communicator.size > 1 {
            let operation = "checkpoint \(name)"
            let hashes = try communicator.allGather(ReplicaHash.of(session.model, session.optimizer), operation: operation)
            if Set(hashes).count > 1 { throw DistributedError.replicasDiffer(operation: operation, hashes: hashes) }
        }
        if communicator.isRoot {
            try session.saveCheckpoint(best: best, name: name)
        } else {
            session.lastCheckpointName = name
        }
    }

    /// Rank 0's model, optimizer state and progress on every rank.
    private func synchronize(_ session: TrainingSession) throws {
        for arena in [session.model.parameters, session.optimizer.firstMoment, session.optimizer.secondMoment] {
            try communicator.broadcast(arena.base, bytes: arena.table.count * MemoryLayout<Float>.size, root: 0,
                                       operation: "broadcast of the initial state")
        }
        let state = try communicator.broadcast(
            communicator.isRoot ? SharedState(progress: session.progress, step: session.optimizer.step,
                                              lastCheckpoint: session.lastCheckpointName) : nil,
            operation: "broadcast of the progress")
        session.progress = state.progress
        session.optimizer.step = state.step
        session.lastCheckpointName = state.lastCheckpoint
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

    private struct SharedState: Codable {
        var progress: TrainingProgress
        var step: Int
        var lastCheckpoint: String?
    }

    /// Rank 0's choice of this segment's precision (`RunPrecision`), which every rank
    /// follows; a rank whose CPU cannot follow a bf16 choice stops with the reason.
    private func segmentPrecision() throws -> RunPrecision {
        let chosen = try communicator.fromRoot(operation: "precision of this run segment") {
            let last = checkpoints.appendingPathComponent("last")
            let resuming = FileManager.default.fileExists(atPath: last.path)
            let previous = resuming ? try Checkpoint.storedPrecision(in: last.resolvingSymlinksInPath()) : nil
            return try RunPrecision.choose(request: config.precision, previous: previous, resuming: resuming, features: .current)
        }
        if chosen.precision == .bf16 && !CPUFeatures.current.multipliesBF16Natively {
            throw PrecisionUnavailable(missing: CPUFeatures.current.missingBF16Features)
        }
        return chosen
    }

    /// A fresh model, or the model, optimizer and progress of the run's `last` checkpoint.
    private func startOrResume(tokenizer: SentencePieceModel, tokenizerData: Data, trainingPairs: Int,
                               precision: ProductPrecision, clock: RunClock) throws -> TrainingSession {
        let pad = SpecialIDs.pad, eos = SpecialIDs.eos
        let modelConfig = try config.modelConfig(vocabularySize: tokenizer.vocabularySize, padID: pad, eosID: eos)
        // config.json records the precision this segment uses, not auto.
        var training = config
        training.precision = PrecisionRequest(rawValue: precision.rawValue)
        let checkpointConfig = CheckpointConfig(model: modelConfig, training: training,
                                                specialIDs: ["pad": pad, "unk": SpecialIDs.unk, "bos": SpecialIDs.bos, "eos": eos])
        let hyper = AdamW.Hyperparameters(beta1: config.adamBeta1, beta2: config.adamBeta2, eps: config.adamEps,
                                          weightDecay: config.weightDecay)
        let lastLink = checkpoints.appendingPathComponent("last")
        let keep = (updates: config.keepIntervalUpdates, epochs: config.keepLastEpochs)
        let session: TrainingSession
        if !communicator.isRoot {
            // Same shapes as rank 0's; the state itself comes from rank 0.
            let model = try TransformerModel(config: modelConfig)
            session = TrainingSession(model: model, optimizer: AdamW(table: model.table, hyperparameters: hyper),
                                      progress: TrainingProgress(), config: checkpointConfig, tokenizerData: tokenizerData,
                                      directory: checkpoints, keep: keep, clock: clock)
        } else if FileManager.default.fileExists(atPath: lastLink.path) {
            let loaded = try ModelCheckpoint(directory: lastLink.resolvingSymlinksInPath())
            let optimizer = AdamW(table: loaded.model.table, hyperparameters: hyper)
            let progress = try loaded.restore(into: optimizer)
            session = TrainingSession(model: loaded.model, optimizer: optimizer, progress: progress, config: checkpointConfig,
                                      tokenizerData: tokenizerData, directory: checkpoints, keep: keep,
                                      clock: clock)
            session.lastCheckpointName = try? FileManager.default.destinationOfSymbolicLink(atPath: lastLink.path)
            log.message("resuming from \(loaded.directory.lastPathComponent): update \(progress.update), epoch \(progress.epoch)")
        } else {
            let model = try TransformerModel(config: modelConfig)
            model.initializeParameters(seed: UInt64(config.seed))
            session = TrainingSession(model: model, optimizer: AdamW(table: model.table, hyperparameters: hyper),
                                      progress: TrainingProgress(), config: checkpointConfig, tokenizerData: tokenizerData,
                                      directory: checkpoints, keep: keep, clock: clock)
            log.message("model \(config.arch): \(model.parameterCount) parameters, vocabulary \(tokenizer.vocabularySize), \(trainingPairs) training pairs")
        }
        if communicator.isRoot { Checkpoint.prune(checkpoints, keepUpdates: keep.updates, keepEpochs: keep.epochs) }
        if communicator.size > 1 { try synchronize(session) }
        clock.resume(from: session.progress)
        return session
    }

    // MARK: Log lines

    private func logProgress(_ window: (loss: Double, nll: Double, tokensPerSecond: Double, secondsPerUpdate: Double,
                                        allReduceSecondsPerUpdate: Double), lr: Float,
                             _ progress: TrainingProgress, elapsed: Double) {
        // Time left: the nearer of the update budget (at the speed so far) and the time budget.
        var remaining = Double.infinity
        if config.maxUpdate > 0 { remaining = Double(config.maxUpdate - progress.update) / Double(progress.update) * elapsed }
        if config.stopTimeHours > 0 { remaining = min(remaining, config.stopTimeHours * 3600 - elapsed) }
        var fields = ["update": Double(progress.update), "epoch": Double(progress.epoch), "loss": window.loss, "nll": window.nll,
                      "lr": Double(lr), "tgt_tokens_per_second": window.tokensPerSecond, "elapsed": elapsed]
        if communicator.size > 1 {
            // Per update: its wall time and the part of it spent in the all-reduces.
            fields["update_ms"] = window.secondsPerUpdate * 1e3
            fields["allreduce_ms"] = window.allReduceSecondsPerUpdate * 1e3
        }
        log.record(fields, kind: "train")
        log.progress(String(format: "update %d | epoch %d | loss %.3f | nll %.3f | lr %.3g | %.0f tgt tok/s | %@ elapsed | ETA %@",
                            progress.update, progress.epoch, window.loss, window.nll, lr, window.tokensPerSecond,
                            TrainingLog.duration(elapsed), TrainingLog.duration(remaining)))
    }

    private func logValidation(_ result: ValidationResult, _ progress: TrainingProgress) {
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
