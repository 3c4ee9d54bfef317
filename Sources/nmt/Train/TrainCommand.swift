import ArgumentParser
import Foundation
import Training

/// `nmt train`: trains a model from a YAML config, with any config key as a flag.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a Transformer translation model.",
        discussion: """
            Settings come from --config (YAML) and then from flags: every config key is also \
            a flag, with dashes (max_tokens: 4096 ⇔ --max-tokens 4096). Keys:
            \(TrainingConfig.keys.map { "  \($0.flag) — \($0.help) (\($0.allowed))" }.joined(separator: "\n"))
            """
    )

    @Option(help: "YAML config file (configs/*.yaml).")
    var config: String?

    @Option(help: "Run directory: checkpoints, logs, tokenizer.")
    var output: String

    @Flag(help: "Continue the run in --output from its last checkpoint.")
    var resume = false

    @Flag(help: "Replace a run that --output already holds.")
    var overwrite = false

    @Flag(help: "No progress line on standard error.")
    var quiet = false

    @Argument(parsing: .allUnrecognized, help: "Config keys as flags: --key value.")
    var overrides: [String] = []

    func validate() throws {
        if resume && overwrite { throw ValidationError("--resume and --overwrite exclude each other") }
    }

    /// The config file's settings with the flags applied on top.
    func resolvedConfig() throws -> TrainingConfig {
        var settings = TrainingConfig()
        if let path = config { settings = try TrainingConfig.load(yamlFile: path) }
        var i = 0
        while i < overrides.count {
            let flag = overrides[i]
            guard flag.hasPrefix("--") else { throw ValidationError("unexpected argument '\(flag)'") }
            var name = String(flag.dropFirst(2)), value: String
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...]); name = String(name[..<eq]); i += 1
            } else {
                guard i + 1 < overrides.count else { throw ValidationError("\(flag) needs a value") }
                value = overrides[i + 1]; i += 2
            }
            try settings.set(name, to: value, source: "command line")
        }
        return settings
    }

    func run() throws {
        let settings = try resolvedConfig()
        let trainer = try Trainer(config: settings, output: URL(fileURLWithPath: output), resume: resume,
                                  overwrite: overwrite, showProgress: !quiet)
        trainer.bleuValidator = try ValidationBLEU.validator(config: settings)
        StopSignal.install()
        let summary = try trainer.run()
        if summary.stopReason.isSignal { throw ExitCode(StopSignal.exitStatus) }
    }
}
