import Testing
@testable import Translation

/// fairseq's rules one by one, on scripted tables.
@Suite(.timeLimit(.minutes(10))) struct SearchRuleTests {
    typealias W = FairseqVocabulary
    let w1 = W.w1, w2 = W.w2, eos = W.eos, pad = W.pad, unk = W.unk

    /// Only eos candidates among the first `beam` end a hypothesis, and the beam is then
    /// refilled from the candidates after them. Sentence 2 of fairseq's tables, beam 2,
    /// unnormalised: w1 eos (0.175) would beat both results but ranks fourth at step 1;
    /// at step 2 w1 w2 eos ranks second, and w1 w2 w1 (third) joins w2 w2 w2.
    @Test func eosInTheMiddleOfTheBeam() throws {
        let scorer = W.scorer()
        let hypotheses = try BeamSearch(options: SearchOptions(beam: 2, lenpen: 0, nbest: 2)).search(W.sources, scorer: scorer)
        expectHypothesis(hypotheses[1][0], [w1, w2], [0.7, 0.4, 0.6], lenpen: 0)
        expectHypothesis(hypotheses[1][1], [w1, w2, w1], [0.7, 0.4, 0.4, 1.0], lenpen: 0)
        // Rows fed at the last step (step 3): sentence 1 kept w2 w1 w2 and w2 w1 w1,
        // sentence 2 w2 w2 w2 and w1 w2 w1 (eos first, as the decoder reads it).
        #expect(scorer.fed == [[eos, w2, w1, w2], [eos, w2, w1, w1], [eos, w2, w2, w2], [eos, w1, w2, w1]])
    }

    /// With min-len 3, eos is forbidden for the first 3 steps: [w1] cannot end.
    @Test func minimumLength() throws {
        let hypotheses = try BeamSearch(options: SearchOptions(beam: 2, minLen: 3, nbest: 2))
            .search([W.sources[0]], scorer: W.scorer())
        #expect(hypotheses[0].count == 2)
        expectHypothesis(hypotheses[0][0], [w2, w1, w2], [0.1, 0.9, 0.9, 1.0])
        expectHypothesis(hypotheses[0][1], [w2, w1, w1], [0.1, 0.9, 0.1, 1.0])
    }

    /// When the minimum length exceeds the maximum, the maximum wins: hypotheses end
    /// with eos at max-len 2 although min-len 5 forbids it.
    @Test func maximumLengthWinsOverMinimumLength() throws {
        let hypotheses = try BeamSearch(options: SearchOptions(beam: 2, maxLenB: 2, minLen: 5, nbest: 2))
            .search([W.sources[0]], scorer: W.scorer())
        expectHypothesis(hypotheses[0][0], [w2, w2], [0.1, 0.1, 0.6])
        #expect(hypotheses[0].count == 1)       // w2 w1 eos has probability 0
    }

    /// A sentence whose every continuation has probability 0 ends without hypotheses.
    @Test func noPossibleContinuationGivesNoHypothesis() throws {
        let tables: [[[Int32]: [Float]]] = [
            [[]: W.p(0, 0, 1, 0), [W.w1]: W.p(0, 0, 0, 0)],
            [[]: W.p(0, 0, 0, 1)],
        ]
        for search in [{ try BeamSearch(options: SearchOptions(beam: 2)).search(W.sources, scorer: $0) },
                       { try GreedySearch(options: SearchOptions(beam: 1)).search(W.sources, scorer: $0) }] {
            let hypotheses = try search(W.scorer(tables))
            #expect(hypotheses[0].isEmpty)
            expectHypothesis(hypotheses[1].first, [w2], [1, 1])
        }
    }

    /// A table where the best path repeats a token: a a a (0.8 · 0.7 · 0.7).
    static let repeating: [[[Int32]: [Float]]] = [[
        []: W.p(0, 0, 0.8, 0.2),
        [W.w1]: W.p(0.1, 0, 0.7, 0.2),
        [W.w1, W.w1]: W.p(0.3, 0, 0.7, 0),
        [W.w1, W.w2]: W.p(0.9, 0, 0.1, 0),
    ]]

    /// no-repeat-ngram 2 forbids the bigram w1 w1 a second time; 3 allows w1 w1 w1,
    /// whose trigrams eos w1 w1 and w1 w1 w1 differ.
    @Test func noRepeatNgram() throws {
        func greedy(_ n: Int) throws -> Hypothesis? {
            try GreedySearch(options: SearchOptions(beam: 1, noRepeatNgram: n))
                .search([[w1]], scorer: W.scorer(Self.repeating))[0].first
        }
        expectHypothesis(try greedy(0), [w1, w1, w1], [0.8, 0.7, 0.7, 1.0])
        expectHypothesis(try greedy(2), [w1, w1], [0.8, 0.7, 0.3])
        expectHypothesis(try greedy(3), [w1, w1, w1], [0.8, 0.7, 0.7, 1.0])
        let beam = try BeamSearch(options: SearchOptions(beam: 2, nbest: 2, noRepeatNgram: 2))
            .search([[w1]], scorer: W.scorer(Self.repeating))
        expectHypothesis(beam[0][0], [w1, w1], [0.8, 0.7, 0.3])
        expectHypothesis(beam[0][1], [w2], [0.2, 1.0])
    }

    /// fairseq's _no_repeat_ngram: the tokens that followed the last n − 1 tokens before.
    /// The history starts with the eos the decoder reads, so with n = 1 eos is banned too.
    @Test func bannedTokensFollowFairseq() {
        let trigrams = StepConstraints(options: SearchOptions(noRepeatNgram: 3), eos: eos, pad: pad)
        #expect(trigrams.bannedTokens([]) == [])
        #expect(trigrams.bannedTokens([7]) == [])
        #expect(trigrams.bannedTokens([7, 8, 9, 7, 8]) == [9])
        #expect(trigrams.bannedTokens([8, 9, 8, 9, 8]) == [9])
        let unigrams = StepConstraints(options: SearchOptions(noRepeatNgram: 1), eos: eos, pad: pad)
        #expect(unigrams.bannedTokens([4, 5]) == [eos, 4, 5])
    }

    /// pad is never generated even when it is the most probable token; unk is allowed.
    @Test func padNeverUnkAllowed() throws {
        let tables: [[[Int32]: [Float]]] = [
            [[]: [0, 0.9, 0, 0, 0.1, 0]],
            [[]: [0, 0, 0, 0.6, 0.4, 0]],
        ]
        let beam = try BeamSearch(options: SearchOptions(beam: 2)).search(W.sources, scorer: W.scorer(tables))
        expectHypothesis(beam[0].first, [w1], [0.1, 1.0])
        expectHypothesis(beam[1].first, [unk], [0.6, 1.0])
        let greedy = try GreedySearch(options: SearchOptions(beam: 1)).search(W.sources, scorer: W.scorer(tables))
        #expect(greedy == beam)
    }

    /// With stopEarly off (fairseq's former --no-early-stop), sentence 2 goes on after
    /// two hypotheses end: w2 w2 w2 could still reach log(0.13365) / 100, and w2 w2 w2 w1
    /// and w2 w2 w2 w2 (eos p = 1 beyond the table) replace both. Sentence 1's survivors
    /// at step 3 end there, no better than [w1].
    @Test func searchPastTheFirstFinishedBeam() throws {
        let hypotheses = try BeamSearch(options: SearchOptions(beam: 2, nbest: 2, stopEarly: false))
            .search(W.sources, scorer: W.scorer())
        expectHypothesis(hypotheses[0][0], [w1], [0.9, 1.0])
        expectHypothesis(hypotheses[0][1], [w2, w1, w2], [0.1, 0.9, 0.9, 1.0])
        expectHypothesis(hypotheses[1][0], [w2, w2, w2, w1], [0.3, 0.9, 0.99, 0.5, 1.0])
        expectHypothesis(hypotheses[1][1], [w2, w2, w2, w2], [0.3, 0.9, 0.99, 0.4, 1.0])
    }

    /// Finished sentences leave the scorer: sentence 1 of fairseq's tables ends after
    /// step 1 with beam 1, sentence 2 after step 2.
    @Test func finishedSentencesStopCosting() throws {
        let scorer = W.scorer()
        _ = try BeamSearch(options: SearchOptions(beam: 1)).search(W.sources, scorer: scorer)
        #expect(scorer.rowsPerStep == [2, 2, 1])
    }

    @Test func beamLargerThanTheVocabularyAllows() throws {
        #expect(throws: SearchError.beamExceedsVocabulary(beam: 5, vocabularySize: 6)) {
            try BeamSearch(options: SearchOptions(beam: 5)).search(W.sources, scorer: W.scorer())
        }
    }
}
