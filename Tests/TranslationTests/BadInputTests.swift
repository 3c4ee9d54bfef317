import Testing
import TestSupport
import Transformer
@testable import Translation

/// Inputs and options the Translator must refuse or repair, with the reason.
@Suite(.timeLimit(.minutes(10))) struct BadInputTests {
    let model: TransformerModel

    init() throws {
        model = try Fixture.model(Fixture.config(preNorm: false, sharing: .all))
    }

    @Test func emptySourceGivesNoHypothesis() throws {
        let translator = try Translator(model: model, options: SearchOptions(beam: 2, maxLenB: 5))
        let result = try translator.translate([[5, 6], [], [7]])
        #expect(result.hypotheses.map(\.count) == [1, 0, 1])
        #expect(result.warnings.isEmpty)
        #expect(try translator.translate([[]]).hypotheses == [[]])
        #expect(try translator.translate([]).hypotheses == [])
    }

    /// max_positions is 32: a 40-token source keeps its first 31 (eos takes the last
    /// position) and translates as that prefix does.
    @Test func longSourceIsTruncatedWithAWarning() throws {
        let translator = try Translator(model: model, options: SearchOptions(beam: 2, maxLenB: 5))
        let long = (0..<40).map { Int32(4 + $0 % 9) }
        let result = try translator.translate([[5], long])
        #expect(result.warnings == [.sourceTruncated(sentence: 1, length: 40, kept: 31)])
        #expect(result.warnings[0].description == "sentence 1: source of 40 tokens truncated to 31 (the model's max_positions with eos)")
        // The same translation as the 31-token prefix alone. Tokens exactly; scores within
        // rounding, since the encoder's products see a batch of two rows of sentences
        // here and one there, and BLAS may round another block shape differently in the
        // last digit (seen with OpenBLAS's SkylakeX kernels: −1.940486 against −1.9404862).
        let prefix = try translator.translate([Array(long.prefix(31))])
        let truncated = result.hypotheses[1], alone = prefix.hypotheses[0]
        #expect(truncated.map(\.tokens) == alone.map(\.tokens))
        for (a, b) in zip(truncated, alone) {
            #expect(abs(a.score - b.score) <= 1e-5, "score \(a.score) against \(b.score)")
            expectClose(a.positionalScores, b.positionalScores, atol: 1e-5, rtol: 1e-5, "positional scores")
        }
    }

    @Test(arguments: [
        (SearchOptions(beam: 0), SearchError.invalidBeam(0), "beam size must be at least 1, got 0"),
        (SearchOptions(beam: -2), .invalidBeam(-2), "beam size must be at least 1, got -2"),
        (SearchOptions(beam: 2, nbest: 3), .invalidNBest(nbest: 3, beam: 2), "nbest must be between 1 and the beam size 2, got 3"),
        (SearchOptions(maxLenA: -0.5), .negativeOption(name: "max-len-a", value: "-0.5"), "max-len-a must not be negative, got -0.5"),
        (SearchOptions(maxLenB: -1), .negativeOption(name: "max-len-b", value: "-1"), "max-len-b must not be negative, got -1"),
        (SearchOptions(minLen: -3), .negativeOption(name: "min-len", value: "-3"), "min-len must not be negative, got -3"),
        (SearchOptions(noRepeatNgram: -1), .negativeOption(name: "no-repeat-ngram", value: "-1"),
         "no-repeat-ngram must not be negative, got -1"),
        (SearchOptions(lenpen: .nan), .invalidLengthPenalty(.nan), "length penalty must be a finite number, got nan"),
    ])
    func badOptionsAreRejected(options: SearchOptions, error: SearchError, message: String) throws {
        do {
            _ = try Translator(model: model, options: options)
            Issue.record("\(options) was accepted")
        } catch let thrown as SearchError {
            #expect(thrown.errorDescription == message)
            if case .invalidLengthPenalty = error { return }      // NaN ≠ NaN
            #expect(thrown == error)
        }
        #expect(throws: SearchError.self) { try BeamSearch(options: options) }
        #expect(throws: SearchError.self) { try GreedySearch(options: options) }
    }

    @Test func badBatchSizeIsRejected() throws {
        #expect(throws: SearchError.invalidBatchSize(0)) {
            try Translator(model: model, options: SearchOptions(), batchSize: 0)
        }
    }

    @Test func idsOutsideTheVocabularyAreAnError() throws {
        let translator = try Translator(model: model, options: SearchOptions(beam: 2))
        #expect(throws: ModelError.idOutOfVocabulary(side: "source", sentence: 0, position: 1, id: 40, vocabularySize: 13)) {
            try translator.translate([[5, 40]])
        }
    }

    @Test func forcedDecodingNeedsOneTargetPerSource() throws {
        #expect(throws: SearchError.sentenceCountMismatch(sources: 2, targets: 1)) {
            try ForcedDecoding.score(sources: [[5], [6]], targets: [[7]], model: model)
        }
    }
}
