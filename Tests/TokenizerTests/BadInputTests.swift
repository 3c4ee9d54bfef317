import FileIO
import Foundation
import Testing
@testable import Tokenizer

/// Bad input is a thrown error naming the file; nothing crashes and nothing is half-written.
@Suite(.timeLimit(.minutes(10))) struct BadInputTests {
    @Test func missingModelFile() throws {
        let path = "/nonexistent/dir/missing.model"
        let error = #expect(throws: SentencePieceError.self) {
            try SentencePieceModel(contentsOf: path)
        }
        #expect(error == .modelNotFound(path: path))
        #expect(error?.localizedDescription.contains(path) == true)
    }

    @Test func truncatedModelFile() throws {
        let (_, path) = try Fixtures.trainedModel(.unigram)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let truncated = path + ".truncated"
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let error = #expect(throws: SentencePieceError.self) {
            try SentencePieceModel(contentsOf: truncated)
        }
        guard case .invalidModel(let source, _)? = error else {
            Issue.record("expected invalidModel, got \(String(describing: error))")
            return
        }
        #expect(source == truncated)
        #expect(error?.localizedDescription.contains("not a valid SentencePiece model") == true)
    }

    /// The model fuzzing found (Tests/FuzzTargetsTests/Corpus/sentencepiece/
    /// found-zero-length-piece): a user-defined piece that is empty makes the library's trie
    /// builder throw a C++ exception, which used to terminate the process. It is an error
    /// naming the model and the library's reason.
    @Test func modelWithAnEmptyUserDefinedPieceIsAnError() throws {
        let base64 =
        "Cg4KBTxwYWQ+FQAAAAAYAwoOCgU8dW5rPhUAAAAAGAIKDAoDPHM+FQAAAAAYAwoNCgQ8L3M+FQAAAAAYAwoLCgTiloFkFQAA" +
        "AIAKCwoE6paBbBUAAIC/CgwKBeKWgWRlFQAAAMAKCwoE4paBZRUAAEAAKMIKCQoCw60VAAAswgoICgE6FQAAMMIKCAoBZhUA" +
        "ADTCCggKAQAVOwA4wgoICgFEFRUAAHDCCggKAScKBXMudHh0kAIAwAIByAIC0AID2AIAGgwKCGlkZW50aXR5EgA="
        let bytes = try #require(Data(base64Encoded: base64))
        let error = #expect(throws: SentencePieceError.self) {
            try SentencePieceModel(serialized: bytes, source: "empty-piece.model")
        }
        guard case .invalidModel(let source, let reason)? = error else {
            Issue.record("expected invalidModel, got \(String(describing: error))")
            return
        }
        #expect(source == "empty-piece.model" && reason.contains("zero-length key"), "\(reason)")
    }

    @Test func textFileIsNotAModel() throws {
        let error = #expect(throws: SentencePieceError.self) {
            try SentencePieceModel(contentsOf: Fixtures.sample)
        }
        guard case .invalidModel(let source, _)? = error else {
            Issue.record("expected invalidModel, got \(String(describing: error))")
            return
        }
        #expect(source == Fixtures.sample)
        #expect(throws: SentencePieceError.self) {
            try SentencePieceModel(serialized: Data("not a model".utf8))
        }
    }

    @Test func emptyTrainingCorpus() throws {
        let directory = try Fixtures.temporaryDirectory()
        let input = directory.appendingPathComponent("empty.txt").path
        try "\n\n\n".write(toFile: input, atomically: true, encoding: .utf8)
        let model = directory.appendingPathComponent("m.model").path
        let error = #expect(throws: SentencePieceError.self) {
            try SentencePieceModel.train(inputs: [input], options: Fixtures.options(.bpe),
                                         writingTo: model)
        }
        #expect(error == .emptyCorpus(paths: [input]))
        #expect(error?.localizedDescription.contains(input) == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["empty.txt"])
    }

    @Test(arguments: TrainingOptions.ModelType.allCases)
    func vocabularyLargerThanTheCorpusSupports(type: TrainingOptions.ModelType) throws {
        let directory = try Fixtures.temporaryDirectory()
        let model = directory.appendingPathComponent("m.model").path
        var options = Fixtures.options(type)
        options.vocabularySize = 50_000
        let error = #expect(throws: SentencePieceError.self) {
            try SentencePieceModel.train(inputs: [Fixtures.sample], options: options,
                                         writingTo: model)
        }
        guard case .trainingFailed(let paths, let reason)? = error else {
            Issue.record("expected trainingFailed, got \(String(describing: error))")
            return
        }
        #expect(paths == [Fixtures.sample])
        #expect(reason.contains("Vocabulary size too high"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func invalidUTF8InTrainingInputNamesTheLine() throws {
        let directory = try Fixtures.temporaryDirectory()
        let input = directory.appendingPathComponent("bad.txt").path
        var bytes = Data("first line\nsecond line\nthird ".utf8)
        bytes.append(contentsOf: [0xC3, 0x28])  // a lead byte followed by no continuation
        bytes.append(Data(" line\nfourth\n".utf8))
        try bytes.write(to: URL(fileURLWithPath: input))
        let error = #expect(throws: FileIOError.self) {
            try SentencePieceModel.train(inputs: [input], options: Fixtures.options(.bpe))
        }
        #expect(error == .invalidUTF8(source: input, line: 3))
        #expect(error?.localizedDescription == "\(input):3: the line is not valid UTF-8")
    }

    @Test func invalidUTF8InEncodingInputNamesTheLine() throws {
        let (model, _) = try Fixtures.trainedModel(.unigram)
        let directory = try Fixtures.temporaryDirectory()
        let input = directory.appendingPathComponent("bad.txt").path
        let good = Data("una línea correcta\n".utf8), bad = Data([0x61, 0xFF, 0x0A])
        // Bad lines 300 and 700 of 1000: with 2 threads they fall in different chunks.
        var bytes = Data()
        for number in 1...1000 { bytes.append(number == 300 || number == 700 ? bad : good) }
        try bytes.write(to: URL(fileURLWithPath: input))
        for (blockSize, threads) in [(1 << 20, 1), (1 << 20, 2), (64, 2), (5000, 3)] {
            let reader = try LineBlockReader(path: input, blockSize: blockSize)
            let error = #expect(throws: FileIOError.self) {
                try reader.forEachBlock { block in
                    try model.encode(block, source: input, format: .id, threads: threads,
                                     into: ByteBuffer())
                }
            }
            #expect(error == .invalidUTF8(source: input, line: 300),
                    "block size \(blockSize), threads \(threads)")
        }
    }

    @Test func missingTrainingInput() throws {
        let path = "/nonexistent/corpus.txt"
        let error = #expect(throws: FileIOError.self) {
            try SentencePieceModel.train(inputs: [Fixtures.sample, path], options: Fixtures.options(.bpe))
        }
        guard case .unreadable(let named, _)? = error else {
            Issue.record("expected unreadable, got \(String(describing: error))")
            return
        }
        #expect(named == path)
    }

    @Test func idsOutsideTheVocabulary() throws {
        let (model, _) = try Fixtures.trainedModel(.unigram)
        #expect(throws: SentencePieceError.self) { try model.decode([5, 800]) }
        #expect(throws: SentencePieceError.self) { try model.decode([-1]) }
    }

    @Test func optionsSentencePieceWouldMisread() throws {
        var options = Fixtures.options(.bpe)
        options.vocabularySize = 4
        #expect(throws: SentencePieceError.self) {
            try SentencePieceModel.train(inputs: [Fixtures.sample], options: options)
        }
        #expect(throws: SentencePieceError.invalidOption(
            "a,b.txt: SentencePiece cannot read input files whose name has a comma")
        ) {
            try SentencePieceModel.train(inputs: ["a,b.txt"], options: Fixtures.options(.bpe))
        }
    }

    /// A model trained by plain spm_train (unk 0, bos 1, eos 2, no pad) is refused with both
    /// sets of ids and the flags that fix it; the project's own models pass.
    @Test func aStockSpmTrainModelIsRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = directory.appendingPathComponent("stock").path
        let trained = try run("spm_train", ["--input=\(Fixtures.sample)", "--model_prefix=\(prefix)", "--vocab_size=600",
                                            "--model_type=bpe"])
        #expect(trained.status == 0, "\(trained.error)")
        let stock = try SentencePieceModel(contentsOf: prefix + ".model")
        #expect([stock.unkID, stock.bosID, stock.eosID, stock.padID] == [0, 1, 2, -1])
        let error = #expect(throws: SentencePieceError.self) { try stock.requireProjectSpecialIDs(source: "stock.model") }
        #expect(error?.localizedDescription == "stock.model: the model's special ids are pad -1, unk 0, bos 1, eos 2; "
                + "nmt needs pad 0, unk 1, bos 2, eos 3. Train the model with `nmt tokenizer train`, or with "
                + "spm_train --pad_id=0 --unk_id=1 --bos_id=2 --eos_id=3")
        let (own, _) = try Fixtures.trainedModel(.bpe)
        try own.requireProjectSpecialIDs(source: "own.model")
    }
}
