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
        discussion: "Writes one line per sentence pair: the summed log-probability of the target tokens and eos, a tab, and its per-token average (natural log)."
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
    @OptionGroup var arithmetic: DecodingPrecisionFlag

    func run() throws {
        Threads.set(threads)
        let checkpoint = try ModelCheckpoint(directory: URL(fileURLWithPath: model))
        let (sourceLines, targetLines) = try TextFile.readAligned(src, tgt)
        let sources = try checkpoint.tokenizer.encode(sourceLines, threads: threads)
        let targets = try checkpoint.tokenizer.encodeTargets(targetLines, threads: threads)
        let int8 = arithmetic.precision == .int8 ? checkpoint.model.makeInt8Weights() : nil
        FileHandle.standardError.write(Data("nmt score: \(arithmetic.summary)\n".utf8))
        var text = ""
        for start in stride(from: 0, to: sources.count, by: max(batchSize, 1)) {
            let end = min(start + max(batchSize, 1), sources.count)
            let scores = try ForcedDecoding.score(sources: Array(sources[start..<end]), targets: Array(targets[start..<end]),
                                                  model: checkpoint.model, int8: int8)
            for s in scores { text += "\(s.sum)\t\(s.average)\n" }
        }
        try TextFile.write(text, to: output)
    }
}
