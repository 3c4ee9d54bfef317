import Basics
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Tensor

@Suite(.timeLimit(.minutes(10))) struct WorkerPoolTests {
    /// Every chunk of every loop runs exactly once, before `run` returns, over many
    /// back-to-back loops (workers spinning) and after pauses (workers asleep).
    @Test func everyChunkRunsOnceBeforeRunReturns() {
        let pool = WorkerPool(workers: 2)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 16 * 8)
        defer { counts.deallocate() }
        for loop in 0..<3000 {
            let chunks = 2 + loop % 7
            counts.initialize(repeating: 0, count: 16 * 8)
            // Chunks write their own cache line: no two threads write the same one.
            pool.run(chunks: chunks) { c in counts[c * 8] += 1 }
            let ran = (0..<16).map { counts[$0 * 8] }
            #expect(ran == (0..<16).map { $0 < chunks ? 1 : 0 }, "loop \(loop): chunk run counts \(ran)")
            if loop % 1000 == 999 { usleepLongEnoughToSleep() }
        }
    }

    /// A loop started from inside a chunk runs inline on that thread and completes.
    @Test func nestedLoopsRunInline() {
        let pool = WorkerPool(workers: 1)
        let sums = UnsafeMutablePointer<Int>.allocate(capacity: 4 * 8)
        defer { sums.deallocate() }
        sums.initialize(repeating: 0, count: 4 * 8)
        pool.run(chunks: 4) { c in
            pool.run(chunks: 3) { inner in sums[c * 8] += inner + 1 }
        }
        #expect((0..<4).map { sums[$0 * 8] } == [6, 6, 6, 6])
    }

    /// Longer than the workers' spin and yield phases, so the next loop has to wake them.
    private func usleepLongEnoughToSleep() {
        var request = timespec(tv_sec: 0, tv_nsec: 20_000_000)
        nanosleep(&request, nil)
    }
}

/// `Chunks`: the same contiguous ranges for any caller, every item once, errors of the
/// earliest chunk, and one (empty) chunk for no items.
@Suite(.timeLimit(.minutes(10))) struct ChunksTests {
    @Test(arguments: [1, 2, 3]) func everyItemOnceInOrder(threads: Int) throws {
        for total in [0, 1, 5, 64, 1000] {
            let parts = try Chunks.map(total, threads: threads) { Array($0) }
            #expect(parts.flatMap { $0 } == Array(0..<total), "total \(total), threads \(threads)")
            #expect(parts.count == Chunks.count(total, threads: threads, minimumPerChunk: 1))
        }
    }

    @Test func theEarliestFailingChunkIsRethrown() {
        struct Failed: Error, Equatable { let chunk: Int }
        #expect(throws: Failed(chunk: 1)) {
            try Chunks.forEach(100, threads: 3) { chunk, _ in if chunk >= 1 { throw Failed(chunk: chunk) } }
        }
    }

    @Test func fnv1aIsTheStandardHash() {
        // The published FNV-1a 64 test vectors.
        #expect(FNV1a.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash("foobar") == 0x8594_4171_f739_67e8)
    }
}
