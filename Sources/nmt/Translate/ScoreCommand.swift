import ArgumentParser
import Checkpoints
import FileIO
import Foundation
import Tensor
import Translation

/// `nmt score`: log-probabilities of given translations by forced decoding.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score translations: per-sentence log-probability by forced decoding.",
        discussion: """
            Writes one line per sentence pair: the summed log-probability of the target tokens and eos, a tab, and its per-token average (natural log).

            With --calibration, also writes the model's token-level calibration on these targets as JSON: at every scored position the most probable token is the prediction and its probability the confidence; the file holds the positions, the mean NLL, the accuracy, the top-5 accuracy (the target among the 5 most probable tokens), the mean confidence, the mean entropy (nats), the expected calibration error over equal-width confidence bins, and each bin's accuracy and confidence.
            """
    )

    @Option(help: "Checkpoint directory.")
    var model: String
    @Option(help: "Source text file (plain or gzip-compressed).")
    var src: String
    @Option(help: "Target text file, line-aligned with --src (plain or gzip-compressed).")
    var tgt: String
    @Option(name: .shortAndLong, help: "Write the scores here (default: standard output).")
    var output: String?
    @Option(help: "Sentence pairs scored together.")
    var batchSize = 32
    @Option(help: "Threads for BLAS and the kernels.")
    var threads = 2
    @Option(help: ArgumentHelp("Also write token-level calibration (accuracy, top-5 accuracy, confidence, entropy, ECE) as JSON here.",
                               valueName: "json"))
    var calibration: String?
    @Option(help: "Equal-width confidence bins of the calibration.")
    var calibrationBins = 20
    @OptionGroup var arithmetic: DecodingPrecisionFlag

    func validate() throws {
        guard calibrationBins >= 1 else { throw ValidationError("--calibration-bins must be at least 1, not \(calibrationBins).") }
    }

    func run() throws {
        Threads.set(threads)
        let checkpoint = try ModelCheckpoint(directory: URL(fileURLWithPath: model))
        let (sourceLines, targetLines) = try TextFile.readAligned(src, tgt)
        let sources = try checkpoint.tokenizer.encode(sourceLines, threads: threads)
        let targets = try checkpoint.tokenizer.encodeTargets(targetLines, threads: threads)
        let int8 = arithmetic.precision == .int8 ? checkpoint.model.makeInt8Weights() : nil
        FileHandle.standardError.write(Data("nmt score: \(arithmetic.summary)\n".utf8))
        var text = ""
        var calibrated = TokenCalibration(binCount: calibrationBins)
        for start in stride(from: 0, to: sources.count, by: max(batchSize, 1)) {
            let end = min(start + max(batchSize, 1), sources.count)
            let batchSources = Array(sources[start..<end]), batchTargets = Array(targets[start..<end])
            // Calibration reads every vocabulary entry of every position: only when asked.
            let scores = calibration == nil
                ? try ForcedDecoding.score(sources: batchSources, targets: batchTargets, model: checkpoint.model, int8: int8)
                : try ForcedDecoding.score(sources: batchSources, targets: batchTargets, model: checkpoint.model, int8: int8,
                                           calibration: &calibrated)
            for s in scores { text += "\(s.sum)\t\(s.average)\n" }
        }
        try TextFile.write(text, to: output)
        if let calibration { try TextFile.write(calibrated.json(), to: calibration) }
    }
}
