import FileIO
import Foundation

/// Lines of a file or of standard input, read on a thread of its own and handed out in
/// chunks of what has arrived: a chunk never waits for more input than is there, so an
/// interactive user gets each line translated at once and a file goes in full chunks.
/// At most `capacity` lines wait, so a fast producer cannot fill memory.
final class LineFeed: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `condition`.
    private let condition = NSCondition()
    private var lines: [String] = []
    private var nextLineNumber = 1
    private var atEnd = false
    private var failure: (any Error)?
    private let capacity: Int

    /// Starts reading `path` (standard input when nil or "-").
    /// - Throws: `FileIOError.unreadable` naming a missing or unreadable file.
    init(path: String?, capacity: Int) throws {
        // Handed to the reading thread, which alone uses it from then on.
        nonisolated(unsafe) let reader = try TextFile.reader(path, blockSize: 1 << 16)
        self.capacity = max(capacity, 1)
        let thread = Thread { [self] in read(reader) }
        thread.name = "nmt-line-feed"
        thread.start()
    }

    private func read(_ reader: LineBlockReader) {
        do {
            try reader.forEachBlock { block in
                condition.lock()
                defer { condition.unlock() }
                for i in 0..<block.count {
                    // Line by line, so that every line before an invalid one is handed out.
                    try block.validateUTF8(source: reader.source, lines: i..<(i + 1))
                    while lines.count >= capacity { condition.wait() }
                    lines.append(String(decoding: block.line(i), as: UTF8.self))
                    condition.broadcast()
                }
            }
        } catch {
            condition.withLock { failure = error }
        }
        condition.withLock {
            atEnd = true
            condition.broadcast()
        }
    }

    /// The next lines, at most `limit`, waiting only until at least one has arrived;
    /// nil at the end of the input. `firstLine` counts from 1 over the whole input.
    /// - Throws: the reader's error (invalid UTF-8 names its line) once the lines read
    ///   before it have been handed out.
    func next(upTo limit: Int) throws -> (firstLine: Int, lines: [String])? {
        condition.lock()
        defer { condition.unlock() }
        while lines.isEmpty && !atEnd { condition.wait() }
        if lines.isEmpty {
            if let failure { throw failure }
            return nil
        }
        let count = min(limit, lines.count)
        let chunk = Array(lines.prefix(count))
        lines.removeFirst(count)
        let first = nextLineNumber
        nextLineNumber += count
        condition.broadcast()
        return (first, chunk)
    }
}
