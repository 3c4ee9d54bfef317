import Foundation
import Translation

/// Why the batcher did not translate a request.
public enum BatcherError: Error, Equatable, LocalizedError {
    /// Taking the request would put more than `capacity` sentences in the queue.
    case queueFull(queued: Int, requested: Int, capacity: Int)
    /// The batcher is shutting down and takes no new work.
    case stopped

    public var errorDescription: String? {
        switch self {
        case let .queueFull(queued, requested, capacity):
            return "the translation queue is full (\(queued) sentences waiting, \(requested) more asked, capacity \(capacity))"
        case .stopped:
            return "the server is shutting down"
        }
    }
}

/// How the batcher groups requests.
public struct BatchingLimits: Equatable, Sendable {
    /// The most sentences decoded together; a request with more is decoded alone.
    public var maxBatchSentences: Int
    /// How long the oldest waiting request may wait for others to join its batch.
    public var maxWait: TimeInterval
    /// The most sentences waiting in the queue; beyond it requests are refused at once
    /// (`BatcherError.queueFull`) instead of growing memory without bound.
    public var queueCapacity: Int

    public init(maxBatchSentences: Int = 64, maxWait: TimeInterval = 0.005, queueCapacity: Int = 1024) {
        self.maxBatchSentences = maxBatchSentences
        self.maxWait = maxWait
        self.queueCapacity = queueCapacity
    }
}

/// Dynamic batching in front of one model: concurrent requests are queued, and one
/// thread takes them in arrival order into shared decoder batches.
///
/// The thread waits for the oldest request at most `maxWait` for others to join, takes
/// the requests behind it that ask for the same search options while the batch stays
/// within `maxBatchSentences`, and translates them in one call (where `Translator` sorts
/// them by length). A request cancelled while it waits (its timeout, see
/// `translate(_:options:)`) leaves the queue; one cancelled during its batch gets the
/// cancellation at once and its results are dropped. The model is used by this thread
/// only, so requests never run two decoders side by side on the CPU's cores.
public final class DynamicBatcher: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `condition`.
    public let limits: BatchingLimits
    private let translator: any SentenceTranslator
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var queuedSentences = 0
    private var stopping = false
    private var finished = false
    private var totals = Counters()
    private var decodingSentences = 0

    /// Batches translated and sentences in them, since the start.
    public struct Counters: Equatable, Sendable {
        public var batches = 0
        public var sentences = 0
        public var largestBatch = 0
    }

    private final class Job: @unchecked Sendable {
        // @unchecked: `continuation` and `cancelled` are read and written under the
        // batcher's `condition` only.
        let sentences: [String]
        /// One target prefix per sentence ("" for none).
        let prefixes: [String]
        /// One target language per sentence, a multilingual model's tag ("" for none).
        let targetLanguages: [String]
        let options: SearchOptions
        let enqueued: Date
        var continuation: CheckedContinuation<[SentenceTranslation], any Error>?
        var cancelled = false

        init(sentences: [String], prefixes: [String], targetLanguage: String, options: SearchOptions) {
            self.sentences = sentences
            self.prefixes = prefixes.isEmpty ? Array(repeating: "", count: sentences.count) : prefixes
            targetLanguages = Array(repeating: targetLanguage, count: sentences.count)
            self.options = options
            enqueued = Date()
        }
    }

    /// Starts the batching thread.
    public init(translator: any SentenceTranslator, limits: BatchingLimits = BatchingLimits()) {
        precondition(limits.maxBatchSentences >= 1 && limits.queueCapacity >= 1 && limits.maxWait >= 0,
                     "BatchingLimits \(limits)")
        self.translator = translator
        self.limits = limits
        let thread = Thread { [self] in run() }
        thread.name = "nmt-batcher"
        thread.stackSize = 8 << 20
        thread.start()
    }

    public var counters: Counters {
        condition.lock()
        defer { condition.unlock() }
        return totals
    }

    /// Sentences in the batch being translated now.
    public var decoding: Int {
        condition.lock()
        defer { condition.unlock() }
        return decodingSentences
    }

    /// Sentences waiting for a batch.
    public var queued: Int {
        condition.lock()
        defer { condition.unlock() }
        return queuedSentences
    }

    /// Translates `sentences` in a shared batch. Cancelling the calling task (for a
    /// timeout) removes a waiting request from the queue and returns `CancellationError`.
    /// - Throws: `BatcherError.queueFull` at once when the queue cannot take the
    ///   sentences, `.stopped` after `stop()`, or the translator's error.
    public func translate(_ sentences: [String], options: SearchOptions) async throws -> [SentenceTranslation] {
        try await translate(sentences, prefixes: [], options: options)
    }

    /// `translate(_:options:)` with target prefixes (one per sentence, "" for none; or
    /// none at all) and a multilingual model's target language for every sentence ("" for
    /// none). Requests for different target languages share batches.
    public func translate(_ sentences: [String], prefixes: [String], targetLanguage: String = "",
                          options: SearchOptions) async throws -> [SentenceTranslation] {
        precondition(prefixes.isEmpty || prefixes.count == sentences.count,
                     "\(prefixes.count) prefixes for \(sentences.count) sentences")
        if sentences.isEmpty { return [] }
        let job = Job(sentences: sentences, prefixes: prefixes, targetLanguage: targetLanguage, options: options)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                condition.lock()
                defer { condition.unlock() }
                if stopping { return continuation.resume(throwing: BatcherError.stopped) }
                if job.cancelled { return continuation.resume(throwing: CancellationError()) }
                guard queuedSentences + sentences.count <= limits.queueCapacity else {
                    return continuation.resume(throwing: BatcherError.queueFull(
                        queued: queuedSentences, requested: sentences.count, capacity: limits.queueCapacity))
                }
                job.continuation = continuation
                queue.append(job)
                queuedSentences += sentences.count
                condition.broadcast()
            }
        } onCancel: {
            condition.lock()
            job.cancelled = true
            let continuation = job.continuation
            job.continuation = nil
            if let index = queue.firstIndex(where: { $0 === job }) {
                queue.remove(at: index)
                queuedSentences -= job.sentences.count
            }
            condition.unlock()
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Refuses new requests, finishes the queued ones and ends the thread.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    /// `stop()` for async callers: the wait for the queued requests runs on a thread of
    /// its own, so that it never holds one of the few threads of Swift's cooperative pool
    /// (with the pool's threads all waiting, nothing else async could run, not even what
    /// would let the queued requests finish).
    public func stopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                self.stop()
                continuation.resume()
            }
        }
    }

    // MARK: The batching thread

    private func run() {
        while let batch = nextBatch() {
            execute(batch)
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for work, then up to `maxWait` after the oldest request's arrival for the
    /// batch to fill; nil once stopping with an empty queue.
    private func nextBatch() -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !stopping { condition.wait() }
        guard let first = queue.first else { return nil }
        let deadline = first.enqueued.addingTimeInterval(limits.maxWait)
        while !stopping, queue.first === first, joinable(with: first) < limits.maxBatchSentences,
              condition.wait(until: deadline) {}
        // The oldest may have been cancelled while we waited; take whoever is first now.
        guard let head = queue.first else { return stopping ? nil : [] }
        var batch: [Job] = [], sentences = 0, kept: [Job] = []
        for job in queue {
            if job.options == head.options
                && (batch.isEmpty || sentences + job.sentences.count <= limits.maxBatchSentences) {
                batch.append(job)
                sentences += job.sentences.count
            } else {
                kept.append(job)
            }
        }
        queue = kept
        queuedSentences -= sentences
        decodingSentences = sentences
        return batch
    }

    /// Sentences in the queue that could share `first`'s batch.
    private func joinable(with first: Job) -> Int {
        queue.reduce(0) { $0 + ($1.options == first.options ? $1.sentences.count : 0) }
    }

    private func execute(_ batch: [Job]) {
        guard let options = batch.first?.options else { return }
        let sentences = batch.flatMap(\.sentences)
        var outcomes: [Result<[SentenceTranslation], any Error>]
        do {
            let all = try translate(sentences, prefixes: batch.flatMap(\.prefixes),
                                    targetLanguages: batch.flatMap(\.targetLanguages), options: options)
            var start = 0
            outcomes = batch.map { job in
                defer { start += job.sentences.count }
                return .success(Array(all[start..<start + job.sentences.count]))
            }
        } catch {
            // One request's fault must not fail the others: translate each alone.
            outcomes = batch.map { job in
                Result { try translate(job.sentences, prefixes: job.prefixes, targetLanguages: job.targetLanguages, options: options) }
            }
        }
        condition.lock()
        decodingSentences = 0
        totals.batches += 1
        totals.sentences += sentences.count
        totals.largestBatch = max(totals.largestBatch, sentences.count)
        let continuations = batch.map { job -> CheckedContinuation<[SentenceTranslation], any Error>? in
            defer { job.continuation = nil }
            return job.continuation
        }
        condition.unlock()
        for (continuation, outcome) in zip(continuations, outcomes) { continuation?.resume(with: outcome) }
    }

    /// The translator's call with prefixes and target languages only when some sentence has one.
    private func translate(_ sentences: [String], prefixes: [String], targetLanguages: [String],
                           options: SearchOptions) throws -> [SentenceTranslation] {
        if prefixes.allSatisfy(\.isEmpty) && targetLanguages.allSatisfy(\.isEmpty) {
            return try translator.translate(sentences, options: options)
        }
        return try translator.translate(sentences, prefixes: prefixes, targetLanguages: targetLanguages, options: options)
    }
}
