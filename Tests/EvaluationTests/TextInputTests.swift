@testable import Evaluation
import XCTest

/// Reading lines the way sacreBLEU reads them, and bad input through the library API.
final class TextInputTests: XCTestCase {
    func testFilesSplitOnNewlineOnlyAndStripTrailingWhitespace() throws {
        let lines = try TextLines(bytes: Array("a b  \r\nc\rd\u{A0}\n\nlast".utf8), source: "f")
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual((0..<4).map { lines[$0] }, ["a b", "c\rd", "", "last"])
    }

    func testStandardInputUsesUniversalNewlines() throws {
        let lines = try TextLines(bytes: Array("a\r\nb\rc\n".utf8), source: "<stdin>", universalNewlines: true)
        XCTAssertEqual((0..<lines.count).map { lines[$0] }, ["a", "b", "c"])
    }

    func testInvalidUTF8ReportsTheLine() {
        for bad: [UInt8] in [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            XCTAssertThrowsError(try TextLines(bytes: Array("ok\nok\n".utf8) + bad + [0x0A], source: "x.txt")) {
                XCTAssertEqual($0 as? EvaluationError, .invalidUTF8(path: "x.txt", line: 3))
                XCTAssertEqual(($0 as? EvaluationError)?.errorDescription, "'x.txt' line 3: invalid UTF-8")
            }
        }
    }

    func testMissingFileThrows() {
        XCTAssertThrowsError(try TextLines(contentsOf: "/nonexistent/ref.txt")) {
            XCTAssertEqual($0 as? EvaluationError,
                           .unreadableFile(path: "/nonexistent/ref.txt", reason: "No such file or directory"))
        }
    }

    func testLineCountMismatchThrowsFromTheAPI() {
        XCTAssertThrowsError(try BLEU.corpusScore(hypotheses: ["a", "b"], references: [["a", "b"], ["a"]])) {
            XCTAssertEqual($0 as? EvaluationError, .lineCountMismatch(hypothesisPath: "<hypotheses>", hypothesisLines: 2,
                                                                     referencePath: "<references 2>", referenceLines: 1))
        }
        XCTAssertThrowsError(try CHRF.corpusScore(hypotheses: ["a"], references: [])) {
            XCTAssertEqual($0 as? EvaluationError, .noReferences)
        }
    }

    func testUnknownSmoothingThrows() {
        XCTAssertThrowsError(try BLEU.Smoothing(name: "add-one")) {
            XCTAssertEqual($0 as? EvaluationError, .unknownSmoothing("add-one"))
        }
        XCTAssertEqual(try BLEU.Smoothing(name: "floor"), .floor(0.1))
        XCTAssertEqual(try BLEU.Smoothing(name: "add-k", value: 3), .addK(3))
    }
}
