import Dispatch
import Foundation
import Tensor
import Tokenizer
import Transformer

public enum TrainingError: Error, LocalizedError, Equatable {
    case nonFiniteLoss(updates: Int, lastCheckpoint: String?)

    public var errorDescription: String? {
        switch self {
        case let .nonFiniteLoss(updates, last):
            "training stopped: the loss or gradients were not finite for \(updates) updates in a row"
                + (last.map { "; the last good checkpoint is \($0)" } ?? "")
        }
    }
}

/// What a finished run reports.
public struct TrainingSummary: Sendable {
    public var updates: Int
    public var epochs: Int
    public var bestBLEU: Double?
    public var lastValidLoss: Double?
    public var stopReason: String
}

/// Scores the model on the validation set: BLEU of its translations of `sources`
/// (decoded, detokenized) against `references`. Supplied by the caller, so that this
/// module does not depend on search and evaluation.
public typealias BLEUValidator = (_ model: TransformerModel, _ tokenizer: SentencePieceModel) throws -> Double

/// The training loop: batches → forward → criterion → backward → AdamW, with validation,
/// checkpoints, budgets and exact resume (docs in README "Training").
public final class Trainer {
    public let config: TrainingConfig
    public let output: URL
    public var bleuValidator: BLEUValidator?
    /// Called with the normalised gradients of every update and its 0-based number (tests
    /// inject non-finite values through it).
    var inspectGradients: ((ParameterArena, Int) -> Void)?
    let log: TrainingLog
    let checkpoints: URL

    public init(config: TrainingConfig, output: URL, resume: Bool, overwrite: Bool, showProgress: Bool = true) throws {
        self.config = config
        self.output = output
        checkpoints = output.appendingPathComponent("checkpoints")
        let fm = FileManager.default
        let holdsRun = fm.fileExists(atPath: checkpoints.path) || fm.fileExists(atPath: output.appendingPathComponent("train.jsonl").path)
        if holdsRun && !resume {
            guard overwrite else { throw CheckpointError.outputHoldsRun(output.path) }
            try fm.removeItem(at: output)
        }
        try fm.createDirectory(at: output, withIntermediateDirectories: true)
        log = try TrainingLog(file: output.appendingPathComponent("train.jsonl"), showProgress: showProgress)
    }

    // MARK: Set-up

    /// The tokenizer of the run: the one saved in the output directory (resume), the one
    /// the config names, or one trained on the training data (joint source+target).
    func tokenizer() throws -> (SentencePieceModel, Data) {
        let saved = output.appendingPathComponent(Checkpoint.tokenizerFile)
        if FileManager.default.fileExists(atPath: saved.path) {
            let data = try Data(contentsOf: saved)
            return (try SentencePieceModel(serialized: data, source: saved.path), data)
        }
        let model: SentencePieceModel
        if let path = config.spmModel {
            model = try SentencePieceModel(contentsOf: path)
        } else {
            guard let src = config.trainSrc, let tgt = config.trainTgt else { throw ConfigError.missing(key: "train_src") }
            var options = TrainingOptions()
            options.vocabularySize = config.vocabSize
            options.modelType = config.spmModelType == "bpe" ? .bpe : .unigram
            options.seed = UInt32(truncatingIfNeeded: config.seed)
            log.message("training a \(config.spmModelType) SentencePiece model of \(config.vocabSize) pieces on \(src) and \(tgt)")
            model = try SentencePieceModel.train(inputs: [src, tgt], options: options)
        }
        let data = model.serialized()
        try AtomicFile.write(data, to: saved)
        return (model, data)
    }

    func corpus(_ source: String?, _ target: String?, _ name: String, _ tokenizer: SentencePieceModel) throws -> EncodedCorpus {
        guard let s = source else { throw ConfigError.missing(key: "\(name)_src") }
        guard let t = target else { throw ConfigError.missing(key: "\(name)_tgt") }
        return try EncodedCorpus.load(source: s, target: t, tokenizer: tokenizer, threads: config.threads,
                                      cacheDirectory: output.deletingLastPathComponent().appendingPathComponent(".nmt-cache"))
    }

    // MARK: The loop

    public func run() throws -> TrainingSummary {
        Threads.set(config.threads)
        log.message("\(RuntimeReport.line); \(config.threads) thread\(config.threads == 1 ? "" : "s")")
        let started = DispatchTime.now().uptimeNanoseconds
        let (tokenizer, tokenizerData) = try tokenizer()
        let pad = SpecialIDs.pad, eos = SpecialIDs.eos
        let train = try corpus(config.trainSrc, config.trainTgt, "train", tokenizer)
        let valid = try corpus(config.validSrc, config.validTgt, "valid", tokenizer)
        let modelConfig = try config.modelConfig(vocabularySize: tokenizer.vocabularySize, padID: pad, eosID: eos)
        let checkpointConfig = CheckpointConfig(model: modelConfig, training: config,
                                                specialIDs: ["pad": pad, "unk": SpecialIDs.unk, "bos": SpecialIDs.bos, "eos": eos])
        let batcher = Batcher(corpus: train, maxTokens: config.maxTokens, maxPositions: config.maxPositions, seed: UInt64(config.seed))
        let validBatcher = Batcher(corpus: valid, maxTokens: config.maxTokens, maxPositions: config.maxPositions, seed: 0)
        if batcher.skipped > 0 {
            log.message("skipping \(batcher.skipped) training pairs longer than max_positions \(config.maxPositions) or max_tokens \(config.maxTokens)")
        }

        // Model, optimizer and progress: fresh or from the last checkpoint.
        let model: TransformerModel
        var progress = TrainingProgress()
        let optimizer: AdamW
        let hyper = AdamW.Hyperparameters(beta1: config.adamBeta1, beta2: config.adamBeta2, eps: config.adamEps,
                                          weightDecay: config.weightDecay)
        let lastLink = checkpoints.appendingPathComponent("last")
        if FileManager.default.fileExists(atPath: lastLink.path) {
            let loaded = try LoadedCheckpoint(directory: lastLink.resolvingSymlinksInPath())
            model = loaded.model
            optimizer = AdamW(table: model.table, hyperparameters: hyper)
            progress = try loaded.restore(into: optimizer)
            log.message("resuming from \(loaded.directory.lastPathComponent): update \(progress.update), epoch \(progress.epoch)")
        } else {
            model = try TransformerModel(config: modelConfig)
            model.initializeParameters(seed: UInt64(config.seed))
            optimizer = AdamW(table: model.table, hyperparameters: hyper)
            log.message("model \(config.arch): \(model.parameterCount) parameters, vocabulary \(tokenizer.vocabularySize), \(train.count) training pairs")
        }
        Checkpoint.prune(checkpoints, keep: config.keepLastEpochs)
        let elapsedBefore = progress.elapsedSeconds
        func elapsed() -> Double { elapsedBefore + Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

        let schedule = InverseSquareRootSchedule(lr: config.lr, warmupUpdates: config.warmupUpdates, warmupInitLR: config.warmupInitLR)
        let criterion = config.criterionValue
        let workspace = Workspace()
        var nonFiniteInARow = 0
        var lastCheckpointName: String? = (try? FileManager.default.destinationOfSymbolicLink(atPath: lastLink.path))
        var lastValidLoss: Double?
        var window = (loss: 0.0, nll: 0.0, tokens: 0, start: DispatchTime.now().uptimeNanoseconds)

        func saveCheckpoint(best: Bool) throws {
            progress.elapsedSeconds = elapsed()
            let name = Checkpoint.name(update: progress.update)
            _ = try Checkpoint.save(in: checkpoints, name: name, model: model, optimizer: optimizer, progress: progress,
                                    config: checkpointConfig, tokenizer: tokenizerData)
            try Checkpoint.setLink("last", to: name, in: checkpoints)
            if best { try Checkpoint.setLink("best", to: name, in: checkpoints) }
            lastCheckpointName = name
            Checkpoint.prune(checkpoints, keep: config.keepLastEpochs)
        }

        /// Validation loss and BLEU; returns whether patience ran out.
        func validate() throws -> Bool {
            var total = CriterionResult.zero
            for indices in validBatcher.batches(epoch: 0) {
                workspace.reset()
                let batch = validBatcher.batch(indices, padID: pad, eosID: eos)
                try model.validate(batch)
                let logits = model.forward(batch, mode: .inference, workspace: workspace)
                total += batch.packedTarget.withUnsafeBufferPointer { criterion.loss(logits: logits, targets: $0.baseAddress!, padID: pad) }
            }
            let tokens = Double(max(total.tokens, 1))
            let validLoss = total.loss / tokens / Foundation.log(2.0), validNLL = total.nll / tokens / Foundation.log(2.0)
            lastValidLoss = validLoss
            var fields: [String: Double] = ["update": Double(progress.update), "epoch": Double(progress.epoch),
                                            "valid_loss": validLoss, "valid_nll": validNLL, "valid_ppl": Foundation.pow(2, validNLL)]
            var isBest = false
            if let validator = bleuValidator {
                let bleu = try validator(model, tokenizer)
                fields["valid_bleu"] = bleu
                isBest = progress.bestBLEU.map { bleu > $0 } ?? true
                if isBest { progress.bestBLEU = bleu; progress.bestUpdate = progress.update; progress.validationsWithoutImprovement = 0 }
                else { progress.validationsWithoutImprovement += 1 }
                fields["best_bleu"] = progress.bestBLEU
            }
            log.record(fields, kind: "valid")
            log.message(String(format: "valid | update %d | epoch %d | loss %.3f | nll %.3f | ppl %.2f", progress.update, progress.epoch,
                               validLoss, validNLL, Foundation.pow(2, validNLL))
                        + (fields["valid_bleu"].map { String(format: " | bleu %.2f | best %.2f", $0, progress.bestBLEU ?? $0) } ?? ""))
            if bleuValidator == nil {
                // Without BLEU, the best checkpoint is the one with the lowest validation loss.
                isBest = progress.bestValidLoss.map { validLoss < $0 } ?? true
                if isBest { progress.bestValidLoss = validLoss; progress.bestUpdate = progress.update; progress.validationsWithoutImprovement = 0 }
                else { progress.validationsWithoutImprovement += 1 }
            }
            try saveCheckpoint(best: isBest)
            return config.patience >= 0 && progress.validationsWithoutImprovement > config.patience
        }

        var stopReason = "max_epoch"
        training: while config.maxEpoch == 0 || progress.epoch <= config.maxEpoch {
            let batches = batcher.batches(epoch: progress.epoch)
            while progress.nextBatch < batches.count {
                let group = progress.nextBatch..<min(progress.nextBatch + config.updateFreq, batches.count)
                let batchesOfUpdate = group.map { batcher.batch(batches[$0], padID: pad, eosID: eos) }
                for batch in batchesOfUpdate { try model.validate(batch) }
                let lr = schedule.rate(afterUpdates: progress.update)
                progress.nextBatch = group.upperBound
                guard let stats = UpdateStep.run(model: model, optimizer: optimizer, criterion: criterion, batches: batchesOfUpdate,
                                                 seed: UInt64(config.seed), update: progress.update, updateFreq: config.updateFreq,
                                                 lr: lr, clipNorm: config.clipNorm, workspace: workspace,
                                                 inspectGradients: inspectGradients.map { hook in { hook($0, progress.update) } }) else {
                    nonFiniteInARow += 1
                    log.message("warning: update \(progress.update + 1) skipped: non-finite loss or gradients (\(nonFiniteInARow) in a row)")
                    if nonFiniteInARow >= 10 { throw TrainingError.nonFiniteLoss(updates: nonFiniteInARow, lastCheckpoint: lastCheckpointName) }
                    continue
                }
                nonFiniteInARow = 0
                progress.update += 1

                window.loss += stats.loss; window.nll += stats.nll; window.tokens += stats.tokens
                if progress.update % config.logInterval == 0 || progress.update == 1 {
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - window.start) / 1e9
                    let tokens = Double(max(window.tokens, 1))
                    let loss = window.loss / tokens / Foundation.log(2.0), nll = window.nll / tokens / Foundation.log(2.0)
                    let speed = Double(window.tokens) / max(seconds, 1e-9)
                    // Time left: the nearer of the update budget (at the speed so far) and the time budget.
                    var remaining = Double.infinity
                    if config.maxUpdate > 0 { remaining = Double(config.maxUpdate - progress.update) / Double(progress.update) * elapsed() }
                    if config.stopTimeHours > 0 { remaining = min(remaining, config.stopTimeHours * 3600 - elapsed()) }
                    log.record(["update": Double(progress.update), "epoch": Double(progress.epoch), "loss": loss, "nll": nll,
                                "lr": Double(lr), "tgt_tokens_per_second": speed, "elapsed": elapsed()], kind: "train")
                    log.progress(String(format: "update %d | epoch %d | loss %.3f | nll %.3f | lr %.3g | %.0f tgt tok/s | %@ elapsed | ETA %@",
                                        progress.update, progress.epoch, loss, nll, lr, speed,
                                        TrainingLog.duration(elapsed()), TrainingLog.duration(remaining)))
                    window = (0, 0, 0, DispatchTime.now().uptimeNanoseconds)
                }
                let outOfUpdates = config.maxUpdate > 0 && progress.update >= config.maxUpdate
                let outOfTime = config.stopTimeHours > 0 && elapsed() >= config.stopTimeHours * 3600
                if progress.update % config.validateIntervalUpdates == 0 || outOfUpdates || outOfTime {
                    if try validate() { stopReason = "patience"; break training }
                }
                if outOfUpdates { stopReason = "max_update"; break training }
                if outOfTime { stopReason = "stop_time_hours"; break training }
            }
            progress.epoch += 1
            progress.nextBatch = 0
        }
        if lastCheckpointName != Checkpoint.name(update: progress.update) { _ = try validate() }
        log.message("done: \(stopReason) after \(progress.update) updates (\(TrainingLog.duration(elapsed())))")
        return TrainingSummary(updates: progress.update, epochs: progress.epoch, bestBLEU: progress.bestBLEU,
                               lastValidLoss: lastValidLoss, stopReason: stopReason)
    }
}
