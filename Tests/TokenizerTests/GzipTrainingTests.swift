import Foundation
import Testing
import TestSupport
@testable import Tokenizer

/// SentencePiece reads its input files itself and knows no gzip: compressed input and lines
/// in memory go to it through an iterator. The model is the one the plain file gives, but
/// for the input file its trainer spec names.
@Suite(.timeLimit(.minutes(10))) struct GzipTrainingTests {
    @Test(arguments: TrainingOptions.ModelType.allCases)
    func gzipInputAndLinesInMemoryTrainTheModelOfThePlainFile(type: TrainingOptions.ModelType) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let compressed = directory.appendingPathComponent("sample.txt.gz")
        try gzipCompressed(Data(contentsOf: URL(fileURLWithPath: Fixtures.sample))).write(to: compressed)
        let options = Fixtures.options(type)
        let (plain, _) = try Fixtures.trainedModel(type)
        let fromGzip = try SentencePieceModel.train(inputs: [compressed.path], options: options)
        let fromMemory = try SentencePieceModel.train(sentences: try Fixtures.sampleLines(), options: options, names: ["sample"])
        let vocabulary = { (model: SentencePieceModel) in
            (0..<Int32(model.vocabularySize)).map { "\(model.piece(of: $0)!) \(model.score(of: $0))" }
        }
        #expect(vocabulary(fromGzip) == vocabulary(plain) && vocabulary(fromMemory) == vocabulary(plain))
        let lines = try Fixtures.sampleLines()
        #expect(try fromGzip.encode(lines, threads: 1) == plain.encode(lines, threads: 1))
        #expect(fromGzip.serialized() == fromMemory.serialized(), "neither names an input file")
    }

    @Test func linesWithoutTextAreAnEmptyCorpus() throws {
        #expect(throws: SentencePieceError.emptyCorpus(paths: ["nothing"])) {
            try SentencePieceModel.train(sentences: ["", ""], options: Fixtures.options(.unigram), names: ["nothing"])
        }
    }
}
