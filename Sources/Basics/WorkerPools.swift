import Synchronization

/// The process's worker pools, one per thread count, made on first use and kept (an
/// unused pool's workers sleep). Every parallel loop of the project runs on them: the
/// kernels (`Threads`), SentencePiece encoding and the evaluation metrics.
public enum WorkerPools {
    private static let pools = Mutex<[Int: WorkerPool]>([:])

    /// The pool whose workers and caller make `threads` threads; nil for one thread.
    public static func pool(threads: Int) -> WorkerPool? {
        guard threads > 1 else { return nil }
        return pools.withLock { pools in
            if let pool = pools[threads - 1] { return pool }
            let pool = WorkerPool(workers: threads - 1)
            pools[threads - 1] = pool
            return pool
        }
    }
}
