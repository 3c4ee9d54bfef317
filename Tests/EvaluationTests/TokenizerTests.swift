@testable import Evaluation
import Foundation
import XCTest

/// Tokenizers and lowercasing against sacreBLEU's own output on tricky text.
final class TokenizerTests: XCTestCase {
    private struct Row: Decodable {
        let text: String
        let lower: String
        let t13a: String
        let intl: String
        let char: String
        enum CodingKeys: String, CodingKey { case text, lower, t13a = "13a", intl, char }
    }

    private func rows() throws -> [Row] {
        struct File: Decodable { let tokenizers: [Row] }
        let url = Bundle.module.url(forResource: "Fixtures/sacrebleu_cases", withExtension: "json")!
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).tokenizers
    }

    func testTokenizersMatchSacreBLEU() throws {
        let rows = try rows()
        XCTAssertGreaterThanOrEqual(rows.count, 10)
        for row in rows {
            XCTAssertEqual(Tokenization.thirteenA(row.text), row.t13a, row.text)
            XCTAssertEqual(Tokenization.intl(row.text), row.intl, row.text)
            XCTAssertEqual(Tokenization.char(row.text), row.char, row.text)
        }
    }

    func testLowercaseMatchesPython() throws {
        for row in try rows() {
            var out: [UInt8] = []
            Array(row.text.utf8).withUnsafeBufferPointer { Lowercase.apply($0, into: &out) }
            XCTAssertEqual(String(decoding: out, as: UTF8.self), row.lower, row.text)
        }
    }

    func testNonOverlappingPairRule() {
        // re.sub resumes after each match: the second period of "a.." is not preceded by an
        // unmatched non-digit, so only the first is split by rule 2 (rule 3 then splits both).
        XCTAssertEqual(Tokenization.thirteenA("a..b"), "a . . b")
        XCTAssertEqual(Tokenization.intl("a..b"), "a . . b")
        XCTAssertEqual(Tokenization.intl("1,000.50"), "1,000.50")
        XCTAssertEqual(Tokenization.intl("year 2000."), "year 2000.")
        XCTAssertEqual(Tokenization.thirteenA("year 2000."), "year 2000 .")
    }

    func testUnknownTokenizerNameThrows() {
        XCTAssertThrowsError(try Tokenization(name: "moses")) {
            XCTAssertEqual($0 as? EvaluationError, .unknownTokenizer("moses"))
        }
        XCTAssertEqual(try Tokenization(name: "intl"), .intl)
    }
}
