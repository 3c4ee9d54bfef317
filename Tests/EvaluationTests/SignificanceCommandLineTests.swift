import Foundation
import XCTest

/// `bleu` against sacreBLEU 2.6.0's command line for significance tests and several systems:
/// the same files, arguments and SACREBLEU_SEED must print the same bytes; misuse must give
/// one `bleu: error:` line and a non-zero status.
final class SignificanceCommandLineTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bleu-sig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try SacreBLEURun.write(try SignificanceFixture.load().files, to: directory)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    /// Runs `bleu` in the fixture directory, so that system names are the same relative paths.
    private func run(_ arguments: [String], stdin: String? = nil,
                     environment: [String: String] = [:]) throws -> BleuExecutable.Result {
        try BleuExecutable.run(arguments, stdin: stdin.map { Data($0.utf8) }, directory: directory, environment: environment)
    }

    func testOutputEqualsSacreBLEU() throws {
        let runs = try SignificanceFixture.load().runs
        XCTAssertGreaterThanOrEqual(runs.count, 20)
        for r in runs {
            let result = try r.runBleu(in: directory)
            XCTAssertEqual(result.status, 0, "\(r.name): \(result.stderr)")
            XCTAssertEqual(result.stdout, r.stdout, r.name)
        }
    }

    func testFixturesCoverEveryMode() throws {
        let runs = try SignificanceFixture.load().runs
        func count(_ flag: String) -> Int { runs.filter { $0.args.contains(flag) }.count }
        XCTAssertGreaterThanOrEqual(count("--paired-bs") + count("-pbs"), 6)
        XCTAssertGreaterThanOrEqual(count("--paired-ar") + count("-par"), 4)
        XCTAssertGreaterThanOrEqual(count("-ci") + count("--confidence"), 4)
        XCTAssertTrue(runs.contains { $0.environment["SACREBLEU_SEED"] == "7" })
        XCTAssertTrue(runs.contains { $0.stdin != nil })
    }

    func testUnseededOutputUsesFreshDrawsButTheSameLayout() throws {
        let arguments = ["ref1.txt", "-i", "sysA.txt", "sysB.txt", "--paired-bs", "-pbsn", "50", "-f", "text"]
        let result = try run(arguments, environment: ["SACREBLEU_SEED": "none"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("nrefs:1|bs:50|seed:none|case:mixed"), result.stdout)
        XCTAssertTrue(result.stdout.contains("│ Baseline: sysA.txt │"), result.stdout)
    }

    private func assertFails(_ arguments: [String], _ message: String, stdin: String? = nil,
                             environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try run(arguments, stdin: stdin, environment: environment)
        XCTAssertNotEqual(result.status, 0, file: file, line: line)
        XCTAssertEqual(result.stdout, "", file: file, line: line)
        XCTAssertEqual(result.stderr, "bleu: error: \(message)\n", file: file, line: line)
    }

    func testMisuseGivesOneErrorLine() throws {
        try assertFails(["ref1.txt", "-i", "sysA.txt", "--paired-bs"],
                        "Paired tests require multiple input systems given to --input (-i).")
        try assertFails(["ref1.txt", "-i", "sysA.txt", "sysA.txt", "--paired-ar"],
                        "Paired tests require multiple input systems given to --input (-i).")
        try assertFails(["ref1.txt", "-i", "sysA.txt", "sysB.txt", "-ci"], "Use paired tests (--paired) for multiple systems.")
        try assertFails(["ref1.txt", "-i", "sysA.txt", "sysB.txt", "-sl"], "Only one system can be evaluated in sentence-level mode.")
        try assertFails(["ref1.txt", "-i", "sysA.txt", "-sl", "-ci"], "Statistical tests are unavailable in sentence-level mode.")
        try assertFails(["ref1.txt", "-i", "sysA.txt", "sysB.txt", "sysB.txt", "--paired-bs"],
                        "'sysB.txt' already used to name a system; give each system a different file name")
        try assertFails(["ref1.txt", "-i", "sysA.txt", "sysB.txt", "--paired-bs", "--paired-ar"],
                        "--paired-bs is not allowed with --paired-ar")
        try assertFails(["ref1.txt", "-i", "sysA.txt", "sysB.txt", "--paired-bs"],
                        "SACREBLEU_SEED must be a non-negative integer or 'none', not '-3'", environment: ["SACREBLEU_SEED": "-3"])
        try assertFails(["ref1.txt", "-f", "text"], "standard input line 2 has 1 tab-separated systems, the first line 2",
                        stdin: "a\tb\nc\n")
    }

    func testMismatchedLineCountsNameTheSystem() throws {
        let short = directory.appendingPathComponent("short.txt")
        try Data("one line\n".utf8).write(to: short)
        try assertFails(["ref1.txt", "-i", "sysA.txt", "short.txt", "--paired-bs"],
                        "hypothesis 'short.txt' has 1 lines but reference 'ref1.txt' has 60 lines")
    }
}
