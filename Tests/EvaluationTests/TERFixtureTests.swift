@testable import Evaluation
import XCTest

/// TER against sacreBLEU 2.6.0: the TercomTokenizer's output, each segment's edits and
/// average reference length, and the corpus and sentence scores to the last bit, printed
/// byte for byte as score lines, short lines and JSON.
final class TERFixtureTests: XCTestCase {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    private func preprocess(_ line: String, _ options: TER.Options, times: Int = 1) -> String {
        let tokenizer = TercomTokenizer(options: options)
        var bytes = Array(line.utf8)
        for _ in 0..<times { bytes = bytes.withUnsafeBufferPointer { tokenizer.preprocess($0) } }
        return text(bytes)
    }

    func testFixtureCoversLanguagesOptionsAndEdgeCases() throws {
        let fixture = try TERFixture.load()
        XCTAssertEqual(fixture.sacrebleu_version, sacreBLEUVersion)
        XCTAssertGreaterThanOrEqual(fixture.cases.count, 20)
        XCTAssertEqual(Set(fixture.cases.map(\.name)).count, fixture.cases.count, "case names must be unique")
        XCTAssertTrue(fixture.cases.contains { $0.options.normalized })
        XCTAssertTrue(fixture.cases.contains { $0.options.no_punct })
        XCTAssertTrue(fixture.cases.contains { $0.options.asian_support && $0.options.normalized })
        XCTAssertTrue(fixture.cases.contains { $0.options.case_sensitive })
        XCTAssertTrue(fixture.cases.contains { $0.references.count == 3 })
        XCTAssertTrue(fixture.cases.contains { $0.hypotheses.contains("") })
        XCTAssertTrue(fixture.cases.contains { !$0.tokenizer_is_idempotent },
                      "a case must show that references are preprocessed twice")
        XCTAssertEqual(fixture.tokenizer.runs.count, 16, "every combination of the four options")
    }

    func testTokenizerMatchesSacreBLEU() throws {
        let tokenizer = try TERFixture.load().tokenizer
        for run in tokenizer.runs {
            for (input, expected) in zip(tokenizer.texts, run.outputs) {
                XCTAssertEqual(preprocess(input, run.options.ter), expected, "\(run.options.ter): \(input)")
            }
        }
    }

    func testSegmentStatisticsMatchSacreBLEU() throws {
        for c in try TERFixture.load().cases {
            let options = c.options.ter
            XCTAssertEqual(c.hypotheses.map { preprocess($0, options) }, c.hypothesis_tokens, c.name)
            XCTAssertEqual(c.references.map { $0.map { preprocess($0, options, times: 2) } }, c.reference_tokens, c.name)
            let statistics = try TER.segmentStatistics(hypotheses: TextLines(c.hypotheses),
                                                       references: c.references.map { TextLines($0) }, options: options)
            XCTAssertEqual(statistics.count, c.statistics.count, c.name)
            XCTAssertEqual(statistics.referenceCount, c.references.count, c.name)
            for (row, expected) in c.statistics.enumerated() {
                XCTAssertEqual(statistics.values[2 * row], expected.edits, "\(c.name) segment \(row)")
                XCTAssertEqual(PythonFormat.repr(TER.averageLength(statistics.values[2 * row + 1], statistics.referenceCount)),
                               expected.averageLength, "\(c.name) segment \(row)")
            }
        }
    }

    func testCorpusScoresAndPrintedLines() throws {
        for c in try TERFixture.load().cases {
            let options = c.options.ter
            let score = try TER.corpusScore(hypotheses: c.hypotheses, references: c.references, options: options)
            let signature = TER.signature(options: options, referenceCount: c.references.count)
            XCTAssertEqual(signature.format(), c.signature, c.name)
            XCTAssertEqual(signature.format(short: true), c.short_signature, c.name)
            XCTAssertEqual(PythonFormat.repr(score.score), c.score, c.name)
            XCTAssertEqual(score.edits, c.num_edits, c.name)
            XCTAssertEqual(PythonFormat.repr(score.referenceLength), c.ref_length, c.name)
            XCTAssertEqual(score.formatted(width: 2, signature: signature), c.line, c.name)
            XCTAssertEqual(score.formatted(width: 3, signature: signature, short: true), c.short_line, c.name)
            XCTAssertEqual(score.formatted(width: 1, signature: signature, json: true), c.json, c.name)
        }
    }

    func testSentenceScores() throws {
        for c in try TERFixture.load().cases {
            let options = c.options.ter
            let scores = try TER.sentenceScores(hypotheses: TextLines(c.hypotheses),
                                                references: c.references.map { TextLines($0) }, options: options)
            let signature = TER.signature(options: options, referenceCount: c.references.count)
            XCTAssertEqual(scores.count, c.sentences.count, c.name)
            for (i, (score, expected)) in zip(scores, c.sentences).enumerated() {
                XCTAssertEqual(PythonFormat.repr(score.score), expected.score, "\(c.name) segment \(i)")
                XCTAssertEqual(score.formatted(width: 2, signature: signature), expected.line, "\(c.name) segment \(i)")
            }
        }
    }

    func testShiftMovesBlocksAsPythonSlicesDo() {
        // _perform_shift's three cases, the third with Python's slice clamping.
        let words: [UInt32] = [0, 1, 2, 3, 4, 5]
        XCTAssertEqual(TranslationEditRate.perform(words, start: 3, length: 2, target: 1), [0, 3, 4, 1, 2, 5])
        XCTAssertEqual(TranslationEditRate.perform(words, start: 0, length: 2, target: 4), [2, 3, 0, 1, 4, 5])
        XCTAssertEqual(TranslationEditRate.perform(words, start: 1, length: 2, target: 3), [0, 3, 4, 1, 2, 5])
        XCTAssertEqual(TranslationEditRate.perform(words, start: 3, length: 2, target: 5), [0, 1, 2, 5, 3, 4])
    }

    func testEditsOfEmptyAndReorderedSentences() {
        XCTAssertEqual(TranslationEditRate.edits(hypothesis: [1, 2, 3], reference: []).edits, 3)
        XCTAssertEqual(TranslationEditRate.edits(hypothesis: [], reference: [1, 2]).edits, 2)
        // "on the mat the cat sat" -> "the cat sat on the mat": one shift of three words.
        XCTAssertEqual(TranslationEditRate.edits(hypothesis: [4, 1, 5, 1, 2, 3], reference: [1, 2, 3, 4, 1, 5]).edits, 1)
    }
}
