import Testing
import TestSupport
@testable import Translation
import Transformer

@Suite(.timeLimit(.minutes(10))) struct TranslatorBatchingTests {
    @Test func batchesRespectSentenceAndTokenLimits() throws {
        let model = try Fixture.model(Fixture.config(preNorm: false, sharing: .all))
        let bySentences = try Translator(model: model, options: SearchOptions(beam: 1), batchSize: 2)
        #expect(bySentences.batches([0, 1, 2, 3, 4], lengths: [3, 3, 4, 5, 9]) == [[0, 1], [2, 3], [4]])
        // Padded tokens: 3 sentences of up to 4 tokens is 12 ≤ 12; a 5-token one would make 20.
        let byTokens = try Translator(model: model, options: SearchOptions(beam: 1), batchSize: 100, maxTokens: 12)
        #expect(byTokens.batches([0, 1, 2, 3, 4], lengths: [3, 3, 4, 5, 20]) == [[0, 1, 2], [3], [4]])
    }

    /// Token batching changes the grouping, not the translations.
    @Test func tokenBatchingGivesTheSameTranslations() throws {
        let model = try Fixture.model(Fixture.config(preNorm: true, sharing: .all))
        let sources: [[Int32]] = [[5, 6, 7], [8, 9], [4, 5, 6, 7, 8, 9], [10], [11, 12, 4]]
        let options = SearchOptions(beam: 2, maxLenA: 0, maxLenB: 6)
        let a = try Translator(model: model, options: options, batchSize: 32).translate(sources)
        let b = try Translator(model: model, options: options, batchSize: 32, maxTokens: 8).translate(sources)
        #expect(a.hypotheses.map { $0.map(\.tokens) } == b.hypotheses.map { $0.map(\.tokens) })
        for (x, y) in zip(a.hypotheses.joined(), b.hypotheses.joined()) { #expect(abs(x.score - y.score) <= 1e-5) }
    }
}
