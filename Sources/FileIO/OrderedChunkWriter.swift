import Foundation

/// Writes numbered chunks of output in their order, whatever order they are finished in:
/// chunk k goes out, flushed, as soon as it and every chunk before it are finished, so a
/// reader at the other end of a pipe sees each line as early as the order allows.
///
/// Chunks are numbered from 0; each must be finished once. Safe to call from several
/// threads.
public final class OrderedChunkWriter: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`.
    private let lock = NSLock()
    private let writer: BufferedWriter
    private var waiting: [Int: [UInt8]] = [:]
    private var next = 0

    /// Writes to `descriptor` (standard output by default); `name` names it in errors.
    public init(descriptor: Int32 = STDOUT_FILENO, name: String = "<stdout>") {
        writer = BufferedWriter(descriptor: descriptor, name: name)
    }

    /// Chunks written so far (all chunks before this number are out).
    public var written: Int { lock.withLock { next } }

    /// Chunks finished but waiting for an earlier one.
    public var held: Int { lock.withLock { waiting.count } }

    /// Hands over chunk `index`; writes it and every chunk after it that is already
    /// finished if every chunk before it is out, else keeps it until they are.
    /// - Throws: `FileIOError.writeFailed` when the output refuses the bytes.
    public func finish(chunk index: Int, text: String) throws {
        try lock.withLock {
            precondition(index >= next && waiting[index] == nil, "chunk \(index) finished twice")
            waiting[index] = Array(text.utf8)
            guard index == next else { return }
            while let bytes = waiting.removeValue(forKey: next) {
                bytes.withUnsafeBytes { writer.buffer.append($0) }
                next += 1
            }
            try writer.flush()
        }
    }
}
