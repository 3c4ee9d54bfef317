@testable import Evaluation
import XCTest

/// The number types of sacreBLEU's resampled scores: float32 rows (bootstrap) must give
/// sacreBLEU's float32 result to the last bit, Python-int rows its exact result; and the
/// means behind intervals must round as Python's statistics.mean and NumPy's mean do.
final class ResampledScoreTests: XCTestCase {
    func testFloat32AndIntegerRowsScoreLikeSacreBLEU() throws {
        let rows = try SignificanceFixture.load().float32_scores
        XCTAssertGreaterThanOrEqual(rows.count, 5)
        for row in rows {
            let metric: ResamplingMetric = row.metric == "bleu" ? .bleu(BLEU.Options()) : .chrf(.plusPlus)
            let floats = row.stats.map { Float($0) }
            let float32 = floats.withUnsafeBufferPointer { metric.resampleScore(sums: $0) }
            XCTAssertEqual(PythonFormat.repr(float32.value), row.float32, "\(row.metric) \(row.stats)")
            XCTAssertEqual(float32.isFloat32, row.metric != "bleu", "chrF stays a numpy.float32, BLEU becomes a float")
            XCTAssertEqual(PythonFormat.repr(metric.score(sums: row.stats)), row.int, "\(row.metric) \(row.stats)")
            XCTAssertNotEqual(row.float32, row.int, "each row must tell float32 from exact arithmetic")
        }
    }

    func testExactMeanRoundsOnceLikeStatisticsMean() {
        // Python: statistics.mean([0.1, 0.2, 0.3]) == 0.2, while sum(...) / 3 == 0.20000000000000004.
        XCTAssertEqual(exactMean([0.1, 0.2, 0.3]), 0.2)
        XCTAssertEqual(exactMean([1e16, 1, 1]), 3_333_333_333_333_334.0)
        XCTAssertEqual(exactMean([.leastNonzeroMagnitude, 1]), 0.5)
        XCTAssertEqual(exactMean([100, 33.3, 12.5, 0, 7.77]), 30.714)
        XCTAssertEqual(exactMean([0, 0]), 0)
    }

    func testNumPyMeanUsesPairwiseSummationInFloat32() {
        // Python: np.array([0.1, 0.2, 0.3] * 50, dtype=np.float32).mean() -> 0.20000003278255463
        let values = Array(repeating: [0.1, 0.2, 0.3].map { Double(Float($0)) }, count: 50).flatMap { $0 }
        XCTAssertEqual(NumPyScores(values: values, isFloat32: true).mean(), 0.20000003278255463)
        XCTAssertEqual(NumPyScores(values: Array(repeating: [0.1, 0.2, 0.3], count: 50).flatMap { $0 }, isFloat32: false).mean(), 0.2)
    }

    func testFloat32PromotionFollowsNEP50() {
        let f = NumPyFloat(float32: 3), p = NumPyFloat(python: 0.1)
        XCTAssertTrue((f * p).isFloat32)
        XCTAssertEqual((f * p).value, Double(Float(3) * Float(0.1)))
        XCTAssertFalse((p * p).isFloat32)
        XCTAssertEqual((p + p).value, 0.2)
    }
}
