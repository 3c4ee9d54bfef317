import FileIO
import Foundation
import Testing
import TestSupport

/// gzip-compressed text read through `LineBlockReader` and `InputBytes`: the same lines as
/// the plain file, whatever the block size; faults named by file and compressed offset.
@Suite(.timeLimit(.minutes(10))) struct GzipInputTests {
    static func directory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-gzip-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// About 400 KB of lines of many lengths (empty, multibyte, one of 100 KB), without a
    /// final newline: several compressed read buffers and many line blocks.
    static let text: Data = {
        var lines: [String] = []
        for i in 1...6000 {
            switch i % 7 {
            case 0: lines.append("")
            case 1: lines.append("línea \(i) — ñandú, 中文, 🙂")
            case 2: lines.append(String(repeating: "palabra\(i % 13) ", count: i % 50))
            default: lines.append("line \(i)\tcolumn \(i * 7919 % 1000)")
            }
        }
        lines.insert(String(repeating: "x", count: 100_000), at: 3000)
        return Data(lines.joined(separator: "\n").utf8)
    }()

    /// Every line of `path` with its line number, read in blocks of `blockSize` bytes.
    static func numberedLines(_ path: String, blockSize: Int) throws -> (lines: [String], numbers: [Int], gzip: Bool) {
        let reader = try TextFile.reader(path, blockSize: blockSize)
        var lines: [String] = [], numbers: [Int] = []
        try reader.forEachBlock { block in
            try block.validateUTF8(source: reader.source)
            for i in 0..<block.count {
                lines.append(String(decoding: block.line(i), as: UTF8.self))
                numbers.append(block.firstLine + i)
            }
        }
        return (lines, numbers, reader.isGzip)
    }

    @Test(arguments: [5, 4096, 1 << 22]) func gzipAndPlainGiveTheSameLines(blockSize: Int) throws {
        let dir = try Self.directory("same-\(blockSize)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("text.txt"), compressed = dir.appendingPathComponent("text.txt.gz")
        try Self.text.write(to: plain)
        try gzipCompressed(Self.text).write(to: compressed)
        let a = try Self.numberedLines(plain.path, blockSize: blockSize)
        let b = try Self.numberedLines(compressed.path, blockSize: blockSize)
        #expect(a.lines.count == 6001 && a.lines == b.lines && a.numbers == b.numbers)
        #expect(!a.gzip && b.gzip)
        #expect(try TextFile.readBytes(path: compressed.path) == Array(Self.text))
    }

    /// The magic bytes decide, not the name: compressed text without `.gz` is inflated, and
    /// plain text named `.gz` is read as it is.
    @Test func theMagicBytesDecideNotTheName() throws {
        let dir = try Self.directory("magic")
        defer { try? FileManager.default.removeItem(at: dir) }
        let compressed = dir.appendingPathComponent("corpus.txt"), plain = dir.appendingPathComponent("plain.gz")
        try gzipCompressed(Data("uno\ndos\n".utf8)).write(to: compressed)
        try Data("tres\n".utf8).write(to: plain)
        #expect(try TextFile.readLines(compressed.path) == ["uno", "dos"])
        #expect(try TextFile.readLines(plain.path) == ["tres"])
        #expect(InputBytes.isGzip(path: compressed.path) && !InputBytes.isGzip(path: plain.path))
    }

    /// `cat a.gz b.gz` holds two members, read as one text as `gzip -d` reads it.
    @Test func concatenatedMembersAreOneText() throws {
        let dir = try Self.directory("members")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("both.gz")
        try (gzipCompressed(Data("a\nb\n".utf8)) + gzipCompressed(Data("c\n".utf8))).write(to: file)
        #expect(try TextFile.readLines(file.path) == ["a", "b", "c"])
    }

    /// A deflate block of the reserved type 3 right after the 10-byte header: zlib stops
    /// after consuming that byte, and the message names the file and offset 11.
    @Test func aCorruptStreamNamesTheFileAndTheCompressedOffset() throws {
        let dir = try Self.directory("corrupt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.gz")
        try Data([0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0x07, 0x61, 0x62, 0x63]).write(to: file)
        #expect {
            try TextFile.readLines(file.path)
        } throws: { error in
            guard case let FileIOError.corruptCompressedData(path, offset, reason)? = error as? FileIOError else { return false }
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            return path == file.path && offset == 11 && reason == "invalid block type"
                && message.contains(file.path) && message.contains("offset 11")
        }
    }

    /// A byte changed in the middle of a large file: the fault is found at or after it
    /// (an invalid code, or the CRC in the trailer), never before.
    @Test func aDamagedByteIsReportedAtOrAfterItsOffset() throws {
        let dir = try Self.directory("damaged")
        defer { try? FileManager.default.removeItem(at: dir) }
        var compressed = try gzipCompressed(Self.text)
        let damaged = compressed.count / 2
        compressed[damaged] ^= 0xFF
        let file = dir.appendingPathComponent("damaged.gz")
        try compressed.write(to: file)
        #expect {
            try TextFile.readLines(file.path)
        } throws: { error in
            guard case let FileIOError.corruptCompressedData(path, offset, _)? = error as? FileIOError else { return false }
            return path == file.path && offset > damaged && offset <= compressed.count
        }
    }

    /// A file cut inside its stream ends in an error at its length, not in a short text.
    @Test func aTruncatedStreamIsAnError() throws {
        let dir = try Self.directory("truncated")
        defer { try? FileManager.default.removeItem(at: dir) }
        let compressed = try gzipCompressed(Self.text)
        let file = dir.appendingPathComponent("cut.gz")
        try compressed.prefix(compressed.count / 3).write(to: file)
        #expect {
            try TextFile.readLines(file.path)
        } throws: { error in
            guard case let FileIOError.corruptCompressedData(path, offset, reason)? = error as? FileIOError else { return false }
            return path == file.path && offset == compressed.count / 3 && reason.contains("truncated")
        }
    }

    /// A pipe that delivers the first magic byte alone (as a slow producer may): the
    /// reader waits for the second before deciding, and inflates the text.
    @Test func aPipeDeliveringOneByteFirstIsStillRecognised() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let compressed = try gzipCompressed(Data("hola\nmundo\n".utf8))
        let (readEnd, writeEnd) = (ends[0], ends[1])
        let writer = Thread {
            compressed.withUnsafeBytes { bytes in
                _ = write(writeEnd, bytes.baseAddress!, 1)
                usleep(50_000)
                _ = write(writeEnd, bytes.baseAddress! + 1, bytes.count - 1)
            }
            close(writeEnd)
        }
        writer.start()
        defer { close(readEnd) }
        let input = InputBytes(descriptor: readEnd, source: "<pipe>")
        #expect(try input.readAll() == Array("hola\nmundo\n".utf8))
        #expect(input.isGzip)
    }

    @Test func anEmptyFileIsEmptyText() throws {
        let dir = try Self.directory("empty")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("empty.gz")
        try Data().write(to: file)
        #expect(try TextFile.readLines(file.path).isEmpty)
        let compressedEmpty = dir.appendingPathComponent("nothing.gz")
        try gzipCompressed(Data()).write(to: compressedEmpty)
        #expect(try TextFile.readLines(compressedEmpty.path).isEmpty)
    }
}
