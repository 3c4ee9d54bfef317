import Foundation
import Testing
import TestSupport
@testable import Tokenizer

/// Paths and trained models shared by the tests.
enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The hand-written multilingual sample (corpora/tokenizer-sample/sample.txt).
    static let sample = repository.appendingPathComponent("corpora/tokenizer-sample/sample.txt").path

    /// The sample's lines, split on "\n" only (as spm_encode reads them).
    static func sampleLines() throws -> [String] {
        try lines(of: Data(contentsOf: URL(fileURLWithPath: sample)))
    }

    static func lines(of data: Data) -> [String] {
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The options the reference tests train with: a small vocabulary for the small sample.
    static func options(_ type: TrainingOptions.ModelType) -> TrainingOptions {
        var options = TrainingOptions()
        options.modelType = type
        options.vocabularySize = 800
        return options
    }

    /// A new empty directory under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("TokenizerTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Trains a model of `type` on the sample and writes it into a new directory.
    static func trainedModel(_ type: TrainingOptions.ModelType) throws
        -> (model: SentencePieceModel, path: String)
    {
        let path = try temporaryDirectory().appendingPathComponent("\(type).model").path
        let model = try SentencePieceModel.train(
            inputs: [sample], options: options(type), writingTo: path)
        return (model, path)
    }
}

/// The result of running a program to completion.
/// Runs `executable` (a path, or a name looked up in PATH) with standard input read from
/// `inputPath` (or empty).
func run(_ executable: String, _ arguments: [String], inputPath: String? = nil) throws -> ProcessResult {
    try runProcess(URL(fileURLWithPath: try resolve(executable)), arguments,
                   standardInput: try inputPath.map { try Data(contentsOf: URL(fileURLWithPath: $0)) })
}

/// The path of `executable`, searched in PATH when it has no slash.
func resolve(_ executable: String) throws -> String {
    if executable.contains("/") { return executable }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(executable)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw MissingTool(name: executable)
}

struct MissingTool: Error, CustomStringConvertible {
    var name: String
    var description: String {
        "\(name) is not installed (Debian package sentencepiece: bash scripts/install-system-packages.sh)"
    }
}

/// The `nmt` executable built next to this test bundle.
func nmtExecutable() -> String {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("nmt").path
}
