import Basics
import Synchronization

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
    /// The thread count and its pool (nil for one thread), set together under the lock,
    /// so that a reader sees a count and the pool made for it.
    private static let state = Mutex<(count: Int, pool: WorkerPool?)>((1, nil))

    /// Threads in use now.
    public static var count: Int { state.withLock { $0.count } }

    /// Sets the thread count for the products and the kernels (clamped to ≥ 1). The
    /// setting is the process's: tests that run side by side with other counts change
    /// each other's speed, not their results' validity (every count gives valid results).
    public static func set(_ n: Int) {
        let count = max(1, n)
        OpenBLAS.library.setThreads(1)
        let pool = WorkerPools.pool(threads: count)
        state.withLock { $0 = (count, pool) }
    }

    /// Runs `body(c)` for c in 0..<chunks, spread over the threads (the caller included);
    /// returns when all have run. A call from inside another one runs its chunks inline.
    @inline(__always)
    public static func run(chunks: Int, _ body: (Int) -> Void) {
        if chunks > 1, let pool = state.withLock({ $0.pool }) {
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
        run(chunks: chunks) { c in body(Chunks.range(c, of: chunks, total: total)) }
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
        Chunks.count(total, threads: count, minimumPerChunk: minPerChunk)
    }

    /// The `index`-th of `chunks` near-equal contiguous ranges of `0..<total`.
    public static func chunkRange(_ index: Int, of chunks: Int, total: Int) -> Range<Int> {
        Chunks.range(index, of: chunks, total: total)
    }
}
