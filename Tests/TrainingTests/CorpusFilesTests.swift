import FileIO
import Foundation
import Testing
import TestSupport
import Tokenizer
@testable import Training

/// Corpora as users have them: gzip and plain files give the same encoded corpus, a TSV
/// file the same as its two columns; bad lines are errors naming file and line, or skipped
/// and counted with skip_invalid.
@Suite(.timeLimit(.minutes(10))) struct CorpusFilesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let tiny = repository.appendingPathComponent("corpora/tiny-es-en")

    static func directory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-corpus-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func tokenizer() throws -> SentencePieceModel {
        var options = TrainingOptions()
        options.vocabularySize = 200
        return try SentencePieceModel.train(inputs: [tiny.appendingPathComponent("valid.es").path,
                                                     tiny.appendingPathComponent("valid.en").path], options: options)
    }

    static func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }

    /// The tiny training corpus as plain files, as gzip files, and as a gzip TSV file
    /// (through the cache, twice each): the same encoded pairs every time.
    @Test func gzipAndPlainAndTSVGiveTheSameEncodedCorpus() throws {
        let dir = try Self.directory("same")
        defer { try? FileManager.default.removeItem(at: dir) }
        let es = Self.tiny.appendingPathComponent("train.es"), en = Self.tiny.appendingPathComponent("train.en")
        let esGz = dir.appendingPathComponent("train.es.gz"), enGz = dir.appendingPathComponent("train.en.gz")
        try gzipCompressed(Data(contentsOf: es)).write(to: esGz)
        try gzipCompressed(Data(contentsOf: en)).write(to: enGz)
        let (source, target) = try TextFile.readAligned(es.path, en.path)
        let tsv = dir.appendingPathComponent("train.tsv.gz")
        try gzipCompressed(Data(zip(source, target).map { "\($0)\t\($1)\n" }.joined().utf8)).write(to: tsv)
        let tokenizer = try Self.tokenizer()
        let cache = dir.appendingPathComponent("cache")
        func load(_ files: CorpusFiles) throws -> (corpus: EncodedCorpus, report: CorpusReport?) {
            try EncodedCorpus.load(files, tokenizer: tokenizer, threads: 1, cacheDirectory: cache)
        }
        let plain = try load(.aligned(source: es.path, target: en.path))
        #expect(plain.corpus.count == 305 && plain.report == nil)
        for _ in 0..<2 {
            let compressed = try load(.aligned(source: esGz.path, target: enGz.path))
            #expect(compressed.corpus == plain.corpus && compressed.report == nil)
            let tabSeparated = try load(.tabSeparated(tsv.path))
            #expect(tabSeparated.corpus == plain.corpus && tabSeparated.report == CorpusReport(read: 305, kept: 305))
        }
        #expect(plain.corpus.serialized() == EncodedCorpus(sources: try tokenizer.encode(source, threads: 1),
                                                           targets: try tokenizer.encode(target, threads: 1)).serialized())
    }

    /// A cache written with cleaning carries its counts, and a later load reads them back.
    @Test func theCacheKeepsTheCleaningCounts() throws {
        let dir = try Self.directory("cache-counts")
        defer { try? FileManager.default.removeItem(at: dir) }
        let tsv = dir.appendingPathComponent("pairs.tsv")
        try Self.write("hola\thello\nhola\thello\nsí\tsí\nbad line\n", to: tsv)
        let tokenizer = try Self.tokenizer(), cache = dir.appendingPathComponent("cache")
        let cleaning = CorpusCleaning(skipInvalid: true, dropIdentical: true, dropDuplicates: true)
        let first = try EncodedCorpus.load(.tabSeparated(tsv.path), cleaning: cleaning, tokenizer: tokenizer, threads: 1, cacheDirectory: cache)
        let expected = CorpusReport(read: 4, kept: 1, dropped: [.invalidUTF8: 0, .wrongFieldCount: 1, .identical: 1, .duplicate: 1])
        #expect(first.corpus.count == 1 && first.report == expected)
        let second = try EncodedCorpus.load(.tabSeparated(tsv.path), cleaning: cleaning, tokenizer: tokenizer, threads: 1, cacheDirectory: cache)
        #expect(second.corpus == first.corpus && second.report == expected)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).count == 1, "the second load read the cache")
    }

    @Test func aCorruptGzipCorpusNamesTheFileAndOffset() throws {
        let dir = try Self.directory("corrupt")
        defer { try? FileManager.default.removeItem(at: dir) }
        var compressed = try gzipCompressed(Data(contentsOf: Self.tiny.appendingPathComponent("train.en")))
        compressed.removeLast(20)
        let broken = dir.appendingPathComponent("train.en.gz")
        try compressed.write(to: broken)
        #expect {
            try ParallelCorpus.read(.aligned(source: Self.tiny.appendingPathComponent("train.es").path, target: broken.path),
                                    cleaning: CorpusCleaning())
        } throws: { error in
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            return message.contains(broken.path) && message.contains("compressed byte offset \(compressed.count)")
        }
    }

    /// A TSV line without exactly one tab is an error naming the file and line; with
    /// skip_invalid it is skipped and counted, as is a line that is not UTF-8.
    @Test func badTSVLinesNameTheLineOrAreCounted() throws {
        let dir = try Self.directory("tsv")
        defer { try? FileManager.default.removeItem(at: dir) }
        let tsv = dir.appendingPathComponent("pairs.tsv")
        var bytes = Data("uno\tone\nno tab here\ndos\ttwo\ttres\n".utf8)
        bytes.append(contentsOf: [0x61, 0xFF, 0x09, 0x62, 0x0A])
        bytes.append(Data("cuatro\tfour\n\t\n".utf8))
        try bytes.write(to: tsv)
        #expect(throws: CorpusError.wrongFieldCount(path: tsv.path, line: 2, fields: 1)) {
            try ParallelCorpus.read(.tabSeparated(tsv.path), cleaning: CorpusCleaning())
        }
        let message = CorpusError.wrongFieldCount(path: tsv.path, line: 2, fields: 1).errorDescription ?? ""
        #expect(message.hasPrefix("\(tsv.path):2: expected 2 tab-separated fields") && message.contains("--skip-invalid"))

        let skipped = try ParallelCorpus.read(.tabSeparated(tsv.path), cleaning: CorpusCleaning(skipInvalid: true))
        #expect(skipped.source == ["uno", "cuatro", ""] && skipped.target == ["one", "four", ""])
        #expect(skipped.report == CorpusReport(read: 6, kept: 3, dropped: [.invalidUTF8: 1, .wrongFieldCount: 2]))

        // Without skip_invalid, invalid UTF-8 stays the error it always was.
        try Data([0x61, 0xFF, 0x09, 0x62, 0x0A]).write(to: tsv)
        #expect(throws: FileIOError.invalidUTF8(source: tsv.path, line: 1)) {
            try ParallelCorpus.read(.tabSeparated(tsv.path), cleaning: CorpusCleaning())
        }
    }

    /// Aligned files: a pair with a side that is not UTF-8 is an error naming the file and
    /// line, or with skip_invalid skipped and counted.
    @Test func invalidUTF8InAlignedFilesIsAnErrorOrCounted() throws {
        let dir = try Self.directory("utf8")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("a.es"), target = dir.appendingPathComponent("a.en")
        try Self.write("uno\ndos\ntres\n", to: source)
        var bytes = Data("one\n".utf8)
        bytes.append(contentsOf: [0xC3, 0x28, 0x0A])
        bytes.append(Data("three\n".utf8))
        try bytes.write(to: target)
        let files = CorpusFiles.aligned(source: source.path, target: target.path)
        #expect(throws: FileIOError.invalidUTF8(source: target.path, line: 2)) {
            try ParallelCorpus.read(files, cleaning: CorpusCleaning())
        }
        let skipped = try ParallelCorpus.read(files, cleaning: CorpusCleaning(skipInvalid: true))
        #expect(skipped.source == ["uno", "tres"] && skipped.target == ["one", "three"])
        #expect(skipped.report == CorpusReport(read: 3, kept: 2, dropped: [.invalidUTF8: 1]))
    }

    /// train_tsv and train_src/train_tgt replace each other, so a flag overrides a config
    /// file's corpus; one file or command line giving both is refused, and giving neither
    /// names both ways.
    @Test func tsvAndAlignedFilesReplaceEachOther() throws {
        var config = try TrainingConfig.load(yaml: "data:\n  train_src: t.es\n  train_tgt: t.en\n  valid_tsv: v.tsv\n", source: "c.yaml")
        try CommandLineSettings.apply(["--train-tsv", "train.tsv.gz", "--valid-src", "v.es", "--valid-tgt", "v.en"], to: &config)
        #expect(try config.corpusFiles(.train) == .tabSeparated("train.tsv.gz"))
        #expect(try config.corpusFiles(.valid) == .aligned(source: "v.es", target: "v.en"))
        #expect(throws: ConfigError.conflicting("the command line gives both train_tsv and train_src; give one")) {
            try CommandLineSettings.apply(["--train-src", "a", "--train-tsv", "b"], to: &config)
        }
        #expect(throws: ConfigError.conflicting("c.yaml gives both valid_tsv and valid_tgt; give one")) {
            try TrainingConfig.load(yaml: "valid_tgt: a\nvalid_tsv: b\n", source: "c.yaml")
        }
        config.trainSrc = "train.es"
        #expect(throws: ConfigError.self, "set in code, both forms are still refused") { try config.corpusFiles(.train) }
        #expect(throws: ConfigError.missing(key: "valid_src (or valid_tsv)")) { try TrainingConfig().corpusFiles(.valid) }
    }
}
