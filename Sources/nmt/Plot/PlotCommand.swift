import ArgumentParser
import FileIO
import Foundation
import Plotting
import Transformer

/// `nmt plot`: training curves of one or more runs as an SVG.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot training loss, validation loss and validation BLEU of runs as an SVG.",
        discussion: "Each LOG is a run's train.jsonl (or its run directory); the runs are overlaid, named by --name or by their directory."
    )

    @Argument(help: "train.jsonl files or run directories.")
    var logs: [String]

    @Option(name: .shortAndLong, help: "SVG file to write (atomically).")
    var output: String

    @Option(help: "Legend names, one per log, in order.")
    var name: [String] = []

    @Option(help: "Title of the plot.")
    var title = "Training curves"

    func validate() throws {
        guard !logs.isEmpty else { throw ValidationError("give at least one log") }
        guard name.isEmpty || name.count == logs.count else {
            throw ValidationError("--name given \(name.count) times for \(logs.count) logs")
        }
    }

    func run() throws {
        let runs = try logs.enumerated().map { i, path -> TrainingCurves in
            var isDirectory: ObjCBool = false
            let file = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
                ? (path as NSString).appendingPathComponent("train.jsonl") : path
            let label = name.isEmpty ? URL(fileURLWithPath: file).deletingLastPathComponent().lastPathComponent : name[i]
            return try TrainingCurves.read(file, name: label)
        }
        try AtomicFile.write(Data(CurvePlot.svg(runs, title: title).utf8), to: URL(fileURLWithPath: output))
    }
}
