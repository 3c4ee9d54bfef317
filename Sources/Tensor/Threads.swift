/// The number of threads used by matrix products and by the SIMD kernels.
///
/// One setting drives both, as `--threads N` on the command line. OpenBLAS itself always
/// runs single-threaded: large products are split across our own threads instead
/// (`MatMul.gemm`). With OpenBLAS's pool active, its workers spin between products while
/// our kernels run, two pools compete for the cores, and the many small attention products
/// (below OpenBLAS's threading threshold) run on one core only. Parallel loops run on a
/// `WorkerPool` of count − 1 persistent workers plus the calling thread. Results are deterministic
/// for a given thread count: work is split into the same contiguous ranges every time, and
/// reductions combine per-range partials in range order.
public enum Threads {
    nonisolated(unsafe) private static var current = 1
    /// Worker pools by worker count (threads − 1), made on first use and kept: an unused
    /// pool's workers sleep.
    nonisolated(unsafe) private static var pools: [Int: WorkerPool] = [:]
    nonisolated(unsafe) private static var pool: WorkerPool?

    /// Threads in use now.
    public static var count: Int { current }

    /// Sets the thread count for the products and the kernels (clamped to ≥ 1).
    public static func set(_ n: Int) {
        current = max(1, n)
        OpenBLAS.library.setThreads(1)
        if current == 1 {
            pool = nil
        } else if let existing = pools[current - 1] {
            pool = existing
        } else {
            let made = WorkerPool(workers: current - 1)
            pools[current - 1] = made
            pool = made
        }
    }

    /// Runs `body(c)` for c in 0..<chunks, spread over the threads (the caller included);
    /// returns when all have run. A call from inside another one runs its chunks inline.
    @inline(__always)
    public static func run(chunks: Int, _ body: (Int) -> Void) {
        if let pool, chunks > 1 {
            pool.run(chunks: chunks, body)
        } else {
            for c in 0..<chunks { body(c) }
        }
    }

    /// Calls `body(range)` for contiguous chunks of `0..<total`, in parallel when there are
    /// several threads and at least `minPerChunk` items per chunk. Chunk `i` of `n` always
    /// covers the same range for the same `total` and thread count.
    @inline(__always)
    public static func parallelFor(_ total: Int, minPerChunk: Int = 16, _ body: (Range<Int>) -> Void) {
        let chunks = chunkCount(total, minPerChunk: minPerChunk)
        if chunks <= 1 {
            if total > 0 { body(0..<total) }
            return
        }
        run(chunks: chunks) { c in body(chunkRange(c, of: chunks, total: total)) }
    }

    /// Calls `body(range)` for contiguous chunks of the elements `0..<count`, in parallel
    /// when each chunk gets at least `minPerChunk` elements; chunk boundaries fall on
    /// multiples of 16, so every chunk but the last is whole vectors of either width.
    @inline(__always)
    public static func parallelForVectors(_ count: Int, minPerChunk: Int = 8192, _ body: (Range<Int>) -> Void) {
        let blocks = (count + 15) / 16
        parallelFor(blocks, minPerChunk: max(minPerChunk / 16, 1)) { range in
            body((range.lowerBound * 16)..<min(range.upperBound * 16, count))
        }
    }

    /// How many chunks `parallelFor` splits `total` items into.
    public static func chunkCount(_ total: Int, minPerChunk: Int = 16) -> Int {
        max(1, min(current, total / max(minPerChunk, 1)))
    }

    /// The `index`-th of `chunks` near-equal contiguous ranges of `0..<total`.
    public static func chunkRange(_ index: Int, of chunks: Int, total: Int) -> Range<Int> {
        let base = total / chunks, extra = total % chunks
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }
}
