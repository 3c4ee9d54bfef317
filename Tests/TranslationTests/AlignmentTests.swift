import Foundation
import Testing
import Tensor
import TestSupport
import Transformer
@testable import Translation

/// Hard alignments: one source position per target token, the one the step that chose
/// the token attended to most, following each hypothesis through beam reordering.
@Suite(.timeLimit(.minutes(10))) struct AlignmentTests {
    typealias W = FairseqVocabulary

    /// On fairseq's scripted tables, each row attends to a position that depends on the
    /// hypothesis it holds (`ScriptedScorer.attendedPosition`): a row that kept another
    /// row's alignment history after a reorder would fail.
    @Test(arguments: [(2, false), (3, false), (1, false), (1, true)])
    func alignmentFollowsEachHypothesis(beam: Int, sampling: Bool) throws {
        let sources: [[Int32]] = [[W.w1, W.w2, W.w1], [W.w2, W.w2]]
        let options = SearchOptions(beam: beam, nbest: beam, sampling: sampling, alignment: true)
        let scorer = W.scorer()
        let results = if sampling {
            try SamplingSearch(options: options).search(sources, scorer: scorer)
        } else if beam == 1 {
            try GreedySearch(options: options).search(sources, scorer: scorer)
        } else {
            try BeamSearch(options: options).search(sources, scorer: scorer)
        }
        #expect(results.map(\.count) == [beam, beam])
        for (source, hypotheses) in zip(sources, results) {
            for h in hypotheses {
                let expected = h.tokens.indices.map {
                    ScriptedScorer.attendedPosition(Array(h.tokens.prefix($0)), sourceTokens: source.count)
                }
                #expect(h.alignment == expected, "\(h.tokens)")
            }
        }
        var plain = options
        plain.alignment = false
        #expect(try BeamSearch(options: plain).search(sources, scorer: scorer).joined().allSatisfy { $0.alignment == nil })
    }

    @Test func pharaohPairsAreSourceDashTarget() {
        let h = TextHypothesis(text: "", score: 0, logProbability: 0, tokens: 3, alignment: [0, 2, 2])
        #expect(h.pharaohAlignment == "0-0 2-1 2-2")
        #expect(TextHypothesis(text: "", score: 0, logProbability: 0, tokens: 0).pharaohAlignment == nil)
    }
}
