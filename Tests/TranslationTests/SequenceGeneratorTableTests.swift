import Testing
@testable import Translation

/// fairseq's tests/test_sequence_generator.py (TestSequenceGenerator) on the same
/// probability tables: exact hypotheses and scores, beam 2 as there, plus beam 1 and 3.
@Suite(.timeLimit(.minutes(10))) struct SequenceGeneratorTableTests {
    typealias W = FairseqVocabulary
    let w1 = W.w1, w2 = W.w2

    func search(_ options: SearchOptions) throws -> [[Hypothesis]] {
        try BeamSearch(options: options).search(W.sources, scorer: W.scorer())
    }

    @Test func withNormalization() throws {
        let hypotheses = try search(SearchOptions(beam: 2, nbest: 2))
        expectHypothesis(hypotheses[0].first, [w1], [0.9, 1.0])
        expectHypothesis(hypotheses[0].last, [w2, w1, w2], [0.1, 0.9, 0.9, 1.0])
        expectHypothesis(hypotheses[1].first, [w1, w2, w1], [0.7, 0.4, 0.4, 1.0])
        expectHypothesis(hypotheses[1].last, [w1, w2], [0.7, 0.4, 0.6])
    }

    /// lenpen 0 is fairseq's normalize_scores=False: sentence 2's hypotheses swap order.
    @Test func withoutNormalization() throws {
        let hypotheses = try search(SearchOptions(beam: 2, lenpen: 0, nbest: 2))
        expectHypothesis(hypotheses[0].first, [w1], [0.9, 1.0], lenpen: 0)
        expectHypothesis(hypotheses[0].last, [w2, w1, w2], [0.1, 0.9, 0.9, 1.0], lenpen: 0)
        expectHypothesis(hypotheses[1].first, [w1, w2], [0.7, 0.4, 0.6], lenpen: 0)
        expectHypothesis(hypotheses[1].last, [w1, w2, w1], [0.7, 0.4, 0.4, 1.0], lenpen: 0)
    }

    @Test func lengthPenaltyFavouringShortHypotheses() throws {
        let hypotheses = try search(SearchOptions(beam: 2, lenpen: 0.6, nbest: 2))
        expectHypothesis(hypotheses[0].first, [w1], [0.9, 1.0], lenpen: 0.6)
        expectHypothesis(hypotheses[0].last, [w2, w1, w2], [0.1, 0.9, 0.9, 1.0], lenpen: 0.6)
        expectHypothesis(hypotheses[1].first, [w1, w2], [0.7, 0.4, 0.6], lenpen: 0.6)
        expectHypothesis(hypotheses[1].last, [w1, w2, w1], [0.7, 0.4, 0.4, 1.0], lenpen: 0.6)
    }

    @Test func lengthPenaltyFavouringLongHypotheses() throws {
        let hypotheses = try search(SearchOptions(beam: 2, lenpen: 5, nbest: 2))
        expectHypothesis(hypotheses[0].first, [w2, w1, w2], [0.1, 0.9, 0.9, 1.0], lenpen: 5)
        expectHypothesis(hypotheses[0].last, [w1], [0.9, 1.0], lenpen: 5)
        expectHypothesis(hypotheses[1].first, [w1, w2, w1], [0.7, 0.4, 0.4, 1.0], lenpen: 5)
        expectHypothesis(hypotheses[1].last, [w1, w2], [0.7, 0.4, 0.6], lenpen: 5)
    }

    /// fairseq's test_maxlen (max_len_b = 2); the same limit from max-len-a: the sources
    /// have 2 tokens + eos, ⌊0.5 · 3⌋ + 1 = 2.
    @Test(arguments: [(0.0, 2), (0.5, 1)])
    func maximumLength(a: Double, b: Int) throws {
        let hypotheses = try search(SearchOptions(beam: 2, maxLenA: a, maxLenB: b, nbest: 2))
        expectHypothesis(hypotheses[0].first, [w1], [0.9, 1.0])
        expectHypothesis(hypotheses[0].last, [w2, w2], [0.1, 0.1, 0.6])
        expectHypothesis(hypotheses[1].first, [w1, w2], [0.7, 0.4, 0.6])
        expectHypothesis(hypotheses[1].last, [w2, w2], [0.3, 0.9, 0.01])
    }

    /// Beam 1 keeps the best candidate; greedy search makes the same choices.
    @Test func beamOneAndGreedy() throws {
        let options = SearchOptions(beam: 1)
        let beam = try search(options)
        let greedy = try GreedySearch(options: options).search(W.sources, scorer: W.scorer())
        #expect(beam == greedy)
        #expect(beam.map(\.count) == [1, 1])
        expectHypothesis(beam[0].first, [w1], [0.9, 1.0])
        expectHypothesis(beam[1].first, [w1, w2], [0.7, 0.4, 0.6])
    }

    /// Worked by hand on the same tables (prefixes outside them end with eos, p = 1).
    /// Sentence 1: [w1] ends at step 1; at step 2 w2 w2 eos (0.006) ranks third, inside
    /// the beam of 3, so it ends there; at step 3 w2 w1 w2 eos fills the list.
    /// Sentence 2: w1 eos (0.175) ranks fourth at step 1 and never ends; at step 2
    /// w1 w1 eos (0.245) and w1 w2 eos (0.168) rank second and third.
    @Test func beamThree() throws {
        let hypotheses = try search(SearchOptions(beam: 3, nbest: 3))
        #expect(hypotheses.map(\.count) == [3, 3])
        expectHypothesis(hypotheses[0][0], [w1], [0.9, 1.0])
        expectHypothesis(hypotheses[0][1], [w2, w1, w2], [0.1, 0.9, 0.9, 1.0])
        expectHypothesis(hypotheses[0][2], [w2, w2], [0.1, 0.1, 0.6])
        expectHypothesis(hypotheses[1][0], [w1, w1], [0.7, 0.35, 1.0])
        expectHypothesis(hypotheses[1][1], [w1, w2, w1], [0.7, 0.4, 0.4, 1.0])
        expectHypothesis(hypotheses[1][2], [w1, w2], [0.7, 0.4, 0.6])
    }

    @Test func nbestKeepsTheBest() throws {
        let hypotheses = try search(SearchOptions(beam: 3, nbest: 1))
        #expect(hypotheses.map(\.count) == [1, 1])
        expectHypothesis(hypotheses[0][0], [w1], [0.9, 1.0])
        expectHypothesis(hypotheses[1][0], [w1, w1], [0.7, 0.35, 1.0])
    }
}
