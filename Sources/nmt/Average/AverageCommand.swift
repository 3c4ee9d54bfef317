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
            last update checkpoints to average with --num-update-checkpoints (fairseq's name). \
            --checkpoint-upper-bound U (fairseq's) takes the last ones at or below update U, or \
            at or below the run's best checkpoint with `best`; --update-multiple-of N only those \
            at multiples of N updates, so that resume checkpoints written between validations are \
            left out. The 5 validation checkpoints ending at the best one:
              nmt average --run RUN --num-update-checkpoints 5 --checkpoint-upper-bound best \
                --update-multiple-of 500 -o RUN/avg5
            The result is a checkpoint directory (model.safetensors, config.json and the SentencePiece \
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
    @Option(help: ArgumentHelp("Only --run's update checkpoints at or below this update, or at or below its best checkpoint.", valueName: "update|best"))
    var checkpointUpperBound: UpperBound?
    @Option(help: ArgumentHelp("Only --run's update checkpoints at multiples of this many updates.", valueName: "n"))
    var updateMultipleOf: Int?
    @Option(name: .shortAndLong, help: "The new checkpoint directory (must not exist).")
    var output: String

    func validate() throws {
        switch (checkpoints.isEmpty, runDirectory, numUpdateCheckpoints) {
        case (false, nil, nil): break
        case (true, .some, .some(let n)) where n >= 1: break
        case (true, .some, .some): throw ValidationError("--num-update-checkpoints must be at least 1")
        default: throw ValidationError("give either checkpoint directories, or --run with --num-update-checkpoints")
        }
        if runDirectory == nil, checkpointUpperBound != nil || updateMultipleOf != nil {
            throw ValidationError("--checkpoint-upper-bound and --update-multiple-of choose among --run's checkpoints; give --run")
        }
        if let n = updateMultipleOf, n < 1 { throw ValidationError("--update-multiple-of must be at least 1, not \(n)") }
    }

    /// `--checkpoint-upper-bound`: an update, or the run's best checkpoint.
    enum UpperBound: ExpressibleByArgument, Equatable {
        case update(Int)
        case best

        init?(argument: String) {
            if argument == "best" { self = .best } else if let update = Int(argument), update >= 0 { self = .update(update) } else { return nil }
        }
    }

    /// The update the chosen checkpoints may not pass, if one was asked for.
    private func upperBound(of run: RunCheckpoints) throws -> Int? {
        switch checkpointUpperBound {
        case nil: return nil
        case .update(let update): return update
        case .best:
            guard let update = run.update(of: .best) else {
                throw ValidationError("--checkpoint-upper-bound best: \(run.path(of: .best).path) is missing or not an update checkpoint")
            }
            return update
        }
    }

    func run() throws {
        let directories: [URL]
        if let runDirectory, let count = numUpdateCheckpoints {
            let run = RunCheckpoints(run: URL(fileURLWithPath: runDirectory))
            directories = try run.lastUpdateCheckpoints(count: count, upperBound: upperBound(of: run), multipleOf: updateMultipleOf)
        } else {
            directories = checkpoints.map { URL(fileURLWithPath: $0) }
        }
        let loaded = try directories.map { try ModelCheckpoint(directory: $0) }
        try CheckpointAverage.write(loaded, to: URL(fileURLWithPath: output))
        FileHandle.standardError.write(Data("averaged \(loaded.count) checkpoint\(loaded.count == 1 ? "" : "s") (\(directories.map(\.lastPathComponent).joined(separator: ", "))) into \(output)\n".utf8))
    }
}
