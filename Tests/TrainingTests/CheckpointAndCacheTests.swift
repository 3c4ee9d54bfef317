import Foundation
import Testing
import Tokenizer
@testable import Training

@Suite struct CheckpointAndCacheTests {
    static func directory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// keep-last-N keeps the newest N numbered checkpoints and whatever `best` points to.
    @Test func pruneKeepsTheNewestAndTheBest() throws {
        let dir = try Self.directory("prune")
        defer { try? FileManager.default.removeItem(at: dir) }
        for u in 1...5 { try FileManager.default.createDirectory(at: dir.appendingPathComponent(Checkpoint.name(update: u)), withIntermediateDirectories: true) }
        try Checkpoint.setLink("best", to: Checkpoint.name(update: 2), in: dir)
        try Checkpoint.setLink("last", to: Checkpoint.name(update: 5), in: dir)
        Checkpoint.prune(dir, keep: 2)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("update-") }.sorted()
        #expect(left == [2, 4, 5].map { Checkpoint.name(update: $0) })
    }

    /// The second load of the same files with the same tokenizer reads the cache: replacing
    /// the cached pairs shows up in what `load` returns.
    @Test func encodedCorpusIsReadFromTheCache() throws {
        let dir = try Self.directory("cache")
        defer { try? FileManager.default.removeItem(at: dir) }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let src = repository.appendingPathComponent("corpora/tiny-es-en/valid.es").path
        let tgt = repository.appendingPathComponent("corpora/tiny-es-en/valid.en").path
        var options = TrainingOptions()
        options.vocabularySize = 200
        let tokenizer = try SentencePieceModel.train(inputs: [src, tgt], options: options)
        let first = try EncodedCorpus.load(source: src, target: tgt, tokenizer: tokenizer, threads: 1, cacheDirectory: dir)
        #expect(first.count == 40)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(files.count == 1 && files[0].hasPrefix("corpus-"))
        let planted = EncodedCorpus(sources: [[5]], targets: [[6]])
        try planted.serialized().write(to: dir.appendingPathComponent(files[0]))
        #expect(try EncodedCorpus.load(source: src, target: tgt, tokenizer: tokenizer, threads: 1, cacheDirectory: dir) == planted)
    }
}
