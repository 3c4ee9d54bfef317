import Foundation
import Testing
import Tensor
import TestSupport
import Transformer
@testable import Translation

/// The repetition penalty and the temperature act on the logits before the softmax, as
/// CTranslate2 and fairseq document them; the attention a step reports is the last
/// layer's, averaged over the heads.
@Suite(.timeLimit(.minutes(10))) struct ScoringOptionsTests {
    let model: TransformerModel
    let source: [Int32] = [4, 5, 6]
    let target: [Int32] = [5, 5, 7, 8, 9, 10, 11, 12, 4, 6]

    init() throws {
        model = try Fixture.model(Fixture.config(preNorm: true, sharing: .decoderInputOutput))
    }

    /// The full forward pass's logits after reading eos + target (target.count + 1 rows).
    func referenceLogits() throws -> [[Float]] {
        let batch = Batch(sources: [source], targets: [target], padID: model.config.padID, eosID: model.config.eosID)
        let logits = model.forward(batch, mode: .inference, workspace: Workspace())
        let v = model.config.targetVocabularySize
        return (0...target.count).map { r in (0..<v).map { logits.data[r * v + $0] } }
    }

    func logSoftmax(_ x: [Float]) -> [Float] {
        let m = Double(x.max()!), s = x.reduce(0.0) { $0 + exp(Double($1) - m) }
        return x.map { Float(Double($0) - m - log(s)) }
    }

    /// The scorer's rows while it is fed eos + target.
    func scorerRows(_ options: ScoringOptions) throws -> [[Float]] {
        let scorer = ModelScorer(model: model)
        try scorer.start(sources: [source], hypothesesPerSentence: 1, steps: target.count + 1, options: options)
        return ([model.config.eosID] + target).map { token in
            let row = scorer.step(tokens: [token]).toArray()
            #expect(scorer.attention?.shape == (options.attention ? Shape(1, source.count + 1) : nil))
            return row
        }
    }

    @Test(arguments: [Float(1.5), 0.5])
    func repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits(penalty: Float) throws {
        let logits = try referenceLogits()
        let rows = try scorerRows(ScoringOptions(repetitionPenalty: penalty, temperature: 0.8))
        var penalizedSomething = (positive: false, negative: false)
        for (t, row) in rows.enumerated() {
            var expected = logits[t]
            for token in Set(target.prefix(t)) {          // what the hypothesis holds before step t
                let x = expected[Int(token)]
                expected[Int(token)] = x > 0 ? x / penalty : x * penalty
                if x > 0 { penalizedSomething.positive = true } else { penalizedSomething.negative = true }
            }
            expectClose(row, logSoftmax(expected.map { $0 / 0.8 }), atol: 1e-5, rtol: 0, "step \(t)")
        }
        // Both signs were met, and the first step (nothing generated yet) is unpenalized.
        #expect(penalizedSomething.positive && penalizedSomething.negative)
        expectClose(rows[0], logSoftmax(logits[0].map { $0 / 0.8 }), atol: 1e-5, rtol: 0, "first step")
    }

    @Test func plainScoresAreUnchangedByAttention() throws {
        let plain = try scorerRows(ScoringOptions())
        let withAttention = try scorerRows(ScoringOptions(attention: true))
        #expect(plain == withAttention)
        for (row, expected) in zip(plain, try referenceLogits().map(logSoftmax)) {
            expectClose(row, expected, atol: 1e-5, rtol: 0, "log-probabilities")
        }
    }

    /// The decoder's averaged attention is a distribution over each row's own source
    /// positions (eos included), zero past them, in a batch of unequal sources.
    @Test func attentionRowsAreDistributionsOverTheSource() throws {
        let sources: [[Int32]] = [[4, 5, 6, 7, 8], [9], [10, 11]]
        let scorer = ModelScorer(model: model)
        try scorer.start(sources: sources, hypothesesPerSentence: 2, steps: 4, options: ScoringOptions(attention: true))
        _ = scorer.step(tokens: Array(repeating: model.config.eosID, count: 6))
        scorer.select([1, 0, 3, 4, 5])
        _ = scorer.step(tokens: [5, 6, 7, 8, 9])
        let attention = try #require(scorer.attention)
        #expect(attention.shape == Shape(5, 6))
        for (row, sentence) in [0, 0, 1, 2, 2].enumerated() {
            let n = sources[sentence].count + 1, a = (0..<6).map { attention.data[row * 6 + $0] }
            #expect(abs(a.prefix(n).reduce(0, +) - 1) <= 1e-5, "row \(row): \(a)")
            #expect(a.prefix(n).allSatisfy { $0 > 0 } && a.dropFirst(n).allSatisfy { $0 == 0 }, "row \(row): \(a)")
        }
    }
}
