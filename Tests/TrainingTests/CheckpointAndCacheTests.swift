import Checkpoints
import Foundation
import Testing
import Tokenizer
@testable import Training

@Suite(.timeLimit(.minutes(10))) struct CheckpointAndCacheTests {
    static func directory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// keep-interval-updates N keeps the newest N update checkpoints and whatever `best`
    /// points to; keep-last-epochs M counts epoch checkpoints only (fairseq's meanings).
    @Test func pruneKeepsTheNewestAndTheBest() throws {
        let runDirectory = try Self.directory("prune")
        defer { try? FileManager.default.removeItem(at: runDirectory) }
        let run = RunCheckpoints(run: runDirectory), dir = run.directory
        let names = (1...5).map { RunCheckpoints.name(update: $0) } + (1...4).map { RunCheckpoints.name(epoch: $0) }
        for name in names { try FileManager.default.createDirectory(at: dir.appendingPathComponent(name), withIntermediateDirectories: true) }
        try run.setLink(.best, to: RunCheckpoints.name(update: 2))
        try run.setLink(.last, to: RunCheckpoints.name(update: 5))
        run.prune(CheckpointRetention(updates: 2, epochs: 3))
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") && $0 != "best" && $0 != "last" }
        #expect(left.sorted() == ([2, 4, 5].map { RunCheckpoints.name(update: $0) } + [2, 3, 4].map { RunCheckpoints.name(epoch: $0) }).sorted())
        run.prune(CheckpointRetention(updates: -1, epochs: 0))
        let after = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("epoch-") }
        #expect(after.isEmpty, "−1 keeps every update checkpoint, 0 keeps no epoch checkpoint")
    }

    /// keep-interval-updates-pattern P exempts update checkpoints at multiples of P, which
    /// neither go nor count towards the newest N kept (fairseq's rule); 0 exempts none.
    @Test func pruneExemptsMultiplesOfThePattern() throws {
        let runDirectory = try Self.directory("prune-pattern")
        defer { try? FileManager.default.removeItem(at: runDirectory) }
        let run = RunCheckpoints(run: runDirectory), dir = run.directory
        func left() throws -> [Int] {
            try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("update-") }
                .map { Int($0.dropFirst("update-".count))! }.sorted()
        }
        for update in stride(from: 100, through: 1000, by: 100) {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(RunCheckpoints.name(update: update)),
                                                    withIntermediateDirectories: true)
        }
        try run.setLink(.best, to: RunCheckpoints.name(update: 300))
        try run.setLink(.last, to: RunCheckpoints.name(update: 1000))
        run.prune(CheckpointRetention(updates: 2, updatePattern: 500))
        #expect(try left() == [300, 500, 800, 900, 1000])
        run.prune(CheckpointRetention(updates: 0, updatePattern: 500))
        #expect(try left() == [300, 500, 1000], "0 keeps only the exempt ones and the links' targets")
        run.prune(CheckpointRetention(updates: 0, updatePattern: 0))
        #expect(try left() == [300, 1000], "a pattern of 0 exempts none")
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
        let first = try EncodedCorpus.load(.aligned(source: src, target: tgt), tokenizer: tokenizer, threads: 1, cacheDirectory: dir).corpus
        #expect(first.count == 40)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(files.count == 1 && files[0].hasPrefix("corpus-"))
        let planted = EncodedCorpus(sources: [[5]], targets: [[6]])
        try planted.serialized().write(to: dir.appendingPathComponent(files[0]))
        #expect(try EncodedCorpus.load(.aligned(source: src, target: tgt), tokenizer: tokenizer, threads: 1, cacheDirectory: dir).corpus == planted)
    }
}
