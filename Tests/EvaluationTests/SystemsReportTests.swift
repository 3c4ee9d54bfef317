@testable import Evaluation
import XCTest

/// The multi-system table's layout rules that the sacreBLEU fixtures do not reach: colours
/// drawn outside the layout, numeric system names, and wide characters.
final class SystemsReportTests: XCTestCase {
    private func report(_ systems: [String], colors: Bool) -> SystemsReport {
        let results = [SignificanceResult(score: 41.0), SignificanceResult(score: 47.0, pValue: 0.2)]
        return SystemsReport(systems: systems,
                             columns: [.init(name: "BLEU", cells: results.map { .result($0) }, signature: "sig")],
                             test: .init(kind: .approximateRandomization, requestedSamples: 10), width: 1, colors: colors)
    }

    private func stripped(_ s: String) -> String {
        s.replacingOccurrences(of: "\u{1B}\\[[0-9]+m", with: "", options: .regularExpression)
    }

    func testColorsWrapCellsWithoutChangingTheLayout() {
        let plain = report(["Baseline: a.txt", "b.txt"], colors: false).text()
        let colored = report(["Baseline: a.txt", "b.txt"], colors: true).text()
        XCTAssertEqual(stripped(colored), plain)
        XCTAssertTrue(colored.contains("│ \u{1B}[33mBaseline: a.txt\u{1B}[0m │"), colored)
        XCTAssertTrue(colored.contains("\u{1B}[31m(p = 0.2000)\u{1B}[0m"), "p > 0.05 is red")
        XCTAssertTrue(colored.contains("\u{1B}[36mSystem\u{1B}[0m"), "headers are cyan")
        XCTAssertFalse(plain.contains("\u{1B}"))
    }

    func testWideCharactersTakeTwoColumns() {
        let table = report(["Baseline: 名前", "b"], colors: false).text()
        // "Baseline: 名前" is 14 columns wide: the rule above it has 16 "═".
        XCTAssertTrue(table.hasPrefix("╒" + String(repeating: "═", count: 16) + "╤"), table)
    }

    func testNumericNamesAreFormattedAsTabulateFormatsFloats() {
        XCTAssertEqual(PythonNumber("2")?.isFloat, false)
        XCTAssertEqual(PythonNumber(" 1_5.5e1 ")?.value, 155)
        XCTAssertNil(PythonNumber("0x10"))
        XCTAssertNil(PythonNumber("1e999"), "overflow to infinity is text for tabulate")
        let table = SystemsReport(systems: ["1.5", "2"], columns: [.init(name: "BLEU", cells: [.score(1), .score(2)], signature: "s")],
                                  test: nil, width: 2).text()
        XCTAssertTrue(table.contains("│     2.00 │"), table)
        XCTAssertTrue(table.contains("│     1.50 │"), table)
    }
}
