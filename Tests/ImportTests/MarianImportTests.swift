import Checkpoints
import Foundation
import Testing
import TestSupport
import Tokenizer
import Transformer
import Translation
@testable import Import

/// Imported MarianMT models against transformers (expected.json of each fixture): the
/// tokenizer's ids, forced-decoding log-probabilities by both routes (full forward pass,
/// step decoder), and greedy translations.
@Suite(.timeLimit(.minutes(10))) struct MarianImportTests {
    @Test(arguments: MarianFixture.all)
    func tokenizerIDsEqualTransformers(_ fixture: MarianFixture) throws {
        let checkpoint = try fixture.imported(), lines = try fixture.expected().lines
        let sources = try checkpoint.tokenizer.encode(lines.map(\.source), threads: 1)
        let targets = try checkpoint.tokenizer.encodeTargets(lines.map(\.target), threads: 1)
        let eos = checkpoint.modelConfig.eosID
        for (i, line) in lines.enumerated() {
            // transformers' ids end with eos, which the model adds here.
            #expect(sources[i] + [eos] == line.source_ids, "source \(i): \(line.source)")
            #expect(targets[i] + [eos] == line.target_ids, "target \(i): \(line.target)")
        }
    }

    @Test(arguments: MarianFixture.all)
    func forcedLogProbabilitiesEqualTransformers(_ fixture: MarianFixture) throws {
        let checkpoint = try fixture.imported(), lines = try fixture.expected().lines
        let sources = try checkpoint.tokenizer.encode(lines.map(\.source), threads: 1)
        let targets = try checkpoint.tokenizer.encodeTargets(lines.map(\.target), threads: 1)
        let full = try ForcedDecoding.score(sources: sources, targets: targets, model: checkpoint.model)
        let stepped = try ForcedDecoding.score(sources: sources, targets: targets, scorer: ModelScorer(model: checkpoint.model))
        for (i, line) in lines.enumerated() {
            expectClose(full[i].positionalScores, line.log_probs, atol: 1e-5, rtol: 1e-4, "\(fixture.name) line \(i), forward pass")
            expectClose(stepped[i].positionalScores, line.log_probs, atol: 1e-5, rtol: 1e-4, "\(fixture.name) line \(i), step decoder")
        }
    }

    @Test(arguments: MarianFixture.all)
    func greedyTranslationsEqualTransformersGenerate(_ fixture: MarianFixture) throws {
        let checkpoint = try fixture.imported(), lines = try fixture.expected().lines
        let translator = try TextTranslator(model: checkpoint.model, tokenizer: checkpoint.tokenizer,
                                            options: SearchOptions(beam: 1, maxLenA: 0, maxLenB: 22), batchSize: 4)
        let translations = try translator.translate(lines.map(\.source))
        for (i, line) in lines.enumerated() {
            let ids = try checkpoint.tokenizer.encode([line.source], threads: 1)[0]
            let hypothesis = try translator.search([ids]).hypotheses[0][0]
            #expect(hypothesis.tokens == line.greedy_ids, "\(fixture.name) line \(i): \(line.source)")
            #expect(translations[i].hypotheses[0].text == line.greedy_text, "\(fixture.name) line \(i): \(line.source)")
        }
    }

    /// The fixtures exercise what they are named for.
    @Test func theFixturesCoverTheModelKeys() throws {
        let configs = try MarianFixture.all.map { try $0.imported().modelConfig }
        #expect(configs[0].activation == .swish && configs[0].sharing == .all && configs[0].scaleEmbeddings == true)
        #expect(configs[1].activation == .relu && configs[1].sharing == .none && configs[1].scaleEmbeddings == false)
        #expect(configs[2].activation == .gelu && configs.allSatisfy { $0.positionLayout == .marian && $0.decoderStartID == $0.padID })
        let separate = try MarianFixture.all[1].imported().tokenizerFiles
        #expect(separate[CheckpointFiles.marianSourceModel] != separate[CheckpointFiles.marianTargetModel])
    }

    /// A multilingual model needs its target language; the token goes before the source.
    @Test func targetLanguageTokens() throws {
        let checkpoint = try MarianFixture.all[2].imported()
        #expect(checkpoint.tokenizer.targetLanguages == ["cp", "rv"])
        #expect(throws: TokenizerError.missingTargetLanguage(known: ["cp", "rv"])) {
            try checkpoint.tokenizer.forTranslation(targetLanguage: nil)
        }
        #expect(throws: TokenizerError.unknownTargetLanguage("fr", known: ["cp", "rv"])) {
            try checkpoint.tokenizer.forTranslation(targetLanguage: "fr")
        }
        let tokenizer = try checkpoint.tokenizer.forTranslation(targetLanguage: "rv")
        #expect(try tokenizer.encode(["te lo"], threads: 1) == checkpoint.tokenizer.encode([">>rv<< te lo"], threads: 1))
        let single = try MarianFixture.all[0].imported().tokenizer
        #expect(throws: TokenizerError.unknownTargetLanguage("rv", known: [])) { try single.forTranslation(targetLanguage: "rv") }
        #expect(try single.forTranslation(targetLanguage: nil).encode(["lo"], threads: 1) == single.encode(["lo"], threads: 1))
    }
}
