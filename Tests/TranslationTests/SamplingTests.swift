import Foundation
import Testing
import Tensor
import TestSupport
import Transformer
@testable import Translation

/// Sampling: reproducible from the seed whatever the batching, and top-k / top-p keep
/// exactly the tokens they should.
@Suite(.timeLimit(.minutes(10))) struct SamplingTests {
    let model: TransformerModel
    let sources: [[Int32]] = [[4, 5, 6, 7, 8, 9, 10], [11], [5, 5, 12, 7], [9, 10], [12, 11, 10, 9, 8], [6, 4, 6]]

    init() throws {
        model = try ModelSearchTests.model(eosScale: -1)
    }

    func sample(_ options: SearchOptions, batchSize: Int, firstSentence: Int = 0) throws -> [[[Int32]]] {
        try Translator(model: model, options: options, batchSize: batchSize)
            .translate(sources, prefixes: [], firstSentence: firstSentence, options: options).hypotheses
            .map { $0.map(\.tokens) }
    }

    @Test func seededSamplesDoNotDependOnBatching() throws {
        let options = SearchOptions(maxLenA: 1, maxLenB: 4, nbest: 3, sampling: true, temperature: 1.5, seed: 11)
        let together = try sample(options, batchSize: sources.count)
        #expect(together.allSatisfy { $0.count == 3 })
        #expect(try sample(options, batchSize: 1) == together)
        #expect(try sample(options, batchSize: 4) == together)
        #expect(try sample(options, batchSize: sources.count) == together, "the same seed draws the same")
        var other = options
        other.seed = 12
        #expect(try sample(other, batchSize: sources.count) != together, "another seed draws otherwise")
        // A sentence's stream is chosen by its number, not by its place in the call.
        let shifted = try sample(options, batchSize: 2, firstSentence: 1)
        #expect(shifted != together)
    }

    /// A scripted first step over 8 tokens; any prefix after it ends the sample.
    static let table: [[[Int32]: [Float]]] = [[[]: [0, 0, 0.05, 0.05, 0.4, 0.3, 0.15, 0.05]]]

    func firstTokens(_ options: SearchOptions) throws -> [Int32: Int] {
        let scorer = ScriptedScorer(vocabularySize: 8, eos: 2, pad: 1, tables: Self.table)
        var counts: [Int32: Int] = [:]
        for seed in 0..<20 {
            var o = options
            o.seed = UInt64(seed)
            for h in try SamplingSearch(options: o).search([[4]], scorer: scorer)[0] { counts[h.tokens.first ?? 2, default: 0] += 1 }
        }
        return counts
    }

    @Test func topKDrawsOnlyTheKBest() throws {
        let counts = try firstTokens(SearchOptions(maxLenB: 3, minLen: 0, nbest: 50, sampling: true, samplingTopK: 2))
        #expect(Set(counts.keys) == [4, 5])
        #expect(counts.values.reduce(0, +) == 1000)
        // 0.4 / 0.7 of the draws, within sampling noise (σ ≈ 0.016).
        #expect(abs(Double(counts[4]!) / 1000 - 0.4 / 0.7) < 0.06)
    }

    @Test func topPDrawsFromTheSmallestSetReachingP() throws {
        let options = SearchOptions(maxLenB: 3, minLen: 0, nbest: 50, sampling: true)
        var o = options
        o.samplingTopP = 0.75                              // 0.4 + 0.3 < 0.75 ≤ 0.4 + 0.3 + 0.15
        #expect(Set(try firstTokens(o).keys) == [4, 5, 6])
        o.samplingTopP = 0.35
        #expect(Set(try firstTokens(o).keys) == [4])
        #expect(Set(try firstTokens(options).keys) == [2, 3, 4, 5, 6, 7], "no truncation: every token of p > 0")
    }

    @Test func keptCandidates() {
        let probabilities: [Float] = [0.1, 0.25, 0, 0.25, 0.4]
        let logs = probabilities.map { log($0) }
        func kept(_ k: Int, _ p: Float) -> [Int32] { SamplingSearch.kept(logs, 5, topK: k, topP: p).map(\.token) }
        #expect(kept(0, 1) == [0, 1, 3, 4])
        #expect(kept(0, 0.5) == [4, 1])                     // 0.4 < 0.5 ≤ 0.65; ties to the smaller id
        #expect(kept(0, 0.3) == [4])
        #expect(kept(0, 0.95) == [4, 1, 3, 0])
        #expect(kept(2, 1) == [4, 1])
        #expect(kept(3, 0.6) == [4, 1])                    // over the top 3 (0.9): 0.4 / 0.9 < 0.6
        #expect(SamplingSearch.pick(0, from: [(4, 0.4), (1, 0.25)]) == 4)
        #expect(SamplingSearch.pick(0.7, from: [(4, 0.4), (1, 0.25)]) == 1)
        #expect(SamplingSearch.pick(0.5, from: []) == nil)
    }

    @Test(arguments: [
        (SearchOptions(sampling: true, samplingTopP: 0), "sampling-topp must be a number in (0, 1], got 0.0"),
        (SearchOptions(sampling: true, samplingTopP: 1.5), "sampling-topp must be a number in (0, 1], got 1.5"),
        (SearchOptions(sampling: true, samplingTopK: -1), "sampling-topk must not be negative, got -1"),
        (SearchOptions(temperature: 0), "temperature must be a number > 0, got 0.0"),
        (SearchOptions(temperature: -1), "temperature must be a number > 0, got -1.0"),
        (SearchOptions(repetitionPenalty: 0), "repetition-penalty must be a number > 0, got 0.0"),
        (SearchOptions(samplingTopK: 5), "sampling-topk must be 0 without sampling, got 5"),
    ])
    func badOptionsAreRejected(options: SearchOptions, message: String) {
        #expect(throws: SearchError.self) { try options.validate() }
        do { try options.validate() } catch { #expect(error.localizedDescription == message) }
    }

    @Test func samplingAllowsMoreSamplesThanTheBeam() throws {
        try SearchOptions(beam: 2, nbest: 8, sampling: true).validate()
        #expect(throws: SearchError.invalidNBest(nbest: 8, beam: 2)) { try SearchOptions(beam: 2, nbest: 8).validate() }
    }
}
