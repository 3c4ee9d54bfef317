@testable import Evaluation
import XCTest

/// Python number formatting, and the multi-threaded path on a corpus large enough to use it.
final class FormattingAndScaleTests: XCTestCase {
    func testReprMatchesPython() {
        // Expected strings are Python's repr() of the same floats.
        let cases: [(Double, String)] = [
            (34.6, "34.6"), (0, "0.0"), (100, "100.0"), (1e-05, "1e-05"), (0.0001, "0.0001"),
            (42.7, "42.7"), (1.2345, "1.2345"), (1e16, "1e+16"), (123456789012345.6, "123456789012345.6"),
        ]
        for (value, expected) in cases { XCTAssertEqual(PythonFormat.repr(value), expected) }
    }

    func testFixedRoundsLikePython() {
        // f"{x:.2f}" rounds the exact binary value: 0.125 is a tie (to even), 2.675 is below.
        XCTAssertEqual(PythonFormat.fixed(0.125, 2), "0.12")
        XCTAssertEqual(PythonFormat.fixed(2.675, 2), "2.67")
        XCTAssertEqual(PythonFormat.fixed(99.995, 2), "100.00")
        XCTAssertEqual(PythonFormat.fixed(7, 0), "7")
    }

    func testLargeCorpusSplitAcrossThreadsSumsExactly() throws {
        let hyps = ["the cat sat on a red mat .", "Dogs bark , cats meow !", ""]
        let refs = ["the cat sat on the mat .", "A dog barks ; the cat meows !", "x"]
        let single = try BLEU.corpusScore(hypotheses: hyps, references: [refs])
        let repeats = 3000 // 9,000 segments: above the one-thread threshold.
        let large = try BLEU.corpusScore(hypotheses: Array(repeating: hyps, count: repeats).flatMap { $0 },
                                         references: [Array(repeating: refs, count: repeats).flatMap { $0 }])
        XCTAssertEqual(large.counts, single.counts.map { $0 * repeats })
        XCTAssertEqual(large.totals, single.totals.map { $0 * repeats })
        XCTAssertEqual(large.sysLen, single.sysLen * repeats)
        XCTAssertEqual(large.refLen, single.refLen * repeats)
        XCTAssertEqual(large.score, single.score, accuracy: 1e-9)
        XCTAssertEqual(large.precisions, single.precisions)
        XCTAssertEqual(large.bp, single.bp)

        let chrfSingle = try CHRF.corpusScore(hypotheses: hyps, references: [refs], options: .plusPlus)
        let chrfLarge = try CHRF.corpusScore(hypotheses: Array(repeating: hyps, count: repeats).flatMap { $0 },
                                             references: [Array(repeating: refs, count: repeats).flatMap { $0 }],
                                             options: .plusPlus)
        XCTAssertEqual(chrfLarge.score, chrfSingle.score, accuracy: 1e-9)
    }

    func testSentenceScoreAPIUsesEffectiveOrder() {
        let score = BLEU.sentenceScore(hypothesis: "the cat", references: ["the cat sat"])
        XCTAssertEqual(score.formatted(width: 2, signature: BLEU.signature(options: .sentence, referenceCount: 1)),
                       "BLEU|nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0 = 60.65 100.0/100.0/0.0/0.0 (BP = 0.607 ratio = 0.667 hyp_len = 2 ref_len = 3)")
    }
}
