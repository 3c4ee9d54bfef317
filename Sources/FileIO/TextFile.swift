import Foundation

/// Whole text files: reading all lines with UTF-8 checks (of plain or gzip-compressed
/// text, `LineBlockReader`), and writing to standard output or to a file that appears
/// only when complete.
public enum TextFile {
    /// The lines of a UTF-8 text file, or of standard input when `path` is nil or "-"
    /// (without newlines). Invalid UTF-8 is an error naming the file and the line.
    public static func readLines(_ path: String?) throws -> [String] {
        let reader = try reader(path)
        var lines: [String] = []
        try reader.forEachBlock { block in
            try block.validateUTF8(source: reader.source)
            for i in 0..<block.count { lines.append(String(decoding: block.line(i), as: UTF8.self)) }
        }
        return lines
    }

    /// The lines of a text file as `readLines` reads them, but with nil for each line that
    /// is not valid UTF-8 instead of an error: for a caller that skips such lines and
    /// counts them.
    public static func readLinesMarkingInvalid(_ path: String?) throws -> [String?] {
        let reader = try reader(path)
        var lines: [String?] = []
        try reader.forEachBlock { block in
            for i in 0..<block.count {
                lines.append(String(validating: block.line(i).bindMemory(to: UInt8.self), as: UTF8.self))
            }
        }
        return lines
    }

    /// Every byte of the file at `path` (taken literally: "-" is a file name here),
    /// inflated when it is gzip (`InputBytes`), with no check of its text.
    /// - Throws: `FileIOError.unreadable` naming the file and the system's reason,
    ///   `.corruptCompressedData` naming the compressed byte offset.
    public static func readBytes(path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileIOError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        return try InputBytes(descriptor: descriptor, source: path).readAll()
    }

    /// Every byte of standard input, inflated when it is gzip.
    public static func readStandardInputBytes() throws -> [UInt8] {
        try InputBytes(descriptor: STDIN_FILENO, source: "<stdin>").readAll()
    }

    /// A line reader of `path`, or of standard input when `path` is nil or "-".
    /// - Throws: `FileIOError.unreadable` naming a missing or unreadable file.
    public static func reader(_ path: String?, blockSize: Int = 1 << 22) throws -> LineBlockReader {
        if let path, path != "-", !FileManager.default.fileExists(atPath: path) {
            throw FileIOError.unreadable(path: path, reason: "no such file")
        }
        return try LineBlockReader(path: path, blockSize: blockSize)
    }

    /// The lines of two line-aligned files (source and target of a parallel corpus);
    /// throws when their lengths differ.
    public static func readAligned(_ first: String, _ second: String) throws -> ([String], [String]) {
        let a = try readLines(first), b = try readLines(second)
        guard a.count == b.count else {
            throw FileIOError.lineCountsDiffer(first: first, firstLines: a.count, second: second, secondLines: b.count)
        }
        return (a, b)
    }

    /// Calls `body` with a writer to standard output (`path` nil or "-") or to `path`,
    /// which is written atomically (`AtomicFile`): on failure nothing appears there.
    public static func write(to path: String?, _ body: (BufferedWriter) throws -> Void) throws {
        guard let path, path != "-" else {
            let writer = BufferedWriter()
            try body(writer)
            try writer.flush()
            return
        }
        do {
            try AtomicFile.write(to: URL(fileURLWithPath: path), buffered: body)
        } catch let error as AtomicWriteError {
            throw FileIOError.writeFailed(path: path, reason: error.reason)
        }
    }

    /// Writes `text` to standard output (`path` nil or "-") or atomically to `path`.
    public static func write(_ text: String, to path: String?) throws {
        try write(to: path) { writer in
            var text = text
            text.withUTF8 { writer.buffer.append(UnsafeRawBufferPointer($0)) }
        }
    }
}
