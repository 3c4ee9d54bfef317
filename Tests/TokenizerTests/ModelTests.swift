import Foundation
import Testing
@testable import Tokenizer

@Suite(.timeLimit(.minutes(10))) struct ModelTests {
    @Test(arguments: TrainingOptions.ModelType.allCases)
    func specialIDsAreWrittenIntoTheModel(type: TrainingOptions.ModelType) throws {
        let (_, path) = try Fixtures.trainedModel(type)
        let model = try SentencePieceModel(contentsOf: path)
        #expect(model.padID == SpecialIDs.pad && SpecialIDs.pad == 0)
        #expect(model.unkID == SpecialIDs.unk && SpecialIDs.unk == 1)
        #expect(model.bosID == SpecialIDs.bos && SpecialIDs.bos == 2)
        #expect(model.eosID == SpecialIDs.eos && SpecialIDs.eos == 3)
        #expect((0..<4).map { model.piece(of: $0) } == ["<pad>", "<unk>", "<s>", "</s>"])
        #expect(model.id(of: "</s>") == 3)
        #expect(model.id(of: "no such piece") == SpecialIDs.unk)
        #expect(model.piece(of: Int32(model.vocabularySize)) == nil)
        #expect(model.vocabularySize == 800)
    }

    @Test(arguments: TrainingOptions.ModelType.allCases)
    func trainingTwiceWithTheSameSeedGivesIdenticalFiles(type: TrainingOptions.ModelType) throws {
        let directory = try Fixtures.temporaryDirectory()
        var options = Fixtures.options(type)
        // Sampling is where randomness could enter.
        options.inputSentenceSize = 300
        options.seed = 7
        let first = directory.appendingPathComponent("first.model").path
        let second = directory.appendingPathComponent("second.model").path
        try SentencePieceModel.train(inputs: [Fixtures.sample], options: options, writingTo: first)
        try SentencePieceModel.train(inputs: [Fixtures.sample], options: options, writingTo: second)
        let firstBytes = try Data(contentsOf: URL(fileURLWithPath: first))
        #expect(firstBytes.count > 1000)
        #expect(firstBytes == (try Data(contentsOf: URL(fileURLWithPath: second))))
        // Sampling took place: all lines give another model.
        options.inputSentenceSize = 0
        let unsampled = try SentencePieceModel.train(inputs: [Fixtures.sample], options: options)
        #expect(unsampled.serialized() != firstBytes)
    }

    @Test func loadingFromBytesEqualsLoadingFromTheFile() throws {
        let (model, path) = try Fixtures.trainedModel(.bpe)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let fromBytes = try SentencePieceModel(serialized: bytes)
        #expect(fromBytes.serialized() == bytes)
        #expect(model.serialized() == bytes)
        let lines = try Fixtures.sampleLines()
        #expect(try fromBytes.encode(lines, threads: 2) == model.encode(lines, threads: 1))
    }

    /// Training here and with Debian's spm_train (same flags) gives the same vocabulary file.
    @Test(arguments: TrainingOptions.ModelType.allCases)
    func vocabularyFileEqualsSpmTrains(type: TrainingOptions.ModelType) throws {
        let (model, _) = try Fixtures.trainedModel(type)
        let directory = try Fixtures.temporaryDirectory()
        let ours = directory.appendingPathComponent("ours.vocab").path
        try model.writeVocabulary(to: ours)
        let prefix = directory.appendingPathComponent("reference").path
        let reference = try run("spm_train", [
            "--input=\(Fixtures.sample)", "--model_prefix=\(prefix)", "--vocab_size=800",
            "--model_type=\(type)", "--pad_id=0", "--unk_id=1", "--bos_id=2", "--eos_id=3",
            "--num_threads=1", "--minloglevel=1",
        ])
        try #require(reference.status == 0, "spm_train failed: \(reference.error)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: ours))
        #expect(Fixtures.lines(of: bytes).count == model.vocabularySize)
        #expect(bytes == (try Data(contentsOf: URL(fileURLWithPath: prefix + ".vocab"))))
    }

    @Test func byteFallbackSpellsUnseenCharactersAsBytes() throws {
        var options = Fixtures.options(.bpe)
        options.byteFallback = true
        options.vocabularySize = 1000
        let model = try SentencePieceModel.train(inputs: [Fixtures.sample], options: options)
        // U+0E01 (Thai ko kai) is nowhere in the sample: three UTF-8 bytes.
        let pieces = try model.encodeAsPieces("ก")
        #expect(pieces.suffix(3) == ["<0xE0>", "<0xB8>", "<0x81>"])
        #expect(try model.decode(model.encode("ก")) == "ก")
        #expect(try !model.encode("ก").contains(SpecialIDs.unk))
    }

    @Test func identityNormalizationKeepsFullWidthLetters() throws {
        var options = Fixtures.options(.unigram)
        options.normalization = .identity
        let identity = try SentencePieceModel.train(inputs: [Fixtures.sample], options: options)
        let (nfkc, _) = try Fixtures.trainedModel(.unigram)
        #expect(try identity.decode(identity.encode("ＡＢＣ")) == "ＡＢＣ")
        #expect(try nfkc.decode(nfkc.encode("ＡＢＣ")) == "ABC")
    }

    /// Several inputs make one joint vocabulary, covering characters found in either file.
    @Test func jointModelCoversEveryInput() throws {
        let directory = try Fixtures.temporaryDirectory()
        let lines = try Fixtures.sampleLines()
        let latin = lines.filter { $0.unicodeScalars.allSatisfy { $0.value < 0x2000 } }
        let others = lines.filter { !latin.contains($0) }
        let source = directory.appendingPathComponent("source.txt").path
        let target = directory.appendingPathComponent("target.txt").path
        try latin.joined(separator: "\n").write(toFile: source, atomically: true, encoding: .utf8)
        try others.joined(separator: "\n").write(toFile: target, atomically: true, encoding: .utf8)
        var options = Fixtures.options(.unigram)
        options.characterCoverage = 1
        let joint = try SentencePieceModel.train(inputs: [source, target], options: options)
        let sourceOnly = try SentencePieceModel.train(inputs: [source], options: options)
        #expect(try !joint.encode("图书馆 Bücherei").contains(SpecialIDs.unk))
        #expect(try sourceOnly.encode("图书馆 Bücherei").contains(SpecialIDs.unk))
    }
}
