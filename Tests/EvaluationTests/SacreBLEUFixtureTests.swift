import Evaluation
import XCTest

/// Every fixture case must reproduce sacreBLEU: the score to the printed two decimals (and to
/// 1e-9), the n-gram counts, totals and lengths exactly, and the printed lines byte for byte.
final class SacreBLEUFixtureTests: XCTestCase {
    func testFixtureTableIsLargeEnough() throws {
        let cases = try SacreBLEUCase.loadAll()
        XCTAssertGreaterThanOrEqual(cases.count, 40)
        XCTAssertEqual(Set(cases.map(\.name)).count, cases.count, "case names must be unique")
    }

    func testBLEUCases() throws {
        for c in try SacreBLEUCase.loadAll() where c.metric == "bleu" {
            let options = BLEU.Options(tokenize: try Tokenization(name: c.tokenize!), lowercase: c.lowercase!,
                                       smoothing: try BLEU.Smoothing(name: c.smooth_method!, value: c.smooth_value),
                                       effectiveOrder: c.sentence_level)
            let hyps = TextLines(c.hypotheses)
            let refs = c.references.map { TextLines($0) }
            let scores = c.sentence_level
                ? try BLEU.sentenceScores(hypotheses: hyps, references: refs, options: options)
                : [try BLEU.corpusScore(hypotheses: c.hypotheses, references: c.references, options: options)]
            let signature = BLEU.signature(options: options, referenceCount: c.references.count)
            XCTAssertEqual(signature.format(), c.signature, c.name)
            XCTAssertEqual(scores.count, c.expected.count, c.name)
            for (score, expected) in zip(scores, c.expected) {
                XCTAssertEqual(score.formatted(width: 2, scoreOnly: true), expected.score_2, c.name)
                XCTAssertEqual(score.score, expected.score, accuracy: 1e-9, c.name)
                XCTAssertEqual(score.counts, expected.counts, c.name)
                XCTAssertEqual(score.totals, expected.totals, c.name)
                XCTAssertEqual(score.sysLen, expected.sys_len, c.name)
                XCTAssertEqual(score.refLen, expected.ref_len, c.name)
                assertPrinted(score, signature, expected, c.name)
            }
        }
    }

    func testCHRFCases() throws {
        for c in try SacreBLEUCase.loadAll() where c.metric == "chrf" {
            let options = CHRF.Options(charOrder: c.char_order!, wordOrder: c.word_order!, lowercase: c.lowercase!,
                                       whitespace: c.whitespace!, epsSmoothing: c.eps_smoothing!)
            let hyps = TextLines(c.hypotheses)
            let refs = c.references.map { TextLines($0) }
            let scores = c.sentence_level
                ? try CHRF.sentenceScores(hypotheses: hyps, references: refs, options: options)
                : [try CHRF.corpusScore(hypotheses: c.hypotheses, references: c.references, options: options)]
            let signature = CHRF.signature(options: options, referenceCount: c.references.count)
            XCTAssertEqual(signature.format(), c.signature, c.name)
            XCTAssertEqual(scores.count, c.expected.count, c.name)
            for (score, expected) in zip(scores, c.expected) {
                XCTAssertEqual(score.formatted(width: 2, scoreOnly: true), expected.score_2, c.name)
                XCTAssertEqual(score.score, expected.score, accuracy: 1e-9, c.name)
                assertPrinted(score, signature, expected, c.name)
            }
        }
    }

    private func assertPrinted(_ score: some MetricScore, _ signature: Signature,
                               _ expected: SacreBLEUCase.Expected, _ name: String) {
        XCTAssertEqual(score.formatted(width: 2, signature: signature), expected.line, name)
        XCTAssertEqual(score.formatted(width: 3, signature: signature, short: true), expected.short_line, name)
        XCTAssertEqual(score.formatted(width: 1, signature: signature, json: true), expected.json, name)
    }
}
