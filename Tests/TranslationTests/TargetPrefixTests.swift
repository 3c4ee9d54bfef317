import Foundation
import Testing
import Tensor
import TestSupport
import Transformer
@testable import Translation

/// Target prefixes are forced at the first steps of greedy, beam search and sampling;
/// search goes on after them, and their scores are the model's.
@Suite(.timeLimit(.minutes(10))) struct TargetPrefixTests {
    let model: TransformerModel
    let sources: [[Int32]] = [[4, 5, 6, 7], [11], [5, 5, 12], [9, 10]]
    let prefixes: [[Int32]] = [[7, 8], [], [12], [4, 4, 4]]

    init() throws {
        model = try Fixture.model(Fixture.config(preNorm: false, sharing: .all))
    }

    @Test(arguments: [(1, false), (3, false), (1, true)])
    func prefixIsKeptAndScoredByTheModel(beam: Int, sampling: Bool) throws {
        // min-len 4 is longer than every prefix: search must go on after it.
        let options = SearchOptions(beam: beam, maxLenA: 1, maxLenB: 4, minLen: 4, nbest: beam, sampling: sampling, seed: 3)
        let result = try Translator(model: model, options: options).translate(sources, prefixes: prefixes, firstSentence: 0,
                                                                           options: options)
        for (prefix, hypotheses) in zip(prefixes, result.hypotheses) {
            #expect(hypotheses.count == beam)
            for h in hypotheses {
                #expect(Array(h.tokens.prefix(prefix.count)) == prefix, "\(h.tokens) should start with \(prefix)")
                #expect(h.tokens.count > prefix.count, "search goes on after the prefix")
            }
        }
        let pairs = zip(sources, result.hypotheses).flatMap { source, list in list.map { (source, $0) } }
        let forced = try ForcedDecoding.score(sources: pairs.map(\.0), targets: pairs.map(\.1.tokens), model: model)
        for ((_, h), score) in zip(pairs, forced) {
            expectClose(h.positionalScores, score.positionalScores, atol: 1e-5, rtol: 0, "positional scores of \(h.tokens)")
        }
    }

    /// Forcing the first tokens greedy search would choose anyway changes nothing; nor
    /// does it for sampling, whose draws at each step do not depend on how the earlier
    /// tokens came. (Beam search may differ: forcing narrows its early beams.)
    @Test(arguments: [false, true])
    func ownPrefixChangesNothing(sampling: Bool) throws {
        let options = SearchOptions(beam: 1, maxLenA: 1, maxLenB: 4, sampling: sampling, temperature: 2)
        let translator = try Translator(model: model, options: options)
        let free = try translator.translate(sources).hypotheses
        let own = free.map { Array($0[0].tokens.prefix(2)) }
        let forced = try translator.translate(sources, prefixes: own, firstSentence: 0, options: options).hypotheses
        #expect(forced.map { $0.map(\.tokens) } == free.map { $0.map(\.tokens) })
        for (a, b) in zip(forced.joined(), free.joined()) {
            expectClose(a.positionalScores, b.positionalScores, atol: 1e-5, rtol: 0, "positional scores of \(a.tokens)")
        }
    }

    @Test func badPrefixesAreErrorsNamingTheSentence() throws {
        let options = SearchOptions(beam: 2, maxLenA: 0, maxLenB: 3)
        let translator = try Translator(model: model, options: options)
        let tooLong = SearchError.prefixTooLong(sentence: 11, tokens: 4, maxLength: 3)
        #expect(throws: tooLong) {
            try translator.translate([[5], [6]], prefixes: [[], [7, 7, 7, 7]], firstSentence: 10, options: options)
        }
        #expect(tooLong.errorDescription == "the target prefix of sentence 12 has 4 tokens, more than its maximum length 3 "
                + "(max-len-a · source tokens + max-len-b, within the model's positions)")
        #expect(throws: SearchError.invalidPrefixToken(sentence: 0, position: 1, id: 3, vocabularySize: 13)) {
            try translator.translate([[5]], prefixes: [[7, model.config.eosID]], firstSentence: 0, options: options)
        }
        #expect(throws: SearchError.prefixCountMismatch(sources: 2, prefixes: 1)) {
            try translator.translate([[5], [6]], prefixes: [[7]], firstSentence: 0, options: options)
        }
    }
}
