#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Persistent worker threads that run the chunks of one parallel loop at a time, with the
/// calling thread taking part.
///
/// Why not `DispatchQueue.concurrentPerform`: on Linux its workers park between calls and
/// take tens of microseconds to wake, so splitting a 50 µs kernel in two made it slower
/// than one thread (measured: two 25 µs halves took 71 µs). A decoding step runs dozens
/// of such kernels. Here idle workers watch a generation counter: `spinsBeforeYield`
/// busy checks (a few microseconds), then `yieldsBeforeSleep` checks that yield the core
/// (about a millisecond), then they sleep on a condition variable. Back-to-back loops so
/// start at once, a sequential stretch costs the next loop one wake-up, and an
/// oversubscribed machine (tests running side by side) still makes progress. A pool lives
/// as long as the process (its workers hold it); `WorkerPools` keeps one per thread count.
///
/// Protocol: the caller publishes the job, resets the chunk counter and the count of
/// workers done, and bumps `generation`; every worker takes part in every generation
/// (claiming chunks until none are left, possibly none) and then reports done; the
/// caller claims chunks too and returns only when every worker has reported, so the job
/// state is never rewritten while a worker may still read it. Which thread runs a chunk
/// varies; what a chunk computes does not, so results are deterministic.
public final class WorkerPool: @unchecked Sendable {
    // @unchecked: the job and chunk count are written by the one caller that holds `busy`
    // and read by the workers only between the generation bump and their done report.
    public let workerCount: Int

    private let generation = Atomic<Int>(0)
    private let nextChunk = Atomic<Int>(0)
    private let workersDone = Atomic<Int>(0)
    /// Set while a loop runs: a parallel loop started inside another runs inline.
    private let busy = Atomic<Bool>(false)
    private var job: ((Int) -> Void)?
    private var chunks = 0

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>
    private var sleepers = 0                     // guarded by `mutex`

    /// Busy checks before a waiting thread starts yielding, and yields before a worker sleeps.
    static let spinsBeforeYield = 4_000, yieldsBeforeSleep = 2_000

    public init(workers: Int) {
        workerCount = workers
        mutex = .allocate(capacity: 1)
        wake = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        for _ in 0..<workers {
            let thread = Thread(pool: self)
            var handle = pthread_t()
            let context = Unmanaged.passRetained(thread).toOpaque()
            let status = pthread_create(&handle, nil, { context in
                Unmanaged<Thread>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
            precondition(status == 0, "cannot start a worker thread (pthread_create: \(status))")
            pthread_detach(handle)
        }
    }

    /// Runs `body(c)` for every c in 0..<chunks on the workers and the calling thread;
    /// returns when all have run. Nested calls (from inside a body) run inline.
    public func run(chunks count: Int, _ body: (Int) -> Void) {
        guard count > 1, workerCount > 0, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for c in 0..<count { body(c) }
            return
        }
        withoutActuallyEscaping(body) { body in
            job = body
            chunks = count
            nextChunk.store(0, ordering: .relaxed)
            workersDone.store(0, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            pthread_mutex_lock(mutex)
            if sleepers > 0 { pthread_cond_broadcast(wake) }
            pthread_mutex_unlock(mutex)
            claimChunks(body, count)
            var spins = 0
            while workersDone.load(ordering: .acquiring) < workerCount {
                spins += 1
                if spins > Self.spinsBeforeYield { sched_yield() }
            }
            job = nil
        }
        busy.store(false, ordering: .releasing)
    }

    @inline(__always)
    private func claimChunks(_ body: (Int) -> Void, _ count: Int) {
        while true {
            let c = nextChunk.add(1, ordering: .relaxed).oldValue
            if c >= count { return }
            body(c)
        }
    }

    /// A worker's loop: wait for the next generation, help with its chunks, report done.
    fileprivate func work() {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins > Self.spinsBeforeYield { sched_yield() }
                if spins > Self.spinsBeforeYield + Self.yieldsBeforeSleep {
                    pthread_mutex_lock(mutex)
                    sleepers += 1
                    while generation.load(ordering: .acquiring) == seen { pthread_cond_wait(wake, mutex) }
                    sleepers -= 1
                    pthread_mutex_unlock(mutex)
                    spins = 0
                }
            }
            seen = generation.load(ordering: .acquiring)
            helpWithJob()
            workersDone.add(1, ordering: .releasing)
        }
    }

    /// Runs chunks of the current job. A separate function so that this thread's copy of
    /// the job closure is released before the worker reports done: the caller checks that
    /// nothing holds the closure when it returns (`withoutActuallyEscaping`).
    @inline(never)
    private func helpWithJob() {
        if let job { claimChunks(job, chunks) }
    }

    /// Holds the pool for the thread's start routine.
    private final class Thread {
        let pool: WorkerPool
        init(pool: WorkerPool) { self.pool = pool }
        func run() { pool.work() }
    }
}
