import Foundation
import Testing
import TestSupport
@testable import Training

@Suite(.timeLimit(.minutes(10))) struct TrainingConfigTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: ["tiny", "small", "iwslt", "base"])
    func presetsLoadAndBuildTheirArchitecture(name: String) throws {
        let config = try TrainingConfig.load(yamlFile: Self.repository.appendingPathComponent("configs/\(name).yaml").path)
        #expect(config.arch == name)
        #expect(config.criterion == .labo)
        let model = try config.modelConfig(vocabularySize: 8000, padID: 0, eosID: 3)
        #expect(model.problems().isEmpty)
    }

    @Test func flagsOverrideAndValuesAreChecked() throws {
        var config = TrainingConfig()
        try config.set("max-tokens", to: "2048", source: "test")
        try config.set("criterion", to: "label_smoothed_cross_entropy", source: "test")
        #expect(config.maxTokens == 2048 && config.criterion == .labelSmoothedCrossEntropy)
        #expect(throws: ConfigError.invalidValue(key: "max_tokens", value: "0", allowed: "an integer in 16...10000000")) {
            try config.set("max_tokens", to: "0", source: "test")
        }
        #expect(throws: ConfigError.unknownKey("max_tokenz", source: "test")) { try config.set("max_tokenz", to: "1", source: "test") }
        #expect(throws: ConfigError.invalidValue(key: "arch", value: "huge", allowed: "one of tiny, small, iwslt, base")) {
            try config.set("arch", to: "huge", source: "test")
        }
    }

    /// Keys as flags (`--key value`, `--key=value`), true/false keys as plain switches and
    /// fairseq's model switches; the malformed command lines are errors saying what is wrong.
    @Test func commandLineSwitchesAndFairseqNames() throws {
        var config = TrainingConfig()
        try CommandLineSettings.apply(["--no-epoch-checkpoints", "--max-tokens", "1024", "--normalize-before",
                                       "--share-all-embeddings", "--lr=0.002"], to: &config)
        #expect(config.noEpochCheckpoints && config.maxTokens == 1024 && config.normalizeBefore == true)
        #expect(config.shareEmbeddings == .all && config.lr == 0.002)
        try CommandLineSettings.apply(["--no-epoch-checkpoints", "false", "--share-decoder-input-output-embed",
                                       "--encoder-normalize-before", "--decoder-normalize-before"], to: &config)
        #expect(!config.noEpochCheckpoints && config.shareEmbeddings == .decoderInputOutput)
        #expect(throws: CommandLineError.unsupportedSwitch(
            "--encoder-normalize-before alone: this model normalizes the encoder and the decoder alike; give --decoder-normalize-before too (or --normalize-before)")) {
            try CommandLineSettings.apply(["--encoder-normalize-before"], to: &config)
        }
        #expect(throws: CommandLineError.missingValue("--max-tokens")) { try CommandLineSettings.apply(["--max-tokens"], to: &config) }
        #expect(throws: CommandLineError.unexpectedArgument("4096")) { try CommandLineSettings.apply(["4096"], to: &config) }
        #expect(throws: ConfigError.unknownKey("share-everything", source: "command line")) {
            try CommandLineSettings.apply(["--share-everything", "yes"], to: &config)
        }
    }

    @Test func unknownKeyInAFileNamesTheFileAndKey() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(getpid()).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "model:\n  arch: tiny\n  dropuot: 0.3\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.unknownKey("dropuot", source: file.path)) { try TrainingConfig.load(yamlFile: file.path) }
    }

    @Test func scheduleFollowsFairseqInverseSqrt() {
        let s = InverseSquareRootSchedule(lr: 5e-4, warmupUpdates: 4000, warmupInitLR: 1e-7)
        #expect(s.rate(afterUpdates: 0) == 1e-7)
        #expect(abs(s.rate(afterUpdates: 2000) - (1e-7 + 2000 * (5e-4 - 1e-7) / 4000)) < 1e-10)
        #expect(abs(s.rate(afterUpdates: 4000) - 5e-4) < 1e-9)
        #expect(abs(s.rate(afterUpdates: 16000) - 2.5e-4) < 1e-9)
    }
}
