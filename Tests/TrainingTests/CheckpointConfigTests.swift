import Checkpoints
import Foundation
import Testing
import TestSupport
import Training
import Transformer

/// config.json's one schema: written by training, read back whole by training and in part
/// (`TrainingSection`) by everything else; a newer format is refused by name.
@Suite(.timeLimit(.minutes(10))) struct CheckpointConfigTests {
    static func runConfig() throws -> RunCheckpointConfig {
        var training = TrainingConfig()
        training.trainSrc = "corpora/x/train.es"
        training.trainTgt = "corpora/x/train.en"
        training.precision = .bf16
        return RunCheckpointConfig(model: Fixture.config(preNorm: true, sharing: .all), training: training,
                                   specialIDs: ["pad": 0, "unk": 1, "bos": 2, "eos": 3])
    }

    @Test func trainingWritesWhatBothReadersRead() throws {
        let written = try Self.runConfig()
        let data = try written.encoded()
        #expect(try RunCheckpointConfig.decode(data, source: "c.json") == written)
        let section = try CheckpointConfig<TrainingSection>.decode(data, source: "c.json")
        #expect(section.format == 1 && section.model == written.model && section.specialIDs == written.specialIDs)
        #expect(section.training.languages.source == "es" && section.training.languages.target == "en")
        #expect(try section.training.productPrecision(source: "c.json") == .bf16)
        #expect(try written.encoded() == data, "the same config encodes to the same bytes")
    }

    @Test func aNewerFormatIsRefusedByName() throws {
        var object = try JSONSerialization.jsonObject(with: try Self.runConfig().encoded()) as! [String: Any]
        object["format"] = 3
        object["model"] = ["renamed": true]
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: CheckpointError.newerFormat(file: "run/config.json", found: 3, newest: 2)) {
            try CheckpointConfig<TrainingSection>.decode(data, source: "run/config.json")
        }
        let message = CheckpointError.newerFormat(file: "run/config.json", found: 3, newest: 2).localizedDescription
        #expect(message == "run/config.json has checkpoint format 3, newer than this nmt reads (formats 1 to 2); use a newer nmt")
    }

    @Test func aConfigWithoutFormatOrWithABadModelIsCorruptNamingTheFile() throws {
        var object = try JSONSerialization.jsonObject(with: try Self.runConfig().encoded()) as! [String: Any]
        object.removeValue(forKey: "format")
        let error = #expect(throws: CheckpointError.self) {
            try CheckpointConfig<TrainingSection>.decode(try JSONSerialization.data(withJSONObject: object), source: "a/config.json")
        }
        #expect(error?.localizedDescription.hasPrefix("checkpoint file a/config.json is corrupt") == true && error?.localizedDescription.contains("format") == true,
                "\(String(describing: error))")
        var config = try Self.runConfig()
        config.model.heads = 3
        let bad = #expect(throws: CheckpointError.self) {
            try CheckpointConfig<TrainingSection>.decode(try config.encoded(), source: "b/config.json")
        }
        #expect(bad?.localizedDescription.contains("b/config.json") == true && bad?.localizedDescription.contains("heads") == true,
                "\(String(describing: bad))")
    }

    /// An unknown precision is an error naming the file and the allowed values; a
    /// checkpoint from before precision was recorded trained in fp32.
    @Test func storedPrecision() throws {
        #expect(try TrainingSection().productPrecision(source: "x") == .fp32)
        let error = #expect(throws: CheckpointError.self) { try TrainingSection(precision: "fp16").productPrecision(source: "d/config.json") }
        #expect(error?.localizedDescription.contains("'fp16' is not one of fp32, bf16") == true)
    }

    /// A checkpoint rewritten under its own name is replaced whole; a new one beside an
    /// existing directory of the same name is refused unless replacing.
    @Test func writerReplacesOnlyWhenAsked() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-writer-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let config = try Self.runConfig()
        let model = try Fixture.model(config.model)
        let url = root.appendingPathComponent("update-00000001")
        try CheckpointWriter.write(to: url, model: model, config: config, tokenizer: Data("first".utf8))
        #expect(throws: (any Error).self) {
            try CheckpointWriter.write(to: url, model: model, config: config, tokenizer: Data("second".utf8))
        }
        try CheckpointWriter.write(to: url, replacing: true, model: model, config: config, tokenizer: Data("second".utf8)) { directory in
            try Data("extra".utf8).write(to: directory.appendingPathComponent("extra"))
        }
        #expect(try Data(contentsOf: url.appendingPathComponent(CheckpointFiles.tokenizer)) == Data("second".utf8))
        #expect(FileManager.default.fileExists(atPath: url.appendingPathComponent("extra").path))
        #expect(try RunCheckpointConfig.read(from: url) == config)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["update-00000001"], "no temporary or old directory is left")
    }
}
