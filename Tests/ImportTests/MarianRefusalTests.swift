import Checkpoints
import Foundation
import Testing
import TestSupport
import Tokenizer
import Transformer
@testable import Import

/// What `nmt import` refuses, one case each, every error naming the file and what is wrong;
/// nothing is written.
@Suite(.timeLimit(.minutes(10))) struct MarianRefusalTests {
    let fixture = MarianFixture.all[0]

    /// Imports `directory`, expecting `expected`; the output must not appear.
    func expectRefusal(_ directory: URL, _ expected: ImportError, sourceLocation: SourceLocation = #_sourceLocation) {
        let output = temporaryDirectory().appendingPathComponent("out")
        #expect(throws: expected, sourceLocation: sourceLocation) { try MarianImport.write(directory, to: output) }
        #expect(!FileManager.default.fileExists(atPath: output.path), sourceLocation: sourceLocation)
    }

    @Test func missingFilesAreNamed() throws {
        let copy = try fixture.copy()
        try FileManager.default.removeItem(at: copy.appendingPathComponent("source.spm"))
        try FileManager.default.removeItem(at: copy.appendingPathComponent("model.safetensors"))
        expectRefusal(copy, .missingFiles(directory: copy.path, names: ["source.spm", "model.safetensors"]))
        #expect(ImportError.missingFiles(directory: "d", names: ["source.spm"]).localizedDescription
                == "d is not a Hugging Face MarianMT directory: it lacks source.spm")
    }

    @Test func pickleWeightsAreRefusedWithTheConversion() throws {
        let copy = try fixture.copy()
        try FileManager.default.moveItem(at: copy.appendingPathComponent("model.safetensors"),
                                         to: copy.appendingPathComponent("pytorch_model.bin"))
        let file = copy.appendingPathComponent("pytorch_model.bin").path
        expectRefusal(copy, .pickleWeights(file: file))
        let message = ImportError.pickleWeights(file: file).localizedDescription
        #expect(message.hasSuffix("M.from_pretrained('\(copy.path)').save_pretrained('\(copy.path)', safe_serialization=True)\"")
                && message.hasPrefix(file))
    }

    static let unsupported: [(key: String, json: String, value: String)] = [
        ("activation_function", "\"gelu_new\"", "\"gelu_new\""),
        ("normalize_before", "true", "true"),
        ("normalize_embedding", "true", "true"),
        ("static_position_embeddings", "false", "false"),
        ("share_encoder_decoder_embeddings", "false", "false"),
        ("decoder_ffn_dim", "64", "64"),
        ("d_model", "\"16\"", "\"16\""),
    ]

    @Test(arguments: unsupported)
    func unsupportedConfigValuesNameTheKeyAndValue(_ entry: (key: String, json: String, value: String)) throws {
        let copy = try fixture.copy()
        let url = copy.appendingPathComponent("config.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        object[entry.key] = try JSONSerialization.jsonObject(with: Data(entry.json.utf8), options: .fragmentsAllowed)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        let output = temporaryDirectory().appendingPathComponent("out")
        do {
            try MarianImport.write(copy, to: output)
            Issue.record("\(entry.key) = \(entry.json) was imported")
        } catch let ImportError.unsupportedConfig(file, key, value, _) {
            #expect(file == url.path && key == entry.key && value == entry.value)
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func aTensorOfTheWrongShapeIsNamed() throws {
        let copy = try fixture.copy()
        let url = copy.appendingPathComponent("model.safetensors")
        let file = try SafeTensorsFile.read(from: url)
        var broken = SafeTensorsFile(metadata: file.metadata)
        for name in file.names {
            let (shape, values) = try file.tensor(named: name)
            if name == "model.decoder.layers.1.fc1.weight" {
                broken.add(name, shape: [shape[0] - 1, shape[1]], values: values.dropLast(shape[1]))
            } else {
                broken.add(name, shape: shape, values: values)
            }
        }
        try broken.write(to: url)
        expectRefusal(copy, .tensor(file: url.path, name: "model.decoder.layers.1.fc1.weight",
                                    reason: "shape [31, 16], but config.json describes [32, 16]"))
    }

    @Test func aVocabularyThatDisagreesWithTheSentencePieceModelsIsRefused() throws {
        let copy = try fixture.copy()
        let url = copy.appendingPathComponent("vocab.json")
        let vocabulary = try JSONDecoder().decode([String: Int].self, from: Data(contentsOf: url))
        // Another model's pieces under the same ids.
        let renamed = Dictionary(uniqueKeysWithValues: vocabulary.map { piece, id in
            (piece.hasPrefix("<") ? piece : "x" + piece, id)
        })
        try JSONEncoder().encode(renamed).write(to: url)
        let output = temporaryDirectory().appendingPathComponent("out")
        do {
            try MarianImport.write(copy, to: output)
            Issue.record("a vocab.json of other pieces was imported")
        } catch let ImportError.vocabulary(file, reason) {
            #expect(file == url.path && reason.contains("pieces of \(copy.appendingPathComponent("source.spm").path)"))
        }
    }

    @Test func aVocabularySizeThatDisagreesWithTheModelIsRefused() throws {
        let copy = try fixture.copy()
        let url = copy.appendingPathComponent("config.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        object["vocab_size"] = 41
        object["decoder_vocab_size"] = 41
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        expectRefusal(copy, .vocabulary(file: copy.appendingPathComponent("vocab.json").path,
                                        reason: "it has 40 pieces, but config.json's vocab_size and the embedding have 41"))
    }

    @Test func malformedVocabulariesAreNamed() throws {
        let cases: [(String, String)] = [
            ("[1, 2]", "expected a JSON object of pieces to ids"),
            ("{\"</s>\": 0, \"<unk>\": 2}", "piece '<unk>' has id 2, outside 0..<2"),
            ("{\"</s>\": 0, \"<unk>\": 0}", "share id 0"),
        ]
        for (json, reason) in cases {
            #expect(throws: (any Error).self) { try MarianVocabulary(json: Data(json.utf8), source: "v.json") }
            do { _ = try MarianVocabulary(json: Data(json.utf8), source: "v.json") } catch {
                #expect(error.localizedDescription.contains(reason), "\(json): \(error.localizedDescription)")
            }
        }
    }

    @Test func anExistingOutputIsRefused() throws {
        let output = temporaryDirectory()
        #expect(throws: CheckpointError.outputExists(output.path)) { try MarianImport.write(fixture.directory, to: output) }
    }
}
