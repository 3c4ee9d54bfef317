import Foundation
import Testing
@testable import Tokenizer

/// `nmt tokenizer …` as users run it: spm_* output, and one-line errors.
@Suite(.timeLimit(.minutes(10))) struct CommandLineTests {
    @Test func trainEncodeAndDecodeMatchSpmTools() throws {
        let directory = try Fixtures.temporaryDirectory()
        let prefix = directory.appendingPathComponent("joint").path
        let train = try run(nmtExecutable(), [
            "tokenizer", "train", "--input", Fixtures.sample, "--model-prefix", prefix,
            "--vocab-size", "700", "--model-type", "bpe", "--character-coverage", "1.0",
        ])
        try #require(train.status == 0, "\(train.error)")
        #expect(FileManager.default.fileExists(atPath: prefix + ".vocab"))
        let model = prefix + ".model"
        let idsPath = directory.appendingPathComponent("ids.txt").path
        let encode = try run(nmtExecutable(), [
            "tokenizer", "encode", "--model", model, "--output-format", "id",
            "--threads", "2", "--output", idsPath,
        ], inputPath: Fixtures.sample)
        try #require(encode.status == 0, "\(encode.error)")
        let reference = try run("spm_encode", ["--model=\(model)", "--output_format=id"],
                                inputPath: Fixtures.sample)
        #expect(try Data(contentsOf: URL(fileURLWithPath: idsPath)) == reference.output)
        let decode = try run(nmtExecutable(), ["tokenizer", "decode", "--model", model, idsPath])
        let referenceText = try run("spm_decode", ["--model=\(model)", "--input_format=id"],
                                    inputPath: idsPath)
        #expect(decode.status == 0)
        #expect(decode.output == referenceText.output)
        #expect(Fixtures.lines(of: decode.output).count == (try Fixtures.sampleLines()).count)
    }

    /// spm_train's and spm_encode's underscore spellings work as they do there (the same
    /// model file as the dashed flags), and `decode --input_format=piece` decodes pieces as
    /// spm_decode does, pieces the model lacks included.
    @Test func spmSpellingsAndPieceDecodingMatchSpmTools() throws {
        let directory = try Fixtures.temporaryDirectory()
        let dashed = directory.appendingPathComponent("dashed").path, underscored = directory.appendingPathComponent("underscored").path
        let first = try run(nmtExecutable(), ["tokenizer", "train", "--input", Fixtures.sample, "--model-prefix", dashed,
                                              "--vocab-size", "1000", "--model-type", "bpe", "--byte-fallback", "--normalization", "identity"])
        let second = try run(nmtExecutable(), ["tokenizer", "train", "--input=\(Fixtures.sample)", "--model_prefix=\(underscored)",
                                               "--vocab_size=1000", "--model_type=bpe", "--byte_fallback=true",
                                               "--normalization_rule_name=identity", "--num_threads=1"])
        try #require(first.status == 0 && second.status == 0, "\(first.error)\(second.error)")
        let model = underscored + ".model"
        #expect(try Data(contentsOf: URL(fileURLWithPath: dashed + ".model")) == Data(contentsOf: URL(fileURLWithPath: model)))

        let pieces = directory.appendingPathComponent("pieces.txt").path
        let encoded = try run(nmtExecutable(), ["tokenizer", "encode", "--model", model, "--output_format=piece", "--output", pieces],
                              inputPath: Fixtures.sample)
        try #require(encoded.status == 0, "\(encoded.error)")
        // A line with pieces the model does not have, which spm_decode keeps as they are.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: pieces))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("▁not▁a▁piece ▁zzq ñ\n\n▁a  ▁b\n ▁x\n".utf8))
        try handle.close()
        let decoded = try run(nmtExecutable(), ["tokenizer", "decode", "--model", model, "--input_format=piece", pieces])
        let reference = try run("spm_decode", ["--model=\(model)", "--input_format=piece"], inputPath: pieces)
        #expect(decoded.status == 0 && reference.status == 0, "\(decoded.error)")
        #expect(decoded.output == reference.output)
        #expect(Fixtures.lines(of: decoded.output).count == (try Fixtures.sampleLines()).count + 4)
    }

    @Test func errorsAreOneLineOnStandardError() throws {
        let missing = "/nonexistent/m.model"
        let result = try run(nmtExecutable(), ["tokenizer", "encode", "--model", missing])
        #expect(result.status != 0)
        #expect(result.output.isEmpty)
        #expect(result.error == "nmt: error: \(missing): no such SentencePiece model file\n")

        let usage = try run(nmtExecutable(), ["tokenizer", "train", "--input", Fixtures.sample])
        #expect(usage.status != 0)
        #expect(usage.error == "nmt: error: give exactly one of --model-prefix and --output\n")
    }

    @Test func badIdsNameTheLineAndLeaveNoOutputFile() throws {
        let (_, model) = try Fixtures.trainedModel(.unigram)
        let directory = try Fixtures.temporaryDirectory()
        let idsPath = directory.appendingPathComponent("ids.txt").path
        try "5 6 7\n8 x 9\n".write(toFile: idsPath, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("text.txt").path
        let result = try run(nmtExecutable(), [
            "tokenizer", "decode", "--model", model, "--output", output, idsPath,
        ])
        #expect(result.status != 0)
        #expect(result.error.hasPrefix("nmt: error: \(idsPath):2: expected ids"))
        #expect(result.error.filter { $0 == "\n" }.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["ids.txt"])
    }
}
