import Foundation
@testable import Serving
import Translation

/// A stand-in model: each sentence's hypothesis k is the sentence uppercased, with "#k"
/// after it for k > 0, scored -(k + 1). It records every batch, can hold batches until
/// released (for queue and timeout tests), and fails any batch holding "FAIL".
final class FakeTranslator: SentenceTranslator, @unchecked Sendable {
    struct Failure: Error {}
    private let lock = NSCondition()
    private var recorded: [(sentences: [String], options: SearchOptions)] = []
    private var holding: Bool
    private var entered = 0

    init(holding: Bool = false) {
        self.holding = holding
    }

    var batches: [(sentences: [String], options: SearchOptions)] { lock.withLock { recorded } }

    /// Lets held batches (and all later ones) run.
    func release() {
        lock.withLock {
            holding = false
            lock.broadcast()
        }
    }

    /// Batches started so far (held or not).
    var started: Int { lock.withLock { entered } }

    /// Waits until `count` batches have started, without blocking a thread of the
    /// cooperative pool (the batcher and the server need them).
    func waitForBatches(_ count: Int) async throws {
        while started < count { try await Task.sleep(nanoseconds: 1_000_000) }
    }

    func translate(_ sentences: [String], options: SearchOptions) throws -> [SentenceTranslation] {
        lock.withLock {
            entered += 1
            while holding { lock.wait() }
            recorded.append((sentences, options))
        }
        if sentences.contains("FAIL") { throw Failure() }
        return sentences.map { sentence in
            var hypotheses: [TextHypothesis] = []
            for k in 0..<options.nbest {
                let text = sentence.uppercased() + (k == 0 ? "" : "#\(k)")
                let score = -Float(k + 1)
                hypotheses.append(TextHypothesis(text: text, score: score, logProbability: 2 * score, tokens: sentence.count))
            }
            return SentenceTranslation(hypotheses: hypotheses, sourceTokens: sentence.split(separator: " ").count)
        }
    }
}

/// Runs blocking work (sockets, waits) on a thread of its own, off the cooperative pool.
func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
