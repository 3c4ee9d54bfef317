import Dispatch
import Foundation

/// Splits work over threads in contiguous chunks, so that results keep the input's order.
enum Parallel {
    /// Calls `body(chunk, range)` for `chunks` near-equal contiguous ranges of `0..<count`,
    /// on up to `threads` threads; one chunk per thread, because lines cost about the same.
    /// Rethrows the error of the earliest failing chunk.
    static func forEachChunk(
        count: Int, threads: Int, minimumPerChunk: Int = 64,
        _ body: (_ chunk: Int, _ range: Range<Int>) throws -> Void
    ) throws {
        let chunks = chunkCount(count: count, threads: threads, minimumPerChunk: minimumPerChunk)
        if chunks == 1 {
            try body(0, 0..<count)
            return
        }
        let errors = ErrorSlots(count: chunks)
        try withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                do {
                    try body(chunk, range(chunk, of: chunks, count: count))
                } catch {
                    errors.set(chunk, error)
                }
            }
            if let error = errors.first { throw error }
        }
    }

    /// How many chunks `forEachChunk` makes (at least 1).
    static func chunkCount(count: Int, threads: Int, minimumPerChunk: Int = 64) -> Int {
        max(1, min(threads, count / max(minimumPerChunk, 1)))
    }

    /// The `index`-th of `chunks` near-equal contiguous ranges of `0..<count`.
    static func range(_ index: Int, of chunks: Int, count: Int) -> Range<Int> {
        let base = count / chunks, extra = count % chunks
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }
}

/// One error slot per chunk, written by the chunk's own thread.
private final class ErrorSlots: @unchecked Sendable {
    private var slots: [Error?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ error: Error) {
        lock.lock()
        slots[index] = error
        lock.unlock()
    }

    var first: Error? { slots.lazy.compactMap { $0 }.first }
}
