import Foundation
import Testing
import TestSupport

/// `nmt translate` writing to standard output streams: each line's translation comes out
/// before the next line goes in, and chunked output equals the whole-file output.
@Suite(.serialized, .timeLimit(.minutes(10))) struct StreamingTranslateTests {
    @Test func eachLineIsAnsweredBeforeTheNextIsWritten() throws {
        let process = Process()
        process.executableURL = builtProduct("nmt")
        process.arguments = ["translate", "--model", ServedModel.checkpoint.path, "--threads", "1"] + ServedModel.searchFlags
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let lines = ServedModel.sources(3)
        var answers: [String] = []
        for line in lines {
            input.fileHandleForWriting.write(Data((line + "\n").utf8))
            // Blocks until the translation arrives; standard input stays open, so only
            // streaming can answer.
            answers.append(try readLine(from: output.fileHandleForReading))
        }
        try input.fileHandleForWriting.close()
        try waitUntil("nmt translate to exit") { !process.isRunning }
        #expect(process.terminationStatus == 0)
        // A line alone is the same batch as in a file of that one line.
        for (line, answer) in zip(lines, answers) {
            #expect(answer + "\n" == (try ServedModel.translated([line], [])))
        }
        #expect(answers.contains { !$0.isEmpty })
    }

    @Test func chunkedOutputEqualsTheWholeFileAndKeepsEveryLine() throws {
        // Blank lines included; --batch-size 1 makes each translation independent of the
        // chunking, so the two outputs must match exactly.
        var lines = ServedModel.sources(23)
        lines.insert("", at: 4)
        lines.insert("", at: 11)
        let input = Data((lines.joined(separator: "\n") + "\n").utf8)
        for flags in [["--batch-size", "1"], ["--batch-size", "1", "--nbest", "2", "--nbest-format", "fairseq"]] {
            let streamed = try runProcess(builtProduct("nmt"), ["translate", "--model", ServedModel.checkpoint.path, "--threads", "1",
                                                                "--buffer-size", "3"] + ServedModel.searchFlags + flags,
                                          standardInput: input)
            #expect(streamed.status == 0, "\(streamed.error)")
            #expect(streamed.standardOutput == (try ServedModel.translated(lines, flags)))
        }
    }

    @Test func anInvalidLineStopsAfterTheLinesBeforeIt() throws {
        var input = Data((ServedModel.sources(2).joined(separator: "\n") + "\n").utf8)
        input += Data([0x61, 0xFF, 0x0A]) + Data("más\n".utf8)
        let result = try runProcess(builtProduct("nmt"), ["translate", "--model", ServedModel.checkpoint.path, "--threads", "1",
                                                          "--buffer-size", "1"] + ServedModel.searchFlags, standardInput: input)
        #expect(result.status != 0)
        #expect(result.error.contains("<stdin>:3"), "\(result.error)")
        #expect(result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).count == 3)
    }
}
