import Foundation
import TestSupport

/// A tiny model trained by `nmt train` for two updates (its outputs are not good
/// translations, but they are the model's), and the corpus lines the tests translate.
enum ServedModel {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let corpus = repository.appendingPathComponent("corpora/tiny-es-en")
    static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-serving-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static let checkpoint: URL = {
        let run = scratch.appendingPathComponent("run")
        let result = try! runProcess(builtProduct("nmt"), [
            "train", "--config", repository.appendingPathComponent("configs/tiny.yaml").path, "--output", run.path,
            "--train-src", corpus.appendingPathComponent("train.es").path, "--train-tgt", corpus.appendingPathComponent("train.en").path,
            "--valid-src", corpus.appendingPathComponent("valid.es").path, "--valid-tgt", corpus.appendingPathComponent("valid.en").path,
            "--max-update", "2", "--max-epoch", "0", "--stop-time-hours", "0", "--max-tokens", "256", "--threads", "1", "--quiet",
        ])
        precondition(result.status == 0, "nmt train failed: \(result.error)")
        return run.appendingPathComponent("checkpoints/last").resolvingSymlinksInPath()
    }()

    /// Source lines of the tiny corpus's test set.
    static func sources(_ count: Int) -> [String] {
        let text = try! String(contentsOf: corpus.appendingPathComponent("test.es"), encoding: .utf8)
        return Array(text.split(separator: "\n", omittingEmptySubsequences: false).prefix(count).map(String.init))
    }

    /// Search flags that make even this model write a few tokens per line.
    static let searchFlags = ["--min-len", "3", "--max-len-a", "0", "--max-len-b", "6"]

    /// `nmt translate` of `lines` into a file (its non-streaming path).
    static func translated(_ lines: [String], _ extraFlags: [String], model: URL = checkpoint,
                           flags: [String] = searchFlags) throws -> String {
        let input = scratch.appendingPathComponent("input-\(UUID().uuidString)")
        let output = scratch.appendingPathComponent("output-\(UUID().uuidString)")
        try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        let result = try runProcess(builtProduct("nmt"), ["translate", "--model", model.path, "--input", input.path,
                                                          "--output", output.path, "--threads", "1"] + flags + extraFlags)
        precondition(result.status == 0, "nmt translate failed: \(result.error)")
        return try String(contentsOf: output, encoding: .utf8)
    }
}
