import Foundation
import XCTest
@testable import prepare_bible_corpus

/// The whole preparation on three small dumps in mod2imp's format: ten one-verse chapters,
/// so that chapter 5 goes to valid and chapter 10 to test.
final class BibleCorpusTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("BibleCorpusTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    /// A dump whose chapter N verse 1 reads "`word` N", tagged with Strong's number HN.
    private func dump(_ word: String) -> String {
        let verses = (1...10).map { chapter in
            "$$$Genesis \(chapter):0\n<chapter n=\"\(chapter)\"/>\n"
                + "$$$Genesis \(chapter):1\n<w lemma=\"strong:H\(chapter)\">\(word) \(chapter)</w>.\n"
        }
        return "$$$[ Module Heading ]\n\n" + verses.joined()
    }

    private func write(_ text: String, _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func lines(_ name: String, in output: String) throws -> [String] {
        try String(contentsOfFile: output + "/" + name, encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    func testWritesTheSplitsAndTheReport() throws {
        let output = directory.appendingPathComponent("data").path
        let options = try PrepareOptions(arguments: [
            "--spanish", write(dump("versículo"), "es.imp"),
            "--english", write(dump("verse"), "web.imp"),
            "--kjv", write(dump("KJV verse"), "kjv.imp"),
            "--output", output,
        ])
        let report = try BibleCorpus.prepare(options)
        XCTAssertEqual(try lines("train.es", in: output), [1, 2, 3, 4, 6, 7, 8, 9].map { "versículo \($0)." })
        XCTAssertEqual(try lines("valid.en", in: output), ["verse 5."])
        XCTAssertEqual(try lines("test.es", in: output), ["versículo 10."])
        XCTAssertEqual(try lines("test.en", in: output), ["verse 10."])
        XCTAssertEqual(try lines("test.en-kjv", in: output), ["KJV verse 10."])
        XCTAssertTrue(report.contains("pairs kept: 10\n  train: 8\n  valid: 1\n  test: 1\n"), report)
        XCTAssertTrue(try String(contentsOfFile: output + "/report.txt", encoding: .utf8).hasPrefix(report))
    }

    func testEmptyDumpIsAnErrorNamingTheFile() throws {
        let empty = try write("", "empty.imp")
        let options = try PrepareOptions(arguments: [
            "--spanish", empty, "--english", empty, "--kjv", empty, "--output", directory.path,
        ])
        XCTAssertThrowsError(try BibleCorpus.prepare(options)) { error in
            XCTAssertEqual(
                "\(error)",
                "no verses in mod2imp dump \(empty): is its SWORD module installed "
                    + "(scripts/install-system-packages.sh) and did mod2imp succeed?")
        }
    }

    func testMissingOptionIsAUsageError() {
        XCTAssertThrowsError(try PrepareOptions(arguments: ["--spanish", "es.imp"])) { error in
            XCTAssertEqual("\(error)", "missing --english\n\(PrepareOptions.usage)")
        }
    }
}
