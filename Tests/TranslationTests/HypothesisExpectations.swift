import Foundation
import Testing
import Translation

/// fairseq's assertHypoTokens + assertHypoScore: exact tokens (without eos here), the
/// positional scores log(p) and the score Σ log p / length^lenpen, length counting eos.
func expectHypothesis(_ hypothesis: Hypothesis?, _ tokens: [Int32], _ probabilities: [Float], lenpen: Float = 1,
                      sourceLocation: SourceLocation = #_sourceLocation) {
    guard let hypothesis else {
        Issue.record("missing hypothesis \(tokens)", sourceLocation: sourceLocation)
        return
    }
    #expect(hypothesis.tokens == tokens, sourceLocation: sourceLocation)
    let expected = probabilities.map { log($0) }
    #expect(hypothesis.positionalScores.count == expected.count, "positional scores of \(tokens)",
            sourceLocation: sourceLocation)
    for (a, e) in zip(hypothesis.positionalScores, expected) {
        #expect(abs(a - e) <= 1e-6, "positional score \(a), expected \(e) in \(tokens)", sourceLocation: sourceLocation)
    }
    let score = expected.reduce(0, +) / pow(Float(expected.count), lenpen)
    #expect(abs(hypothesis.score - score) <= 1e-6, "score \(hypothesis.score), expected \(score) for \(tokens)",
            sourceLocation: sourceLocation)
}
