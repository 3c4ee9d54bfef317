import Foundation
import XCTest

/// Runs the built `bleu` command: its output must equal sacreBLEU's for the same command
/// lines, and bad input must give one `bleu: error:` line, a non-zero status and no score.
final class CommandLineTests: XCTestCase {
    private struct CLIFixture: Decodable {
        struct Run: Decodable {
            let references: Int
            let stdin: Bool
            let args: [String]
            let stdout: String
        }
        let hypothesis: [String]
        let references: [[String]]
        let runs: [Run]
    }

    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bleu-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    private func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    private func write(_ name: String, lines: [String]) throws -> String {
        try write(name, Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    private func run(_ arguments: [String], stdin: Data? = nil) throws -> BleuExecutable.Result {
        try BleuExecutable.run(arguments, stdin: stdin)
    }

    func testOutputEqualsSacreBLEUForTheSameCommandLines() throws {
        struct File: Decodable { let cli: CLIFixture }
        let url = Bundle.module.url(forResource: "Fixtures/sacrebleu_cases", withExtension: "json")!
        let fixture = try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cli
        let hyp = try write("hyp.txt", lines: fixture.hypothesis)
        let refs = try fixture.references.enumerated().map { try write("ref\($0 + 1).txt", lines: $1) }
        XCTAssertGreaterThanOrEqual(fixture.runs.count, 30)
        for r in fixture.runs {
            let arguments = Array(refs.prefix(r.references)) + (r.stdin ? [] : ["-i", hyp]) + r.args
            let result = try run(arguments, stdin: r.stdin ? try Data(contentsOf: URL(fileURLWithPath: hyp)) : nil)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stdout, r.stdout, "\(arguments)")
        }
    }

    private func assertFails(_ arguments: [String], message: String, status: Int32 = 1, file: StaticString = #filePath,
                             line: UInt = #line) throws {
        let result = try run(arguments)
        XCTAssertEqual(result.status, status, "1 for bad input, 2 for a wrong command line", file: file, line: line)
        XCTAssertEqual(result.stdout, "", "nothing may be printed as a score", file: file, line: line)
        XCTAssertEqual(result.stderr, "bleu: error: \(message)\n", file: file, line: line)
    }

    func testLineCountMismatchNamesBothFilesAndCounts() throws {
        let hyp = try write("hyp.txt", lines: ["a b", "c d"])
        let ref = try write("ref.txt", lines: ["a b", "c d", "e f"])
        try assertFails([ref, "-i", hyp], message: "hypothesis '\(hyp)' has 2 lines but reference '\(ref)' has 3 lines")
    }

    func testMissingFile() throws {
        let hyp = try write("hyp.txt", lines: ["a b"])
        let missing = directory.appendingPathComponent("missing.txt").path
        try assertFails([missing, "-i", hyp], message: "cannot read '\(missing)': No such file or directory")
    }

    func testInvalidUTF8NamesFileAndLine() throws {
        let hyp = try write("hyp.txt", Array("fine\nbad \u{E9}".utf8) + [0xFF, 0x0A])
        let ref = try write("ref.txt", lines: ["fine", "bad"])
        try assertFails([ref, "-i", hyp], message: "'\(hyp)' line 2: invalid UTF-8")
    }

    func testUnknownTokenizer() throws {
        let hyp = try write("hyp.txt", lines: ["a"])
        try assertFails([hyp, "-i", hyp, "-tok", "moses"],
                        message: "unknown tokenizer 'moses' (expected one of: 13a, intl, char, none)", status: 2)
    }

    func testUnknownFlagIsOneErrorLine() throws {
        let hyp = try write("hyp.txt", lines: ["a"])
        let result = try run([hyp, "-i", hyp, "--no-such-flag"])
        XCTAssertEqual(result.status, 2, "argparse's usage status")
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.hasPrefix("bleu: error: "), result.stderr)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
    }
}
