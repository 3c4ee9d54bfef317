import Foundation
import Testing
import Tensor
import TestSupport
import Transformer
@testable import Translation

/// Search and scoring on the tiny Transformer of TestSupport.Fixture.
@Suite(.timeLimit(.minutes(10))) struct ModelSearchTests {
    let model: TransformerModel
    /// Sentences of different lengths, so that they finish at different steps.
    let sources: [[Int32]] = [[4, 5, 6, 7, 8, 9, 10], [11], [5, 5, 12, 7], [9, 10], [12, 11, 10, 9, 8], [6, 4, 6]]

    init() throws {
        model = try Self.model(eosScale: 1)
    }

    /// The fixture never predicts eos, so every hypothesis runs to its maximum length;
    /// scaling eos' output embedding by −1 or −1.25 makes hypotheses end by eos at
    /// different steps as well (checked by the tests that use it).
    static let eosScales: [Float] = [1, -1, -1.25]

    static func model(eosScale: Float) throws -> TransformerModel {
        let model = try Fixture.model(Fixture.config(preNorm: false, sharing: .all))
        let d = model.config.modelDim, eos = Int(model.config.eosID)
        for c in 0..<d { model.weights.outputProjection.data[eos * d + c] *= eosScale }
        return model
    }

    func maxLength(_ source: [Int32]) -> Int { source.count + 1 + 4 }    // maxLenA 1, maxLenB 4

    func expectSame(_ a: [[Hypothesis]], _ b: [[Hypothesis]], tolerance: Float,
                    sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.map { $0.map(\.tokens) } == b.map { $0.map(\.tokens) }, sourceLocation: sourceLocation)
        for (x, y) in zip(a.joined(), b.joined()) {
            #expect(abs(x.score - y.score) <= tolerance, "scores \(x.score) and \(y.score) of \(x.tokens)",
                    sourceLocation: sourceLocation)
            expectClose(x.positionalScores, y.positionalScores, atol: Double(tolerance), rtol: 0,
                        "positional scores of \(x.tokens)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: eosScales)
    func beamOneEqualsGreedy(eosScale: Float) throws {
        let model = try Self.model(eosScale: eosScale)
        let options = SearchOptions(beam: 1, maxLenA: 1, maxLenB: 4)
        let beam = try BeamSearch(options: options).search(sources, scorer: ModelScorer(model: model))
        let greedy = try GreedySearch(options: options).search(sources, scorer: ModelScorer(model: model))
        #expect(beam.map(\.count) == Array(repeating: 1, count: sources.count))
        expectSame(beam, greedy, tolerance: 0)
        if eosScale == -1.25 {
            #expect(beam.map { $0[0].tokens.count } == [2, 1, 1, 1, 1, 1])
        } else {
            #expect(beam.map { $0[0].tokens.count } == sources.map(maxLength))
        }
    }

    /// The incremental decoder and the full forward pass give the same forced-decoding
    /// scores, for targets of different lengths (the empty one scores eos alone).
    @Test func forcedDecodingRoutesAgree() throws {
        let targets: [[Int32]] = [[4, 4, 9], [], [12, 11, 10, 9, 8, 7, 6], [5], [1, 2, 3, 4], [8, 8]]
        let full = try ForcedDecoding.score(sources: sources, targets: targets, model: model)
        let incremental = try ForcedDecoding.score(sources: sources, targets: targets, scorer: ModelScorer(model: model))
        #expect(full.map(\.positionalScores.count) == targets.map { $0.count + 1 })
        for (f, i) in zip(full, incremental) {
            expectClose(i.positionalScores, f.positionalScores, atol: 1e-5, rtol: 0, "positional log-probabilities")
            #expect(abs(f.average - f.sum / Float(f.positionalScores.count)) <= 1e-6)
        }
    }

    /// Every hypothesis of the n-best lists scores, by forced decoding, the unnormalised
    /// log-probability search reported for it.
    @Test(arguments: [1, 3], eosScales)
    func forcedScoresEqualSearchScores(beam: Int, eosScale: Float) throws {
        let model = try Self.model(eosScale: eosScale)
        let options = SearchOptions(beam: beam, lenpen: 0.7, maxLenA: 1, maxLenB: 4, nbest: beam)
        let hypotheses = try Translator(model: model, options: options).translate(sources).hypotheses
        let pairs = zip(sources, hypotheses).flatMap { source, list in list.map { (source, $0) } }
        #expect(pairs.count == sources.count * beam)
        let forced = try ForcedDecoding.score(sources: pairs.map(\.0), targets: pairs.map(\.1.tokens), model: model)
        for ((_, hypothesis), score) in zip(pairs, forced) {
            #expect(abs(score.sum - hypothesis.logProbability) <= 1e-5, "\(hypothesis.tokens): \(score.sum) vs \(hypothesis.logProbability)")
            let length = Float(hypothesis.tokens.count + 1)
            #expect(abs(hypothesis.score - hypothesis.logProbability / pow(length, 0.7)) <= 1e-6)
        }
    }

    /// One batch or one sentence at a time: the same hypotheses and scores.
    @Test(arguments: [1, 3], eosScales)
    func batchingDoesNotChangeTranslations(beam: Int, eosScale: Float) throws {
        let model = try Self.model(eosScale: eosScale)
        let options = SearchOptions(beam: beam, maxLenA: 1, maxLenB: 4, nbest: beam)
        let together = try Translator(model: model, options: options, batchSize: sources.count).translate(sources)
        let alone = try Translator(model: model, options: options, batchSize: 1).translate(sources)
        #expect(together.hypotheses.allSatisfy { $0.count == beam })
        expectSame(together.hypotheses, alone.hypotheses, tolerance: 1e-5)
        let pairs = try Translator(model: model, options: options, batchSize: 2).translate(sources)
        expectSame(pairs.hypotheses, alone.hypotheses, tolerance: 1e-5)
    }

    /// With eos scaled by −1, beam 3 finds hypotheses that end by eos and others that
    /// reach the maximum length, in the same batch.
    @Test func hypothesesEndByEosOrAtTheMaximumLength() throws {
        let model = try Self.model(eosScale: -1)
        let options = SearchOptions(beam: 3, maxLenA: 1, maxLenB: 4, nbest: 3)
        let lengths = try Translator(model: model, options: options).translate(sources).hypotheses.map { $0.map(\.tokens.count) }
        #expect(lengths == [[12, 12, 12], [3, 2, 1], [9, 2, 1], [7, 7, 7], [10, 10, 10], [8, 8, 7]])
    }

    /// no-repeat-ngram 2 on the model: no bigram (leading eos included) occurs twice.
    @Test func noRepeatedBigrams() throws {
        let options = SearchOptions(beam: 3, maxLenA: 2, maxLenB: 6, nbest: 3, noRepeatNgram: 2)
        for hypothesis in try Translator(model: model, options: options).translate(sources).hypotheses.joined() {
            let h = [model.config.eosID] + hypothesis.tokens
            let bigrams = zip(h, h.dropFirst()).map { [$0, $1] }
            #expect(Set(bigrams).count == bigrams.count, "\(hypothesis.tokens) repeats a bigram")
            #expect(!hypothesis.tokens.contains(model.config.padID))
        }
    }
}
