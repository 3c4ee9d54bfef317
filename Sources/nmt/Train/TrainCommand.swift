import ArgumentParser
import Distributed
import Foundation
import Training

/// An error of one rank of a data-parallel job, prefixed with the rank.
struct RankError: Error, LocalizedError {
    let rank: Int
    let underlying: any Error

    var errorDescription: String? {
        let message = (underlying as? LocalizedError)?.errorDescription ?? "\(underlying)"
        return message.hasPrefix("rank ") ? message : "rank \(rank): \(message)"
    }
}

/// `nmt train`: trains a model from a YAML config, with any config key as a flag.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a Transformer translation model.",
        discussion: """
            Settings come from --config (YAML) and then from flags: every config key is also \
            a flag, with dashes (max_tokens: 4096 ⇔ --max-tokens 4096); a true/false key is also a \
            plain switch (--no-epoch-checkpoints), and fairseq's --share-all-embeddings, \
            --share-decoder-input-output-embed, --encoder-normalize-before and \
            --decoder-normalize-before (both, this model normalizes them alike) are accepted.

            Corpus files may be gzip-compressed (recognised by their first bytes, 1f 8b, \
            whatever their name). The cleaning keys (--filter-*) apply to the training pairs \
            only and are off by default; what they and --skip-invalid drop is counted in the \
            log and in train.jsonl ("kind": "corpus").

            Started by mpirun (mpirun -np N nmt train …), it trains data-parallel: each update \
            takes update_freq batches per rank, the gradients are all-reduced, and rank 0 writes \
            the log and checkpoints. Keys:
            \(TrainingConfig.keys.map { "  \($0.flag) — \($0.help) (\($0.allowed))" }.joined(separator: "\n"))
            """
    )

    @Option(help: "YAML config file (configs/*.yaml).")
    var config: String?

    @Option(help: "Run directory: checkpoints, logs, tokenizer.")
    var output: String

    @Flag(help: "Continue the run in --output from its last checkpoint.")
    var resume = false

    @Flag(help: "With --resume: fresh Adam moments (and Adam step); the update count, schedule and data position continue.")
    var resetOptimizer = false

    @Flag(help: "With --resume: restart the learning-rate schedule (warmup included) from this update.")
    var resetLrScheduler = false

    @Flag(help: "Replace a run that --output already holds.")
    var overwrite = false

    @Flag(help: "No progress line on standard error.")
    var quiet = false

    @Option(help: "Under mpirun: seconds a collective operation may wait for the other ranks before this rank stops with an error naming it (0: no limit).")
    var collectiveTimeout: Double = 900

    @Argument(parsing: .allUnrecognized, help: "Config keys as flags: --key value.")
    var overrides: [String] = []

    func validate() throws {
        if resume && overwrite { throw ValidationError("--resume and --overwrite exclude each other") }
        if (resetOptimizer || resetLrScheduler) && !resume {
            throw ValidationError("--reset-optimizer and --reset-lr-scheduler apply to --resume (a new run starts fresh anyway)")
        }
    }

    /// The config file's settings with the flags applied on top, and the keys either gave.
    func resolvedConfig() throws -> (config: TrainingConfig, given: Set<String>) {
        var settings = TrainingConfig(), given: Set<String> = []
        if let path = config { (settings, given) = try TrainingConfig.loadGivingKeys(yamlFile: path) }
        do {
            given.formUnion(try CommandLineSettings.apply(overrides, to: &settings))
        } catch let error as CommandLineError {
            throw ValidationError(error.description)
        }
        return (settings, given)
    }

    func run() throws {
        let (settings, given) = try resolvedConfig()
        let communicator = try Distributed.communicator(timeout: collectiveTimeout)
        do {
            let trainer = try Trainer(config: settings, output: URL(fileURLWithPath: output), resume: resume,
                                      overwrite: overwrite, showProgress: !quiet, communicator: communicator, givenKeys: given)
            trainer.resetOptimizer = resetOptimizer
            trainer.resetLRScheduler = resetLrScheduler
            trainer.bleuValidator = try ValidationBLEU.validator(config: settings)
            StopSignal.install()
            let summary = try trainer.run()
            try communicator.finish()
            if summary.stopReason.isSignal { throw ExitCode(StopSignal.exitStatus) }
        } catch let error as ExitCode {
            throw error
        } catch where communicator.size > 1 {
            // Which rank failed, for the job's log (mpirun then stops the other ranks).
            throw RankError(rank: communicator.rank, underlying: error)
        }
    }
}
