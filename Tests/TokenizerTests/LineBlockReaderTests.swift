import FileIO
import Foundation
import Testing
@testable import Tokenizer

/// The reader hands out every line once, in order, numbered across blocks, whatever the
/// block size.
@Suite(.timeLimit(.minutes(10))) struct LineBlockReaderTests {
    /// Lines and line numbers as the reader sees them.
    func read(_ path: String, blockSize: Int) throws -> (lines: [String], numbers: [Int]) {
        var lines: [String] = []
        var numbers: [Int] = []
        try LineBlockReader(path: path, blockSize: blockSize).forEachBlock { block in
            for index in 0..<block.count {
                lines.append(String(decoding: block.line(index), as: UTF8.self))
                numbers.append(block.firstLine + index)
            }
        }
        return (lines, numbers)
    }

    @Test(arguments: [
        "", "\n", "a", "a\n", "a\n\n", "\n\na", "a\r\nb\r\n", "é\t  ü\n\n漢字 😀\n",
        "short\n" + String(repeating: "x", count: 100) + "\nend",  // a line longer than blocks
    ])
    func linesEqualSplittingOnNewlines(text: String) throws {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("in.txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let expected = Fixtures.lines(of: Data(text.utf8))
        for blockSize in [1, 2, 3, 7, 64, 1 << 16] {
            let (lines, numbers) = try read(path, blockSize: blockSize)
            #expect(lines == expected, "block size \(blockSize)")
            #expect(numbers == expected.indices.map { $0 + 1 })
        }
    }

    @Test func sampleReadInSmallBlocksEqualsTheFile() throws {
        let expected = try Fixtures.sampleLines()
        let (lines, numbers) = try read(Fixtures.sample, blockSize: 300)
        #expect(lines == expected)
        #expect(numbers.last == expected.count)
    }

    @Test func directoryIsNotAnInput() throws {
        let directory = try Fixtures.temporaryDirectory().path
        #expect(throws: FileIOError.unreadable(path: directory, reason: "is a directory")) {
            try LineBlockReader(path: directory)
        }
    }
}
