import Foundation
import Testing
import Tensor
import TestSupport
import Transformer
@testable import Translation

/// ModelScorer keeps each search row's history through `select`, whether it reorders
/// rows or drops the rows of finished sentences (which are then no longer computed).
@Suite(.timeLimit(.minutes(10))) struct ModelScorerTests {
    let model: TransformerModel
    let sources: [[Int32]] = [[4, 5, 6], [7], [8, 9, 10, 11], [12, 4]]

    init() throws {
        model = try Fixture.model(Fixture.config(preNorm: true, sharing: .decoderInputOutput))
    }

    /// Log-probabilities after feeding `histories` (eos first) to a fresh scorer over
    /// `sources`, one row per history.
    func reference(_ sources: [[Int32]], _ histories: [[Int32]]) throws -> [Float] {
        let scorer = ModelScorer(model: model)
        try scorer.start(sources: sources, hypothesesPerSentence: 1, steps: 8)
        var out: [Float] = []
        for t in 0..<histories[0].count { out = scorer.step(tokens: histories.map { $0[t] }).toArray() }
        return out
    }

    /// Four sentences, two rows each: one sentence finishes while the others swap or
    /// duplicate rows, then two more finish.
    @Test func selectReordersAndDropsRows() throws {
        let eos = model.config.eosID
        let scorer = ModelScorer(model: model)
        try scorer.start(sources: sources, hypothesesPerSentence: 2, steps: 8)
        _ = scorer.step(tokens: Array(repeating: eos, count: 8))
        _ = scorer.step(tokens: [4, 5, 6, 7, 8, 9, 10, 11])
        // Sentence 1 is done; the others swap or duplicate their rows.
        scorer.select([1, 0, 5, 5, 7, 6])
        #expect(scorer.computedRows == 6)
        let afterReorder = scorer.step(tokens: [12, 12, 4, 5, 6, 7]).toArray()
        expectClose(afterReorder, try reference([sources[0], sources[0], sources[2], sources[2], sources[3], sources[3]],
                                                 [[eos, 5, 12], [eos, 4, 12], [eos, 9, 4], [eos, 9, 5], [eos, 11, 6], [eos, 10, 7]]),
                    atol: 1e-5, rtol: 0, "log-probabilities after a reorder")
        // Only sentences 0 and 3 go on.
        scorer.select([1, 5, 4])
        #expect(scorer.computedRows == 3)
        let afterDrop = scorer.step(tokens: [9, 9, 10]).toArray()
        expectClose(afterDrop, try reference([sources[0], sources[3], sources[3]],
                                                [[eos, 4, 12, 9], [eos, 10, 7, 9], [eos, 11, 6, 10]]),
                    atol: 1e-5, rtol: 0, "log-probabilities after dropping sentences")
    }

    /// Rows are log-softmax outputs: each sums to probability 1.
    @Test func rowsAreLogProbabilities() throws {
        let scorer = ModelScorer(model: model)
        try scorer.start(sources: sources, hypothesesPerSentence: 1, steps: 2)
        let out = scorer.step(tokens: Array(repeating: model.config.eosID, count: 4))
        let v = scorer.vocabularySize
        for r in 0..<4 {
            let total = (0..<v).reduce(Float(0)) { $0 + exp(out.data[r * v + $1]) }
            #expect(abs(total - 1) <= 1e-5)
        }
    }
}
