import Checkpoints
import Foundation
import Testing
import TestSupport
import Tokenizer
@testable import Training
import Translation

/// Training on two weighted corpora, one of them tagged with a target language: the
/// tags reach the model, train.jsonl names the corpora, and a resumed run is bitwise the
/// uninterrupted one (the sampler's state travels in the checkpoint).
@Suite(.serialized, .timeLimit(.minutes(10))) struct WeightedCorporaTrainingTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func directory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-weighted-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Corpus "main": the tiny corpus' first 40 pairs as two files, weight 1; corpus
    /// "tagged": its next 20 pairs as a TSV file, weight 3, target language de. An epoch
    /// (60 pairs) takes 15 of main's and 45 of tagged's, so tagged's passes run ahead of
    /// main's and the state at an epoch start is never the initial one.
    static func config(data: URL, maxUpdate: Int) throws -> TrainingConfig {
        let tiny = repository.appendingPathComponent("corpora/tiny-es-en")
        let es = try TextFileLines(tiny.appendingPathComponent("train.es")), en = try TextFileLines(tiny.appendingPathComponent("train.en"))
        try (es.lines[0..<40].joined(separator: "\n") + "\n").write(to: data.appendingPathComponent("main.es"), atomically: true, encoding: .utf8)
        try (en.lines[0..<40].joined(separator: "\n") + "\n").write(to: data.appendingPathComponent("main.en"), atomically: true, encoding: .utf8)
        let tsv = (40..<60).map { "\(es.lines[$0])\t\(en.lines[$0])\n" }.joined()
        try tsv.write(to: data.appendingPathComponent("tagged.tsv"), atomically: true, encoding: .utf8)
        var config = try TrainingConfig.load(yamlFile: repository.appendingPathComponent("configs/tiny.yaml").path)
        config = try TrainingConfig.load(yaml: """
            corpora:
              - {name: main, src: \(data.path)/main.es, tgt: \(data.path)/main.en, weight: 1}
              - {name: tagged, tsv: \(data.path)/tagged.tsv, weight: 3, target_language: de}
            valid_src: \(tiny.path)/valid.es
            valid_tgt: \(tiny.path)/valid.en
            """, source: "test.yaml", onto: config)
        config.maxUpdate = maxUpdate
        config.validateIntervalUpdates = 5
        config.maxTokens = 256
        config.threads = 1
        config.vocabSize = 150
        return config
    }

    /// The run's tokenizer has >>de<< as one piece; every source of the tagged corpus (and
    /// none of the other) starts with its id, and a translator told to use de puts it first.
    @Test func tagsReachTheModel() throws {
        let data = try Self.directory("tags-data"), out = try Self.directory("tags")
        defer { try? FileManager.default.removeItem(at: data); try? FileManager.default.removeItem(at: out) }
        let trainer = try Trainer(config: try Self.config(data: data, maxUpdate: 1), output: out, resume: false, overwrite: true,
                                  showProgress: false)
        let runTokenizer = try trainer.tokenizer()
        let tokenizer = try #require(runTokenizer.tokenizer as? SentencePieceModel)
        let tag = try TargetLanguageTag(language: "de")
        let id = try tag.id(in: tokenizer)
        #expect(tokenizer.piece(of: id) == ">>de<<")
        #expect(TargetLanguageTag.known(in: tokenizer) == [tag])
        #expect(try tokenizer.encodeAsPieces("hola >>de<< mundo").contains(">>de<<"), "a user-defined symbol stays one piece")
        let (corpus, ranges) = try trainer.trainingCorpus(runTokenizer)
        #expect(ranges == [0..<40, 40..<60])
        #expect(corpus.sources[40...].allSatisfy { $0.first == id } && corpus.sources[..<40].allSatisfy { !$0.contains(id) })

        let summary = try trainer.run()
        let checkpoint = try ModelCheckpoint(directory: out.appendingPathComponent("checkpoints/last").resolvingSymlinksInPath())
        #expect(checkpoint.tokenizer.targetLanguages == ["de"])
        let translator = try TextTranslator(model: checkpoint.model, tokenizer: try checkpoint.tokenizer.forTranslation(targetLanguage: "de"),
                                            options: SearchOptions(beam: 1), batchSize: 4)
        #expect(try translator.encode(["hola mundo", ""]).map(\.first) == [id, nil], "the tag leads; an empty line stays empty")
        #expect(throws: TokenizerError.unknownTargetLanguage("fr", known: ["de"])) {
            try checkpoint.tokenizer.forTargetLanguage("fr")
        }
        #expect(throws: TokenizerError.missingTargetLanguage(known: ["de"])) {
            try checkpoint.tokenizer.forTranslation(targetLanguage: nil)
        }
        #expect(summary.updates == 1)
        let log = try String(contentsOf: out.appendingPathComponent("train.jsonl"), encoding: .utf8)
        let weights = log.split(separator: "\n").filter { $0.contains("\"kind\": \"corpus_weight\"") }
        #expect(weights.count == 2)
        #expect(weights.first { $0.contains("\"corpus\": \"tagged\"") }?.contains("\"share\": 0.75") == true)
        #expect(weights.first { $0.contains("\"corpus\": \"tagged\"") }?.contains("\"target_language\": \"de\"") == true)
        #expect(weights.first { $0.contains("\"corpus\": \"main\"") }?.contains("\"weight\": 1.0") == true)
    }

    /// Stopped at update 7 (inside the third epoch) and resumed to update 14: the weights
    /// and the sampler's state equal the straight run's.
    @Test func resumeWithTwoWeightedCorporaIsBitwiseIdentical() throws {
        let data = try Self.directory("resume-data")
        let straight = try Self.directory("straight"), interrupted = try Self.directory("interrupted")
        defer { for url in [data, straight, interrupted] { try? FileManager.default.removeItem(at: url) } }
        let n = 14
        _ = try Trainer(config: try Self.config(data: data, maxUpdate: n), output: straight, resume: false, overwrite: true,
                        showProgress: false).run()
        let first = try Trainer(config: try Self.config(data: data, maxUpdate: 7), output: interrupted, resume: false,
                                overwrite: true, showProgress: false).run()
        #expect(first.updates == 7 && first.epochs >= 2, "the stop falls after an epoch boundary (epoch \(first.epochs))")
        let stopped = try Self.progress(interrupted.appendingPathComponent("checkpoints/update-00000007"))
        #expect(stopped.sampler != nil && stopped.sampler != CorpusSamplerState(corpora: 2))
        _ = try Trainer(config: try Self.config(data: data, maxUpdate: n), output: interrupted, resume: true, overwrite: false,
                        showProgress: false).run()
        let name = "checkpoints/update-000000\(n)"
        #expect(try Data(contentsOf: straight.appendingPathComponent(name + "/model.safetensors"))
                == Data(contentsOf: interrupted.appendingPathComponent(name + "/model.safetensors")),
                "weights after \(n) updates differ between the straight and the resumed run")
        var a = try Self.progress(straight.appendingPathComponent(name)), b = try Self.progress(interrupted.appendingPathComponent(name))
        a.elapsedSeconds = 0; b.elapsedSeconds = 0
        #expect(a == b)
    }

    static func progress(_ checkpoint: URL) throws -> TrainingProgress {
        let loaded = try ModelCheckpoint(directory: checkpoint)
        return try loaded.restore(into: AdamW(table: loaded.model.table, hyperparameters: .init()))
    }
}

/// A text file's lines, for slicing test corpora.
struct TextFileLines {
    let lines: [String]
    init(_ url: URL) throws {
        lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
