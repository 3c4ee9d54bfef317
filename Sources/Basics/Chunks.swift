import Synchronization

/// Work split into contiguous chunks of `0..<total`, so that results keep the input's
/// order and do not depend on which thread ran a chunk.
public enum Chunks {
    /// How many chunks `total` items make on `threads` threads with at least
    /// `minimumPerChunk` items each (at least 1).
    public static func count(_ total: Int, threads: Int, minimumPerChunk: Int) -> Int {
        max(1, min(threads, total / max(minimumPerChunk, 1)))
    }

    /// The `index`-th of `chunks` near-equal contiguous ranges of `0..<total`.
    @inline(__always)
    public static func range(_ index: Int, of chunks: Int, total: Int) -> Range<Int> {
        let base = total / chunks, extra = total % chunks
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }

    /// Calls `body(chunk, range)` for the `count(total, threads:, minimumPerChunk:)`
    /// chunks of `0..<total` on `threads` threads (a `WorkerPools` pool and the caller);
    /// one chunk (0, 0..<0) when there are no items. Rethrows the error of the earliest
    /// failing chunk.
    public static func forEach(_ total: Int, threads: Int, minimumPerChunk: Int = 1,
                               _ body: (_ chunk: Int, _ range: Range<Int>) throws -> Void) throws {
        let chunks = count(total, threads: threads, minimumPerChunk: minimumPerChunk)
        guard chunks > 1, let pool = WorkerPools.pool(threads: threads) else {
            try body(0, 0..<total)            // once even for no items, so `map` has its one result
            return
        }
        let errors = Mutex<[Int: any Error]>([:])
        pool.run(chunks: chunks) { chunk in
            do {
                try body(chunk, range(chunk, of: chunks, total: total))
            } catch {
                errors.withLock { $0[chunk] = error }
            }
        }
        if let first = errors.withLock({ $0.min { $0.key < $1.key }?.value }) { throw first }
    }

    /// Each chunk's result, in chunk order (so the combined result is the same for any
    /// thread count when the chunks are).
    public static func map<Result>(_ total: Int, threads: Int, minimumPerChunk: Int = 1,
                                   _ body: (_ range: Range<Int>) throws -> Result) throws -> [Result] {
        let chunks = count(total, threads: threads, minimumPerChunk: minimumPerChunk)
        var results = [Result?](repeating: nil, count: chunks)
        try results.withUnsafeMutableBufferPointer { slots in
            // Each chunk writes its own slot only.
            nonisolated(unsafe) let slots = slots
            try forEach(total, threads: threads, minimumPerChunk: minimumPerChunk) { chunk, range in
                slots[chunk] = try body(range)
            }
        }
        return results.map { $0! }
    }
}
