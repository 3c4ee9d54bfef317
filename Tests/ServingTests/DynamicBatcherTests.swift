import Foundation
@testable import Serving
import Testing
import TestSupport
import Translation

/// The batcher on its own, with a stand-in model: shared batches, results back to their
/// requests, the bounded queue, cancellation, option groups and fault isolation.
@Suite(.timeLimit(.minutes(10))) struct DynamicBatcherTests {
    @Test func concurrentRequestsShareBatchesAndGetTheirOwnResults() async throws {
        let fake = FakeTranslator(holding: true)
        let batcher = DynamicBatcher(translator: fake, limits: BatchingLimits(maxBatchSentences: 64, maxWait: 0.005))
        defer { batcher.stop() }
        // The first request is held inside the model while 16 more arrive; they must then
        // go through together, not one by one.
        async let first = batcher.translate(["uno"], options: SearchOptions())
        try await fake.waitForBatches(1)
        let results = try await withThrowingTaskGroup(of: (Int, [SentenceTranslation]).self) { group in
            for i in 0..<16 {
                group.addTask { (i, try await batcher.translate(["frase \(i)", "otra \(i)"], options: SearchOptions())) }
            }
            try await awaitUntil("32 queued sentences") { batcher.queued >= 32 }
            fake.release()
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(try await first.map(\.best) == ["UNO"])
        for i in 0..<16 { #expect(results[i]?.map(\.best) == ["FRASE \(i)", "OTRA \(i)"]) }
        #expect(fake.batches.count == 2)
        #expect(fake.batches.last?.sentences.count == 32)
        #expect(batcher.counters == .init(batches: 2, sentences: 33, largestBatch: 32))
    }

    @Test func batchesStayWithinTheLimitAndKeepArrivalOrder() async throws {
        let fake = FakeTranslator(holding: true)
        let batcher = DynamicBatcher(translator: fake, limits: BatchingLimits(maxBatchSentences: 5, maxWait: 0))
        defer { batcher.stop() }
        async let blocker = batcher.translate(["x"], options: SearchOptions())
        try await fake.waitForBatches(1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<4 {
                group.addTask { _ = try await batcher.translate(["a\(i)", "b\(i)", "c\(i)"], options: SearchOptions()) }
                try await awaitUntil("\(3 * (i + 1)) queued sentences") { batcher.queued >= 3 * (i + 1) }
            }
            fake.release()
            try await group.waitForAll()
        }
        _ = try await blocker
        // 3 + 3 > 5: each 3-sentence request is a batch of its own, in arrival order.
        #expect(fake.batches.dropFirst().map(\.sentences) == (0..<4).map { ["a\($0)", "b\($0)", "c\($0)"] })
    }

    @Test func aFullQueueRefusesAtOnce() async throws {
        let fake = FakeTranslator(holding: true)
        let batcher = DynamicBatcher(translator: fake, limits: BatchingLimits(maxBatchSentences: 8, maxWait: 0, queueCapacity: 3))
        async let running = batcher.translate(["en curso"], options: SearchOptions())
        try await fake.waitForBatches(1)
        async let waiting = batcher.translate(["a", "b", "c"], options: SearchOptions())
        try await awaitUntil("3 queued sentences") { batcher.queued >= 3 }
        await #expect(throws: BatcherError.queueFull(queued: 3, requested: 1, capacity: 3)) {
            try await batcher.translate(["d"], options: SearchOptions())
        }
        fake.release()
        #expect(try await running.map(\.best) == ["EN CURSO"])
        #expect(try await waiting.map(\.best) == ["A", "B", "C"])
        batcher.stop()
        await #expect(throws: BatcherError.stopped) { try await batcher.translate(["e"], options: SearchOptions()) }
    }

    @Test func aCancelledRequestLeavesTheQueue() async throws {
        let fake = FakeTranslator(holding: true)
        let batcher = DynamicBatcher(translator: fake, limits: BatchingLimits(maxBatchSentences: 8, maxWait: 0))
        defer { batcher.stop() }
        async let running = batcher.translate(["primero"], options: SearchOptions())
        try await fake.waitForBatches(1)
        let cancelled = Task { try await batcher.translate(["cancelada"], options: SearchOptions()) }
        try await awaitUntil("1 queued sentences") { batcher.queued >= 1 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(batcher.queued == 0)
        fake.release()
        _ = try await running
        let after = try await batcher.translate(["después"], options: SearchOptions())
        #expect(after.map(\.best) == ["DESPUÉS"])
        #expect(!fake.batches.flatMap(\.sentences).contains("cancelada"))
    }

    @Test func requestsWithOtherSearchOptionsAreNotMixed() async throws {
        let fake = FakeTranslator(holding: true)
        let batcher = DynamicBatcher(translator: fake, limits: BatchingLimits(maxBatchSentences: 64, maxWait: 0))
        defer { batcher.stop() }
        async let blocker = batcher.translate(["x"], options: SearchOptions())
        try await fake.waitForBatches(1)
        let beam2 = SearchOptions(beam: 2, nbest: 2)
        // One at a time: `async let` children start in no fixed order, and the batch keeps
        // the order of arrival.
        async let a = batcher.translate(["a"], options: SearchOptions())
        try await awaitUntil("1 queued sentences") { batcher.queued >= 1 }
        async let b = batcher.translate(["b"], options: beam2)
        try await awaitUntil("2 queued sentences") { batcher.queued >= 2 }
        async let c = batcher.translate(["c"], options: SearchOptions())
        try await awaitUntil("3 queued sentences") { batcher.queued >= 3 }
        fake.release()
        #expect(try await b.first?.hypotheses.map(\.text) == ["B", "B#1"])
        #expect(try await a.map(\.best) == ["A"])
        #expect(try await c.map(\.best) == ["C"])
        _ = try await blocker
        let groups = fake.batches.dropFirst().map { ($0.sentences, $0.options.beam) }
        #expect(groups.count == 2)
        #expect(groups.contains { $0.0 == ["a", "c"] && $0.1 == 5 })
        #expect(groups.contains { $0.0 == ["b"] && $0.1 == 2 })
    }

    @Test func aFailingRequestDoesNotFailItsBatchmates() async throws {
        let fake = FakeTranslator(holding: true)
        let batcher = DynamicBatcher(translator: fake, limits: BatchingLimits(maxBatchSentences: 64, maxWait: 0))
        defer { batcher.stop() }
        async let blocker = batcher.translate(["x"], options: SearchOptions())
        try await fake.waitForBatches(1)
        async let good = batcher.translate(["bien"], options: SearchOptions())
        let bad = Task { try await batcher.translate(["FAIL"], options: SearchOptions()) }
        try await awaitUntil("2 queued sentences") { batcher.queued >= 2 }
        fake.release()
        #expect(try await good.map(\.best) == ["BIEN"])
        await #expect(throws: FakeTranslator.Failure.self) { try await bad.value }
        _ = try await blocker
    }
}
