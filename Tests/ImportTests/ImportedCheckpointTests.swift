import Checkpoints
import Export
import Foundation
import Testing
import TestSupport
import Tokenizer
import Transformer

/// An imported checkpoint in the commands beside translate and score: averaging and export.
/// (scripts/reference/check_marian_export.py runs CTranslate2 on the exports: its greedy
/// translations of the three fixtures equal transformers'.)
@Suite(.timeLimit(.minutes(10))) struct ImportedCheckpointTests {
    @Test func averagingImportedCheckpointsKeepsTheirTokenizerAndKeys() throws {
        let first = try MarianFixture.all[1].imported(), second = try MarianFixture.all[1].imported()
        let output = temporaryDirectory().appendingPathComponent("average")
        try CheckpointAverage.write([first, second], to: output)
        let average = try ModelCheckpoint(directory: output)
        #expect(average.config.format == 2 && average.modelConfig == first.modelConfig)
        #expect(average.tokenizerFiles == first.tokenizerFiles && average.tokenizer is MarianTokenizer)
        #expect(average.model.parameters.flat.toArray() == first.model.parameters.flat.toArray())
        let other = try MarianFixture.all[0].imported()
        #expect(throws: CheckpointError.self) { try CheckpointAverage.mean(of: [first, other]) }
    }

    /// CTranslate2 gets the Marian model's own conventions: SiLU, the output bias, the scale,
    /// Marian's positions, the pad token as decoder start, the tokenizer's files and pieces.
    @Test func ctranslate2ExportCarriesTheMarianKeys() throws {
        let checkpoint = try MarianFixture.all[0].imported()
        let files = Dictionary(uniqueKeysWithValues: try CTranslate2Export.files(of: checkpoint, quantization: .float32)
            .map { ($0.name, $0.data) })
        let config = try JSONSerialization.jsonObject(with: files["config.json"]!) as! [String: Any]
        #expect(config["decoder_start_token"] as? String == "<pad>" && config["eos_token"] as? String == "</s>")
        #expect(config["bos_token"] as? String == "<s>" && config["unk_token"] as? String == "<unk>")
        let vocabulary = try JSONDecoder().decode([String].self, from: files["shared_vocabulary.json"]!)
        #expect(vocabulary == (0..<Int32(40)).map { checkpoint.tokenizer.piece(of: $0)! })
        let model = CTranslate2Transformer.modelFile(of: checkpoint)
        func variable(_ name: String) -> CTranslate2Variable? { model.variables.first { $0.name == name } }
        #expect(variable("encoder/activation")?.bytes == Data([2]))
        #expect(variable("decoder/scale_embeddings")?.floats == [Float(16).squareRoot()])
        #expect(variable("decoder/projection/bias")?.floats == checkpoint.model.parameters.view("decoder.output_projection.bias").toArray())
        let positions = SinusoidalPositions(dim: 16, maxPositions: 64, padID: 39, layout: .marian)
        #expect(variable("decoder/position_encodings/encodings")?.floats == Array(UnsafeBufferPointer(start: positions.row(0), count: 64 * 16)))
    }

    @Test func argosPackagesAreRefusedNamingWhy() throws {
        let checkpoint = try MarianFixture.all[0].imported()
        let output = temporaryDirectory().appendingPathComponent("model.argosmodel")
        do {
            try ArgosPackage(fromCode: "es", toCode: "en").write(checkpoint, quantization: .float32, to: output, producer: "nmt")
            Issue.record("an imported model was packaged for Argos")
        } catch let ExportError.unsupported(_, reason) {
            #expect(reason.contains("one SentencePiece model for both sides"))
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
