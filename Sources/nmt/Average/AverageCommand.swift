import ArgumentParser
import Checkpoints
import Foundation

/// `nmt average`: checkpoint averaging, as fairseq's scripts/average_checkpoints.py.
struct AverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "average",
        abstract: "Average the weights of several checkpoints into a new checkpoint.",
        discussion: """
            Either name the checkpoint directories, or give a run with --run and how many of its \
            last update checkpoints to average with --num-update-checkpoints (fairseq's name). The \
            result is a checkpoint directory (model.safetensors, config.json and the SentencePiece \
            model of the first checkpoint) for nmt translate and nmt score; checkpoints of different \
            models or tokenizers are refused.
            """
    )

    @Argument(help: "Checkpoint directories to average.")
    var checkpoints: [String] = []
    @Option(name: .customLong("run"), help: "A run directory whose last update checkpoints are averaged.")
    var runDirectory: String?
    @Option(help: "How many of --run's last update checkpoints to average.")
    var numUpdateCheckpoints: Int?
    @Option(name: .shortAndLong, help: "The new checkpoint directory (must not exist).")
    var output: String

    func validate() throws {
        switch (checkpoints.isEmpty, runDirectory, numUpdateCheckpoints) {
        case (false, nil, nil): break
        case (true, .some, .some(let n)) where n >= 1: break
        case (true, .some, .some): throw ValidationError("--num-update-checkpoints must be at least 1")
        default: throw ValidationError("give either checkpoint directories, or --run with --num-update-checkpoints")
        }
    }

    func run() throws {
        let directories: [URL]
        if let runDirectory, let count = numUpdateCheckpoints {
            directories = try RunCheckpoints(run: URL(fileURLWithPath: runDirectory)).lastUpdateCheckpoints(count: count)
        } else {
            directories = checkpoints.map { URL(fileURLWithPath: $0) }
        }
        let loaded = try directories.map { try ModelCheckpoint(directory: $0) }
        try CheckpointAverage.write(loaded, to: URL(fileURLWithPath: output))
        FileHandle.standardError.write(Data("averaged \(loaded.count) checkpoints (\(directories.map(\.lastPathComponent).joined(separator: ", "))) into \(output)\n".utf8))
    }
}
