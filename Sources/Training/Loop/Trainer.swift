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
    /// init_from names no directory.
    case initFromMissing(String)
    /// A key given explicitly that the init_from checkpoint contradicts.
    case initConflict(key: String, value: String, checkpoint: String, checkpointValue: String)

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
        case let .initFromMissing(path):
            "init_from \(path): no such checkpoint directory (expected a checkpoint that nmt translate accepts)"
        case let .initConflict(key, value, checkpoint, checkpointValue):
            "\(key) \(value) conflicts with the init_from checkpoint \(checkpoint), which has \(checkpointValue); the architecture "
                + "and tokenizer come from the checkpoint: drop --\(key.replacingOccurrences(of: "_", with: "-"))"
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

/// A training run: its directory (lock, log, tokenizer, checkpoints), the set-up of each
/// segment (precision, tokenizer, corpora, a fresh or resumed session) and its end; the
/// loop itself is `TrainingLoop` (docs in README "Training").
///
/// Data-parallel over MPI when `communicator` has several ranks (`DataParallelGroup`):
/// rank 0 alone writes the directory, and the other ranks follow its decisions.
public final class Trainer {
    public let config: TrainingConfig
    public let output: URL
    public let communicator: any Communicator
    let group: DataParallelGroup
    public var bleuValidator: BLEUValidator?
    /// On resume (fairseq's flags): fresh Adam moments and step (`resetOptimizer`); the
    /// learning-rate schedule restarted from this update (`resetLRScheduler`).
    public var resetOptimizer = false
    public var resetLRScheduler = false
    /// The architecture and tokenizer of a run with `init_from` (nil without).
    let fineTuning: FineTuning?
    /// Called with the normalised gradients of every update and its 0-based number (tests
    /// inject non-finite values through it).
    var inspectGradients: ((ParameterArena, Int) -> Void)?
    let log: TrainingLog
    let checkpoints: RunCheckpoints
    /// Held for the trainer's lifetime (by rank 0 only: the other ranks write nothing).
    private let lock: RunLock?

    /// `givenKeys` are the config keys the user set (file or flags): with `init_from`, one
    /// the checkpoint contradicts is an error (`FineTuning`).
    public init(config: TrainingConfig, output: URL, resume: Bool, overwrite: Bool, showProgress: Bool = true,
                communicator: any Communicator = SingleProcess(), givenKeys: Set<String> = []) throws {
        self.output = output
        self.communicator = communicator
        group = DataParallelGroup(communicator: communicator, updateFreq: config.updateFreq)
        checkpoints = RunCheckpoints(run: output)
        let resolved = try Self.resolveFineTuning(config, givenKeys: givenKeys, resumingFrom: resume ? checkpoints.resolve(.last) : nil)
        self.config = resolved.config
        fineTuning = resolved.fineTuning
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
        let holdsRun = fm.fileExists(atPath: checkpoints.directory.path) || fm.fileExists(atPath: output.appendingPathComponent("train.jsonl").path)
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

    /// The run's config and architecture source with `init_from`: the init checkpoint when
    /// the run starts, its own last checkpoint when it resumes (whose config.json records
    /// init_from, so a resume needs not repeat it, nor the init directory to exist).
    private static func resolveFineTuning(_ config: TrainingConfig, givenKeys: Set<String>,
                                          resumingFrom last: URL?) throws -> (config: TrainingConfig, fineTuning: FineTuning?) {
        var config = config
        if let last, let recorded = try CheckpointConfig<InitFromSection>.read(from: last).training.initFrom {
            config.initFrom = recorded
        }
        guard let initFrom = config.initFrom else { return (config, nil) }
        let resolved = try FineTuning.resolve(config, given: givenKeys, source: last ?? URL(fileURLWithPath: initFrom))
        return (resolved.config, resolved.fineTuning)
    }

    /// config.json's training.initFrom alone.
    private struct InitFromSection: Codable, Equatable, Sendable { var initFrom: String? }

    // MARK: Set-up

    /// The tokenizer of the run: the one saved in the output directory (resume), the
    /// init_from checkpoint's, the one the config names, or one trained on the training
    /// data (joint source+target).
    func tokenizer() throws -> RunTokenizer {
        // Rank 0 finds or trains it; the others get its bytes.
        let root = group.isRoot ? try rootTokenizer() : nil
        let data = try group.fromRoot(try root?.serialized(), operation: "broadcast of the tokenizer")
        return try root ?? RunTokenizer(serialized: data, directory: output)
    }

    private func rootTokenizer() throws -> RunTokenizer {
        let section = fineTuning?.tokenizerSection
        let names = CheckpointFiles.tokenizerFiles(section)
        if names.allSatisfy({ FileManager.default.fileExists(atPath: output.appendingPathComponent($0).path) }) {
            return try RunTokenizer(files: try Self.read(names, in: output), section: section, directory: output)
        }
        if let fineTuning {
            let tokenizer = try RunTokenizer(files: try Self.read(names, in: fineTuning.source), section: section,
                                             directory: fineTuning.source)
            for (name, data) in tokenizer.files { try AtomicFile.write(data, to: output.appendingPathComponent(name)) }
            return tokenizer
        }
        let model: SentencePieceModel
        if let path = config.spmModel {
            model = try SentencePieceModel(contentsOf: path)
            try model.requireProjectSpecialIDs(source: path)
        } else {
            model = try trainTokenizer()
        }
        let data = model.serialized()
        try AtomicFile.write(data, to: output.appendingPathComponent(CheckpointFiles.tokenizer))
        return RunTokenizer(sentencePiece: model, data: data)
    }

    /// The files `names` of `directory`, by name.
    private static func read(_ names: [String], in directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in names {
            let url = try CheckpointFiles.existing(name, in: directory)
            do { files[name] = try Data(contentsOf: url) } catch {
                throw CheckpointError.corrupt(file: url.path, reason: error.localizedDescription)
            }
        }
        return files
    }

    /// A joint SentencePiece model of the training corpora's sources and targets, with
    /// their target-language tags as user-defined symbols (one piece each).
    private func trainTokenizer() throws -> SentencePieceModel {
        let corpora = try config.trainingCorpora(), cleaning = config.cleaning(.train)
        var options = TrainingOptions()
        options.vocabularySize = config.vocabSize
        options.modelType = config.spmModelType == "bpe" ? .bpe : .unigram
        options.seed = UInt32(truncatingIfNeeded: config.seed)
        options.userDefinedSymbols = try config.targetLanguageTags().map(\.piece)
        log.message("training a \(config.spmModelType) SentencePiece model of \(config.vocabSize) pieces on "
                    + corpora.map(\.files.description).joined(separator: ", "))
        let aligned: [String] = corpora.flatMap { corpus -> [String] in
            if case let .aligned(source, target) = corpus.files { [source, target] } else { [] }
        }
        if cleaning.isOff && aligned.count == 2 * corpora.count {
            return try SentencePieceModel.train(inputs: aligned, options: options)
        }
        // The pairs the run trains on (both columns of a TSV file, what cleaning keeps),
        // sources then targets as the files would give them.
        var sources: [String] = [], targets: [String] = []
        for corpus in corpora {
            let pairs = try ParallelCorpus.read(corpus.files, cleaning: cleaning)
            sources += pairs.source
            targets += pairs.target
        }
        return try SentencePieceModel.train(sentences: sources + targets, options: options,
                                            names: corpora.flatMap(\.files.paths))
    }

    /// The training pairs of every corpus, encoded and joined in the order of the corpora
    /// (a tagged corpus' sources start with its tag's id), and each corpus' range of pairs.
    func trainingCorpus(_ tokenizer: RunTokenizer) throws -> (corpus: EncodedCorpus, ranges: [Range<Int>]) {
        var joined = EncodedCorpus(sources: [], targets: [])
        var ranges: [Range<Int>] = []
        for corpus in try config.trainingCorpora() {
            var encoded = try load(corpus.files, split: .train, tokenizer)
            if let tag = corpus.tag { try Self.prepend(tag, to: &encoded, tokenizer) }
            ranges.append(joined.count..<(joined.count + encoded.count))
            joined.sources += encoded.sources
            joined.targets += encoded.targets
        }
        return (joined, ranges)
    }

    /// The validation pairs, encoded (their sources tagged when valid_target_language is set).
    func validationCorpus(_ tokenizer: RunTokenizer) throws -> EncodedCorpus {
        var corpus = try load(try config.corpusFiles(.valid), split: .valid, tokenizer)
        if let language = config.validTargetLanguage { try Self.prepend(TargetLanguageTag(language: language), to: &corpus, tokenizer) }
        return corpus
    }

    /// Puts `tag`'s id before every source sentence of `corpus`.
    /// - Throws: `TargetLanguageTagError.unknown` when `tokenizer` lacks the tag (a given
    ///   spm_model trained without it).
    private static func prepend(_ tag: TargetLanguageTag, to corpus: inout EncodedCorpus, _ tokenizer: RunTokenizer) throws {
        let id = try tokenizer.id(of: tag)
        corpus.sources = corpus.sources.map { [id] + $0 }
    }

    /// The pairs of `files`, encoded; what cleaning dropped goes to the log (a
    /// `"kind": "corpus"` record) when any rule is on.
    private func load(_ files: CorpusFiles, split: CorpusSplit, _ tokenizer: RunTokenizer) throws -> EncodedCorpus {
        let (corpus, report) = try EncodedCorpus.load(
            files, cleaning: config.cleaning(split), tokenizer: tokenizer.tokenizer, identity: tokenizer.identity, threads: config.threads,
            cacheDirectory: output.deletingLastPathComponent().appendingPathComponent(".nmt-cache"))
        if let report, !report.rules.isEmpty {
            log.message("\(split.rawValue) corpus \(files): \(report.summary)")
            log.record(report.fields, text: ["corpus": split.rawValue, "files": files.description], kind: "corpus")
        }
        return corpus
    }

    /// The weighted sampling of the config's `corpora` (nil without the list: one corpus
    /// is batched as it always was), logged with each corpus' weight, share and pairs.
    /// - Throws: `CorpusError.noUsablePair` for a corpus whose every pair is too long.
    func corpusMix(ranges: [Range<Int>], batcher: Batcher) throws -> CorpusMix? {
        guard let corpora = config.corpora else { return nil }
        let members = ranges.map { range in batcher.usable.filter(range.contains) }
        let total = corpora.reduce(0) { $0 + $1.weight }
        var parts: [String] = []
        for (corpus, pairs) in zip(corpora, members) {
            guard !pairs.isEmpty else {
                throw CorpusError.noUsablePair(corpus: "\(corpus.name) (\(corpus.files))", maxPositions: config.maxPositions,
                                               maxTokens: config.maxTokens)
            }
            var text = ["corpus": corpus.name, "files": corpus.files.description]
            text["target_language"] = corpus.tag?.language
            log.record(["weight": corpus.weight, "share": corpus.weight / total, "pairs": Double(pairs.count)], text: text,
                       kind: "corpus_weight")
            parts.append(String(format: "%@ (weight %g, %.1f %%, %d pairs%@)", corpus.name, corpus.weight, 100 * corpus.weight / total,
                                pairs.count, corpus.tag.map { ", \($0)" } ?? ""))
        }
        log.message("corpora: " + parts.joined(separator: "; "))
        return CorpusMix(weights: corpora.map(\.weight), members: members, seed: UInt64(config.seed))
    }

    // MARK: The run

    /// Trains until a budget is reached or patience runs out, validating every
    /// `validate_interval_updates` updates and at the end; every validation writes a
    /// checkpoint (`last`, and `best` when it is the best so far).
    public func run() throws -> TrainingSummary {
        Threads.set(config.threads)
        let precision = try segmentPrecision()
        logSegmentStart(precision)
        let clock = RunClock()
        let tokenizer = try tokenizer()
        // Rank 0 encodes first (and caches); the others then find the cache (on one machine).
        let (train, valid) = try group.rootFirst("barrier after encoding the corpus") {
            (try trainingCorpus(tokenizer), try validationCorpus(tokenizer))
        }
        let batcher = Batcher(corpus: train.corpus, maxTokens: config.maxTokens, maxPositions: config.maxPositions,
                              seed: UInt64(config.seed))
        if batcher.skipped > 0 {
            log.warning("skipping \(batcher.skipped) training pairs longer than max_positions \(config.maxPositions) or max_tokens \(config.maxTokens)",
                        fields: ["skipped_pairs": Double(batcher.skipped)])
        }
        let mix = try corpusMix(ranges: train.ranges, batcher: batcher)
        let session = try startOrResume(tokenizer: tokenizer, trainingPairs: train.corpus.count,
                                        precision: precision.precision, clock: clock)
        if group.isDistributed {
            log.message("data-parallel: \(communicator.description); each update takes update_freq \(config.updateFreq) × \(group.ranks) ranks = \(group.batchesPerUpdate) batches")
        }
        // A resumed run whose patience ran out (at the validation that ended it) or whose
        // budget is spent ends here: another update would change the finished run's weights.
        // Every rank holds the same progress; rank 0's clock decides for every rank.
        if StopReason.patienceRanOut(config, progress: session.progress) {
            log.warning("nothing to train: patience \(config.patience) already ran out at update \(session.progress.update) (\(session.progress.validationsWithoutImprovement) validations without a better result; a larger --patience continues the run)",
                        fields: ["update": Double(session.progress.update)])
            return finish(session, stopReason: .patience, lastValidLoss: nil, clock: clock)
        }
        let spent = try group.decide("budget at start") {
            StopDecision(budget: StopReason.budgetReached(config, updates: session.progress.update, elapsedSeconds: clock.elapsed()))
        }.budget
        if let spent {
            log.warning("nothing to train: \(spent.name) already reached at update \(session.progress.update)",
                        fields: ["update": Double(session.progress.update)])
            return finish(session, stopReason: spent, lastValidLoss: nil, clock: clock)
        }
        let validBatcher = Batcher(corpus: valid, maxTokens: config.maxTokens, maxPositions: config.maxPositions, seed: 0)
        let loop = TrainingLoop(.init(config: config, session: session, tokenizer: tokenizer.tokenizer, batcher: batcher,
                                      mix: mix, validBatcher: validBatcher, precision: precision.precision, bleuValidator: bleuValidator,
                                      inspectGradients: inspectGradients),
                                group: group, log: log, clock: clock)
        let stopReason = try loop.run()
        log.message("done: \(stopReason.name) after \(session.progress.update) updates (\(TrainingLog.duration(clock.elapsed())))")
        return finish(session, stopReason: stopReason, lastValidLoss: loop.lastValidLoss, clock: clock)
    }

    /// The segment's first log line and train.jsonl record: the machine and the precision.
    private func logSegmentStart(_ precision: RunPrecision) {
        log.message("\(RuntimeReport.line); \(config.threads) thread\(config.threads == 1 ? "" : "s"); precision \(precision.summary)")
        var text = ["precision": precision.precision.rawValue, "precision_reason": precision.reason,
                    "cpu": CPUFeatures.current.modelName, "cpu_family_model": CPUFeatures.current.familyAndModel,
                    "kernels": VectorISA.active.rawValue, "openblas": OpenBLAS.library.summary]
        text["init_from"] = config.initFrom
        if precision.precision == .bf16 { text["bf16_products"] = BF16Engine.summary }
        log.record(["threads": Double(config.threads)], text: text, kind: "segment")
        if let warning = precision.warning { log.warning(warning) }
    }

    /// Every segment ends with its stop reason, so a study can tell a run that ran out of
    /// patience from one that reached its budget.
    private func finish(_ session: TrainingSession, stopReason: StopReason, lastValidLoss: Double?, clock: RunClock) -> TrainingSummary {
        log.record(["update": Double(session.progress.update), "elapsed": clock.elapsed()],
                   text: ["stop_reason": stopReason.name], kind: "done")
        return TrainingSummary(updates: session.progress.update, epochs: session.progress.epoch,
                               bestBLEU: session.progress.bestBLEU, lastValidLoss: lastValidLoss, stopReason: stopReason)
    }

    /// Rank 0's choice of this segment's precision (`RunPrecision`), which every rank
    /// follows; a rank whose CPU cannot follow a bf16 choice stops with the reason.
    private func segmentPrecision() throws -> RunPrecision {
        let chosen = try group.decide("precision of this run segment") {
            let last = checkpoints.resolve(.last)
            let previous = try last.map(Checkpoint.storedPrecision(in:))
            let resuming = last != nil
            return try RunPrecision.choose(request: config.precision, previous: previous, resuming: resuming, features: .current)
        }
        if chosen.precision == .bf16 && !CPUFeatures.current.multipliesBF16Natively {
            throw PrecisionUnavailable(missing: CPUFeatures.current.missingBF16Features)
        }
        return chosen
    }

    /// A fresh model (initialized, or the init_from checkpoint's weights), or the model,
    /// optimizer and progress of the run's `last` checkpoint.
    private func startOrResume(tokenizer: RunTokenizer, trainingPairs: Int, precision: ProductPrecision,
                               clock: RunClock) throws -> TrainingSession {
        let pad = SpecialIDs.pad, eos = SpecialIDs.eos
        let modelConfig = try fineTuning?.modelConfig(config)
            ?? config.modelConfig(vocabularySize: tokenizer.tokenizer.vocabularySize, padID: pad, eosID: eos)
        // config.json records the precision this segment uses, not auto.
        var training = config
        training.precision = PrecisionRequest(rawValue: precision.rawValue)
        let checkpointConfig = RunCheckpointConfig(
            model: modelConfig, training: training,
            specialIDs: fineTuning?.specialIDs ?? ["pad": pad, "unk": SpecialIDs.unk, "bos": SpecialIDs.bos, "eos": eos],
            tokenizer: tokenizer.section)
        let hyper = AdamW.Hyperparameters(beta1: config.adamBeta1, beta2: config.adamBeta2, eps: config.adamEps,
                                          weightDecay: config.weightDecay)
        let retention = CheckpointRetention(updates: config.keepIntervalUpdates, updatePattern: config.keepIntervalUpdatesPattern,
                                            epochs: config.keepLastEpochs)
        func session(_ model: TransformerModel, _ optimizer: AdamW, _ progress: TrainingProgress) -> TrainingSession {
            TrainingSession(model: model, optimizer: optimizer, progress: progress, config: checkpointConfig,
                            tokenizerFiles: tokenizer.files, run: checkpoints, retention: retention, clock: clock)
        }
        let started: TrainingSession
        if !group.isRoot {
            // Same shapes as rank 0's; the state itself comes from rank 0.
            let model = try TransformerModel(config: modelConfig)
            started = session(model, AdamW(table: model.table, hyperparameters: hyper), TrainingProgress())
        } else if let last = checkpoints.resolve(.last) {
            let loaded = try ModelCheckpoint(directory: last)
            let optimizer = AdamW(table: loaded.model.table, hyperparameters: hyper)
            var progress = try loaded.restore(into: optimizer, moments: !resetOptimizer)
            if resetLRScheduler { progress.scheduleStart = progress.update }
            started = session(loaded.model, optimizer, progress)
            started.lastCheckpointName = checkpoints.target(of: .last)
            log.message("resuming from \(loaded.directory.lastPathComponent): update \(progress.update), epoch \(progress.epoch)")
            logResets(update: progress.update)
        } else {
            let model = try TransformerModel(config: modelConfig)
            if let fineTuning {
                try copyWeights(from: fineTuning.source, into: model)
                log.message("fine-tuning \(fineTuning.source.path): \(model.parameterCount) parameters, vocabulary "
                            + "\(tokenizer.tokenizer.vocabularySize), \(trainingPairs) training pairs")
            } else {
                model.initializeParameters(seed: UInt64(config.seed))
                log.message("model \(config.arch): \(model.parameterCount) parameters, vocabulary \(tokenizer.tokenizer.vocabularySize), \(trainingPairs) training pairs")
            }
            started = session(model, AdamW(table: model.table, hyperparameters: hyper), TrainingProgress())
        }
        if group.isRoot { checkpoints.prune(retention) }
        try group.synchronize(started)
        clock.resume(from: started.progress)
        return started
    }

    /// The weights of checkpoint `directory` (`ModelCheckpoint`, which checks its files),
    /// into `model` of the same architecture (only dropouts may differ).
    private func copyWeights(from directory: URL, into model: TransformerModel) throws {
        let initial = try ModelCheckpoint(directory: directory)
        precondition(initial.model.table.entries.map(\.name) == model.table.entries.map(\.name)
                     && initial.model.table.count == model.table.count,
                     "init_from: the model built from \(directory.path)'s config differs from the checkpoint's")
        model.parameters.base.update(from: initial.model.parameters.base, count: model.table.count)
    }

    /// What --reset-optimizer and --reset-lr-scheduler reset, on standard error and in the log.
    private func logResets(update: Int) {
        let reset = [resetOptimizer ? "optimizer" : nil, resetLRScheduler ? "lr_scheduler" : nil].compactMap { $0 }
        guard !reset.isEmpty else { return }
        log.message("reset at update \(update): " + reset.joined(separator: ", "))
        log.record(["update": Double(update)], text: ["reset": reset.joined(separator: ",")], kind: "reset")
    }

    /// Rank 0's budget, which every rank follows.
    private struct StopDecision: Codable {
        var budget: StopReason?
    }
}
