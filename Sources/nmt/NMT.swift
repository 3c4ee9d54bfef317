import ArgumentParser

/// The `nmt` command: one subcommand per job, each in its own file.
@main
struct NMT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nmt",
        abstract: "Train, run and evaluate Transformer translation models on CPUs.",
        version: "nmt \(Version.number)",
        subcommands: [TrainCommand.self, TranslateCommand.self, ScoreCommand.self, AverageCommand.self, ExportCommand.self, ServeCommand.self,
                      ImportCommand.self,
                      TokenizerCommand.self,
                      PlotCommand.self]
    )
}
