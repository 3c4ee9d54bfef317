import Foundation
import XCTest

/// `bleu -m ter` against sacreBLEU 2.6.0's command line: every TER flag, several metrics,
/// sentence level, confidence intervals, several systems and both paired tests must print
/// the same bytes for the same files, arguments and SACREBLEU_SEED.
final class TERCommandLineTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bleu-ter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try SacreBLEURun.write(try TERFixture.load().files, to: directory)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    func testOutputEqualsSacreBLEU() throws {
        let runs = try TERFixture.load().runs
        XCTAssertGreaterThanOrEqual(runs.count, 20)
        for r in runs {
            let result = try r.runBleu(in: directory)
            XCTAssertEqual(result.status, 0, "\(r.name): \(result.stderr)")
            XCTAssertEqual(result.stdout, r.stdout, r.name)
        }
    }

    func testFixturesCoverEveryFlagAndTest() throws {
        let runs = try TERFixture.load().runs
        func count(_ flags: String...) -> Int { runs.filter { !Set($0.args).isDisjoint(with: flags) }.count }
        for flag in ["--ter-case-sensitive", "--ter-asian-support", "--ter-no-punct", "--ter-normalized"] {
            XCTAssertGreaterThanOrEqual(count(flag), 2, flag)
        }
        XCTAssertGreaterThanOrEqual(count("--paired-bs"), 3)
        XCTAssertGreaterThanOrEqual(count("--paired-ar"), 3)
        XCTAssertGreaterThanOrEqual(count("-ci"), 2)
        XCTAssertGreaterThanOrEqual(count("-sl"), 2)
        XCTAssertTrue(runs.contains { $0.references.count == 3 && $0.args.contains("--paired-ar") })
    }

    func testUnknownMetricNamesTER() throws {
        let result = try BleuExecutable.run(["ref1.txt", "-i", "sysA.txt", "-m", "terr"], directory: directory)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "bleu: error: unknown metric 'terr' (expected one of: bleu, chrf, ter)\n")
    }
}
