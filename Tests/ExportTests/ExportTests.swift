import Checkpoints
@testable import Export
import Foundation
import Testing
import TestSupport
import Tensor
import Training
import Transformer

/// `nmt export` and the Export module: the model.bin layout read back, config and
/// vocabulary, int8 quantization, the Argos package, and the command line's refusals.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ExportTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-export-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// A tiny post-norm model with all embeddings shared, trained for two updates.
    static let trained: URL = {
        var config = try! TrainingConfig.load(yamlFile: repository.appendingPathComponent("configs/tiny.yaml").path)
        let corpus = repository.appendingPathComponent("corpora/tiny-es-en").path
        config.trainSrc = corpus + "/train.es"; config.trainTgt = corpus + "/train.en"
        config.validSrc = corpus + "/valid.es"; config.validTgt = corpus + "/valid.en"
        config.maxUpdate = 2
        config.validateIntervalUpdates = 100
        config.maxTokens = 256
        config.threads = 1
        let run = scratch.appendingPathComponent("run")
        _ = try! Trainer(config: config, output: run, resume: false, overwrite: false, showProgress: false).run()
        return run.appendingPathComponent("checkpoints/last").resolvingSymlinksInPath()
    }()

    /// A checkpoint directory holding a freshly initialised model of `config`, with the
    /// trained checkpoint's tokenizer: pre-norm, unshared and GELU layouts need no training.
    static func checkpoint(_ config: TransformerConfig, name: String) throws -> ModelCheckpoint {
        let base = try ModelCheckpoint(directory: trained)
        let directory = scratch.appendingPathComponent(name)
        let model = try TransformerModel(config: config)
        model.initializeParameters(seed: 7)
        try CheckpointWriter.write(to: directory, replacing: true, model: model,
                                   config: CheckpointConfig(model: config, training: base.config.training, specialIDs: base.specialIDs),
                                   tokenizer: base.tokenizerData)
        return try ModelCheckpoint(directory: directory)
    }

    /// The names of one layer's variables under `scope` (self-attention, feed-forward, and
    /// for the decoder the encoder attention).
    static func layerNames(_ scope: String, decoder: Bool) -> [String] {
        var names: [String] = []
        func linear(_ s: String) { names += [s + "/weight", s + "/bias"] }
        func norm(_ s: String) { names += [s + "/gamma", s + "/beta"] }
        linear(scope + "/self_attention/linear_0"); linear(scope + "/self_attention/linear_1"); norm(scope + "/self_attention/layer_norm")
        linear(scope + "/ffn/linear_0"); linear(scope + "/ffn/linear_1"); norm(scope + "/ffn/layer_norm")
        if decoder {
            linear(scope + "/attention/linear_0"); linear(scope + "/attention/linear_1"); linear(scope + "/attention/linear_2")
            norm(scope + "/attention/layer_norm")
        }
        return names
    }

    static func floats(_ tensor: Tensor) -> [Float] { Array(UnsafeBufferPointer(start: tensor.data, count: tensor.count)) }

    /// model.bin parses back: spec name and revision, every expected variable and no other,
    /// fused projections holding q, k, v in order, the project's own position rows, the
    /// shared embeddings stored once, and the scalar attributes.
    @Test func modelBinParsesBackWithTheSpecLayout() throws {
        let checkpoint = try ModelCheckpoint(directory: Self.trained)
        let config = checkpoint.modelConfig, d = config.modelDim
        let data = try CTranslate2Transformer.modelFile(of: checkpoint).serialized()
        let file = try CTranslate2ModelFile(parsing: data, source: "model.bin")
        #expect(file.specName == "TransformerSpec" && file.revision == 7)
        #expect(data.prefix(4) == Data([6, 0, 0, 0]), "binary version 6, little-endian")

        var expected = ["decoder/embeddings/weight", "decoder/projection/weight", "decoder/position_encodings/encodings",
                        "encoder/embeddings_0/weight", "encoder/position_encodings/encodings",
                        "encoder/num_heads", "encoder/pre_norm", "encoder/activation", "encoder/scale_embeddings",
                        "encoder/embeddings_merge", "encoder/multi_query_attention",
                        "decoder/num_heads", "decoder/pre_norm", "decoder/activation", "decoder/scale_embeddings",
                        "decoder/alignment_layer", "decoder/alignment_heads", "decoder/alibi",
                        "decoder/alibi_use_positive_positions", "decoder/scale_alibi", "decoder/start_from_zero_embedding"]
        expected += (0..<config.encoderLayers).flatMap { Self.layerNames("encoder/layer_\($0)", decoder: false) }
        expected += (0..<config.decoderLayers).flatMap { Self.layerNames("decoder/layer_\($0)", decoder: true) }
        let stored = file.variables.map(\.name) + file.aliases.map(\.alias)
        #expect(Set(stored) == Set(expected))
        #expect(stored.count == expected.count)
        #expect(file.variables.map(\.name) == file.variables.map(\.name).sorted(), "variables in name order")

        let aliases = Dictionary(uniqueKeysWithValues: file.aliases.map { ($0.alias, $0.target) })
        #expect(aliases["encoder/embeddings_0/weight"] == "decoder/embeddings/weight")
        #expect(aliases["decoder/projection/weight"] == "decoder/embeddings/weight")
        #expect(aliases["encoder/position_encodings/encodings"] == "decoder/position_encodings/encodings")

        let p = checkpoint.model.parameters
        let qkv = try #require(file.variable("encoder/layer_1/self_attention/linear_0/weight"))
        #expect(qkv.shape == [3 * d, d] && qkv.type == .float32)
        #expect(qkv.floats == ["q_proj", "k_proj", "v_proj"].flatMap { Self.floats(p.view("encoder.layers.1.self_attn.\($0).weight")) })
        let kv = try #require(file.variable("decoder/layer_0/attention/linear_1/bias"))
        #expect(kv.floats == ["k_proj", "v_proj"].flatMap { Self.floats(p.view("decoder.layers.0.encoder_attn.\($0).bias")) })
        let fc1 = try #require(file.variable("decoder/layer_1/ffn/linear_0/weight"))
        #expect(fc1.shape == [config.ffnDim, d] && fc1.floats == Self.floats(p.view("decoder.layers.1.fc1.weight")))
        let norm = try #require(file.variable("encoder/layer_0/ffn/layer_norm/gamma"))
        #expect(norm.floats == Self.floats(p.view("encoder.layers.0.final_layer_norm.weight")))
        let embeddings = try #require(file.variable("encoder/embeddings_0/weight"))
        #expect(embeddings.shape == [config.sourceVocabularySize, d])
        #expect(embeddings.floats == Self.floats(p.view("encoder.embed_tokens.weight")))

        let positions = SinusoidalPositions(dim: d, maxPositions: config.maxPositions, padID: Int(config.padID))
        let encodings = try #require(file.variable("encoder/position_encodings/encodings"))
        #expect(encodings.shape == [config.maxPositions, d])
        #expect(encodings.floats == Array(UnsafeBufferPointer(start: positions.row(0), count: config.maxPositions * d)))
        #expect(encodings.floats[0] == Foundation.sin(Float(1)) && encodings.floats[d / 2] == Foundation.cos(Float(1)),
                "row 0 is position pad + 1 = 1 (frequency 1 first), not the zero pad row")

        let scalars = Dictionary(uniqueKeysWithValues: file.variables.filter(\.isScalar).map { ($0.name, $0) })
        #expect(scalars["encoder/num_heads"] == .int16("encoder/num_heads", Int16(config.heads)))
        #expect(scalars["decoder/pre_norm"] == .flag("decoder/pre_norm", false))
        #expect(scalars["decoder/activation"] == .int8("decoder/activation", 0))
        #expect(scalars["encoder/scale_embeddings"] == .float32("encoder/scale_embeddings", Float(d).squareRoot()))
    }

    /// Pre-norm adds the final layer norms; without sharing the three embedding matrices
    /// are stored apart; GELU is CTranslate2's erf GELU (3); equal tensors are aliased.
    @Test func preNormUnsharedGELULayout() throws {
        var config = try ModelCheckpoint(directory: Self.trained).modelConfig
        config.normalizeBefore = true
        config.sharing = .none
        config.activation = .gelu
        let checkpoint = try Self.checkpoint(config, name: "prenorm")
        let file = try CTranslate2ModelFile(parsing: try CTranslate2Transformer.modelFile(of: checkpoint).serialized(), source: "model.bin")
        for name in ["encoder/layer_norm/gamma", "encoder/layer_norm/beta", "decoder/layer_norm/gamma", "decoder/layer_norm/beta"] {
            #expect(file.variable(name)?.shape == [config.modelDim], "\(name)")
        }
        // A fresh model's layer norms (ones, zeros) and zero biases are equal, so they are
        // aliased as CTranslate2's converter aliases them; the embeddings are not.
        let aliases = Set(file.aliases.map(\.alias))
        #expect(aliases.contains("encoder/position_encodings/encodings") && aliases.contains("decoder/layer_norm/gamma"))
        #expect(aliases.isDisjoint(with: ["encoder/embeddings_0/weight", "decoder/embeddings/weight", "decoder/projection/weight"]))
        #expect(file.variable("decoder/layer_norm/gamma")?.floats == Self.floats(checkpoint.model.parameters.view("decoder.layer_norm.weight")))
        #expect(file.variable("encoder/pre_norm") == .flag("encoder/pre_norm", true))
        #expect(file.variable("decoder/activation") == .int8("decoder/activation", 3))
    }

    /// config.json carries fairseq's conventions; the vocabulary is the SentencePiece
    /// pieces by id; the directory holds exactly the expected files.
    @Test func configAndVocabulary() throws {
        let checkpoint = try ModelCheckpoint(directory: Self.trained)
        let output = Self.scratch.appendingPathComponent("ct2")
        try? FileManager.default.removeItem(at: output)
        try CTranslate2Export.write(checkpoint, quantization: .float32, to: output)
        let names = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        #expect(names == ["config.json", "model.bin", "sentencepiece.model", "shared_vocabulary.json"])
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("config.json"))) as? [String: Any]
        #expect(config?["add_source_eos"] as? Bool == true && config?["add_source_bos"] as? Bool == false)
        #expect(config?["decoder_start_token"] as? String == "</s>" && config?["eos_token"] as? String == "</s>")
        #expect(config?["bos_token"] as? String == "<s>" && config?["unk_token"] as? String == "<unk>")
        #expect(config?["layer_norm_epsilon"] as? Double == 1e-5)
        let vocabulary = try JSONDecoder().decode([String].self, from: Data(contentsOf: output.appendingPathComponent("shared_vocabulary.json")))
        #expect(vocabulary.count == checkpoint.modelConfig.targetVocabularySize)
        #expect(vocabulary == (0..<Int32(vocabulary.count)).map { checkpoint.tokenizer.piece(of: $0)! })
        #expect(Array(vocabulary.prefix(4)) == ["<pad>", "<unk>", "<s>", "</s>"])
        let written = try CTranslate2ModelFile(parsing: Data(contentsOf: output.appendingPathComponent("model.bin")), source: "model.bin")
        #expect(written == CTranslate2Transformer.modelFile(of: checkpoint))
        #expect(throws: ExportError.outputExists(output.path)) {
            try CTranslate2Export.write(checkpoint, quantization: .float32, to: output)
        }
    }

    /// int8: round(w · 127/amax) per row, ties to even, scale 1 for a zero row; every
    /// weight matrix quantized, everything else left in float32.
    @Test func int8WeightsWithPerRowScales() throws {
        let weight = CTranslate2Variable(name: "x/linear_0/weight", shape: [2, 3], floats: [0.5, -1, 0.25, 0, 0, 0])
        let (q, scale) = CTranslate2Int8.quantize(weight)
        #expect(q.type == .int8 && q.bytes.map { Int8(bitPattern: $0) } == [64, -127, 32, 0, 0, 0], "63.5 rounds to 64, 31.75 to 32")
        #expect(scale.name == "x/linear_0/weight_scale" && scale.floats == [127, 1])

        let checkpoint = try ModelCheckpoint(directory: Self.trained)
        let file = CTranslate2Int8.quantize(CTranslate2Transformer.modelFile(of: checkpoint))
        let parsed = try CTranslate2ModelFile(parsing: try file.serialized(), source: "model.bin")
        for variable in parsed.variables where variable.name.hasSuffix("/weight") {
            #expect(variable.type == .int8, "\(variable.name)")
            #expect(parsed.variable(variable.name + "_scale")?.shape == [variable.shape[0]], "\(variable.name)")
        }
        #expect(parsed.variable("decoder/layer_0/ffn/layer_norm/gamma")?.type == .float32)
        #expect(parsed.variable("decoder/position_encodings/encodings")?.type == .float32)
        let fc2 = try #require(parsed.variable("encoder/layer_0/ffn/linear_1/weight"))
        let fc2Scale = try #require(parsed.variable("encoder/layer_0/ffn/linear_1/weight_scale")).floats
        let original = Self.floats(checkpoint.model.parameters.view("encoder.layers.0.fc2.weight"))
        let columns = fc2.shape[1]
        let worst = fc2.bytes.enumerated().map { i, byte in
            abs(Float(Int8(bitPattern: byte)) / fc2Scale[i / columns] - original[i]) * fc2Scale[i / columns]
        }.max() ?? 0
        #expect(worst <= 0.5 + 1e-4, "dequantized within half a step, worst \(worst) steps")
    }

    /// A truncated or foreign model.bin is an error naming the file and what was expected.
    @Test func malformedModelBinIsRefused() throws {
        let data = try CTranslate2Transformer.modelFile(of: try ModelCheckpoint(directory: Self.trained)).serialized()
        let error = #expect(throws: ExportError.self) { try CTranslate2ModelFile(parsing: data.prefix(1000), source: "cut.bin") }
        guard case .malformed(let file, let reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == "cut.bin" && reason.contains("ends at byte 1000"), "\(reason)")
        #expect(throws: ExportError.malformed(file: "v5.bin", reason: "binary version 5, expected 6")) {
            try CTranslate2ModelFile(parsing: Data([5, 0, 0, 0]) + data.dropFirst(4), source: "v5.bin")
        }
    }

    /// CRC-32's check value (the CRC of "123456789").
    @Test func crc32CheckValue() {
        #expect(CRC32.checksum(Data("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Data()) == 0)
    }

    /// `nmt export --format argos` writes a zip that unzip lists and tests (CRCs) with the
    /// expected entries and metadata.
    @Test func argosPackageIsAZipWithTheExpectedEntries() throws {
        let output = Self.scratch.appendingPathComponent("es_en.argosmodel")
        try? FileManager.default.removeItem(at: output)
        let nmt = builtProduct("nmt")
        let result = try runProcess(nmt, ["export", "--format", "argos", "--from", "es", "--to", "en",
                                          "--model", Self.trained.path, "--output", output.path])
        #expect(result.status == 0, "\(result.error)")
        let unzip = URL(fileURLWithPath: "/usr/bin/unzip")
        let test = try runProcess(unzip, ["-t", output.path])
        #expect(test.status == 0 && test.standardOutput.contains("No errors detected"), "\(test.standardOutput)")
        let listing = try runProcess(unzip, ["-Z1", output.path]).standardOutput.split(separator: "\n").map(String.init)
        let root = "translate-es_en-1_0/"
        #expect(listing == [root, root + "metadata.json", root + "README.md", root + "sentencepiece.model", root + "model/",
                            root + "model/model.bin", root + "model/config.json", root + "model/shared_vocabulary.json"])
        let metadata = try runProcess(unzip, ["-p", output.path, root + "metadata.json"]).output
        let fields = try JSONSerialization.jsonObject(with: metadata) as? [String: Any]
        #expect(fields?["from_code"] as? String == "es" && fields?["to_code"] as? String == "en")
        #expect(fields?["from_name"] as? String == "Spanish" && fields?["to_name"] as? String == "English")
        #expect(fields?["package_version"] as? String == "1.0" && fields?["type"] as? String == "translate")
        let model = try runProcess(unzip, ["-p", output.path, root + "model/model.bin"]).output
        let expected = try CTranslate2Transformer.modelFile(of: try ModelCheckpoint(directory: Self.trained)).serialized()
        #expect(model == expected)
        let tokenizer = try runProcess(unzip, ["-p", output.path, root + "sentencepiece.model"]).output
        #expect(tokenizer == (try Data(contentsOf: Self.trained.appendingPathComponent("sentencepiece.model"))))
    }

    /// The command refuses a bad format, argos without languages, a missing checkpoint and
    /// an existing output, with one line on standard error, writing nothing.
    @Test func theCommandRefusesBadInput() throws {
        let nmt = builtProduct("nmt")
        let output = Self.scratch.appendingPathComponent("refused")
        let format = try runProcess(nmt, ["export", "--format", "onnx", "--model", Self.trained.path, "--output", output.path])
        #expect(format.status == 64 && format.error.contains("onnx"), "\(format.error)")
        let languages = try runProcess(nmt, ["export", "--format", "argos", "--model", Self.trained.path, "--output", output.path])
        #expect(languages.status == 64 && languages.error.contains("--format argos needs --from and --to"), "\(languages.error)")
        let unknown = try runProcess(nmt, ["export", "--format", "argos", "--from", "xx", "--to", "en",
                                           "--model", Self.trained.path, "--output", output.path])
        #expect(unknown.status == 1 && unknown.error.contains("'xx'"), "\(unknown.error)")
        let missing = Self.scratch.appendingPathComponent("no-such-checkpoint")
        let absent = try runProcess(nmt, ["export", "--format", "ctranslate2", "--model", missing.path, "--output", output.path])
        #expect(absent.status == 1 && absent.error == "nmt: error: \(missing.path) is not a checkpoint directory (expected model.safetensors, config.json and sentencepiece.model inside)\n",
                "\(absent.error)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let existing = try runProcess(nmt, ["export", "--format", "ctranslate2", "--model", Self.trained.path, "--output", Self.trained.path])
        #expect(existing.status == 1 && existing.error == "nmt: error: \(Self.trained.path) already exists; name a new output\n", "\(existing.error)")
    }
}
