import Foundation
import Testing
import TestSupport

/// `nmt import`, then `nmt score` and `nmt translate` on the checkpoint, as a user runs them.
@Suite(.timeLimit(.minutes(10))) struct ImportCommandTests {
    let nmt = builtProduct("nmt")

    @Test func importScoreAndTranslate() throws {
        let fixture = MarianFixture.all[0], lines = try fixture.expected().lines
        let work = temporaryDirectory(), checkpoint = work.appendingPathComponent("imported").path
        let imported = try runProcess(nmt, ["import", "--format", "marian", "--model", fixture.directory.path, "--output", checkpoint])
        #expect(imported.status == 0, "\(imported.error)")
        let source = work.appendingPathComponent("source.txt"), target = work.appendingPathComponent("target.txt")
        try Data(lines.map { $0.source + "\n" }.joined().utf8).write(to: source)
        try Data(lines.map { $0.target + "\n" }.joined().utf8).write(to: target)
        let scored = try runProcess(nmt, ["score", "--model", checkpoint, "--src", source.path, "--tgt", target.path])
        #expect(scored.status == 0, "\(scored.error)")
        let sums = scored.standardOutput.split(separator: "\n").map { Double($0.split(separator: "\t")[0])! }
        expectClose(sums, lines.map { $0.log_probs.reduce(0, +) }, atol: 1e-4, rtol: 1e-4, "nmt score")
        let translated = try runProcess(nmt, ["translate", "--model", checkpoint, "--beam", "1", "--input", source.path])
        #expect(translated.status == 0, "\(translated.error)")
        #expect(translated.standardOutput == lines.map { $0.greedy_text + "\n" }.joined())
    }

    @Test func aMultilingualModelNeedsItsTargetLanguage() throws {
        let fixture = MarianFixture.all[2], work = temporaryDirectory()
        let checkpoint = work.appendingPathComponent("imported").path
        #expect(try runProcess(nmt, ["import", "--model", fixture.directory.path, "--output", checkpoint]).status == 0)
        let missing = try runProcess(nmt, ["translate", "--model", checkpoint], standardInput: Data("te lo\n".utf8))
        #expect(missing.status != 0 && missing.error.contains("--target-language (one of cp, rv)"), "\(missing.error)")
        let unknown = try runProcess(nmt, ["translate", "--model", checkpoint, "--target-language", "fr"],
                                     standardInput: Data("te lo\n".utf8))
        #expect(unknown.status != 0 && unknown.error.contains("its target languages are cp, rv"), "\(unknown.error)")
        let known = try runProcess(nmt, ["translate", "--model", checkpoint, "--target-language", "rv", "--beam", "1"],
                                   standardInput: Data("te lo\n".utf8))
        #expect(known.status == 0, "\(known.error)")
        let line = try fixture.expected().lines.first { $0.source == ">>rv<< te lo" }
        if let line { #expect(known.standardOutput == line.greedy_text + "\n") }
    }
}
