import Testing
import TestSupport
@testable import Training

/// Length-bucketed batching: the token bound, the pairs it skips, and the same order for
/// the same seed and epoch (what exact resume relies on).
@Suite(.timeLimit(.minutes(10))) struct BatcherTests {
    /// 300 pairs of random lengths 1–20 (source and target drawn apart), then pair 300 of
    /// 41 tokens with eos and pair 301 of 71, to meet the limits.
    static func corpus() -> EncodedCorpus {
        var random = TestRandom(seed: 21)
        var sources: [[Int32]] = [], targets: [[Int32]] = []
        for _ in 0..<300 {
            sources.append((0..<(1 + random.index(20))).map { _ in Int32(4 + random.index(50)) })
            targets.append((0..<(1 + random.index(20))).map { _ in Int32(4 + random.index(50)) })
        }
        sources.append(Array(repeating: 5, count: 40)); targets.append([6])
        sources.append([7]); targets.append(Array(repeating: 8, count: 70))
        return EncodedCorpus(sources: sources, targets: targets)
    }

    @Test func everyBatchStaysWithinTheTokenBound() {
        let corpus = Self.corpus()
        let batcher = Batcher(corpus: corpus, maxTokens: 64, maxPositions: 50, seed: 1)
        for epoch in 1...3 {
            for indices in batcher.batches(epoch: epoch) {
                // Padded size as the batcher counts it: sentences × longest side, with eos.
                let longest = indices.map { max(corpus.sources[$0].count, corpus.targets[$0].count) + 1 }.max()!
                #expect(longest * indices.count <= 64, "epoch \(epoch): \(indices.count) pairs of up to \(longest) tokens")
            }
        }
    }

    @Test func skipsOverlongPairsAndUsesEveryOtherPairOncePerEpoch() {
        let corpus = Self.corpus()
        let batcher = Batcher(corpus: corpus, maxTokens: 64, maxPositions: 50, seed: 1)
        // Only the 71-token pair is over max_positions 50 (and max_tokens 64).
        #expect(batcher.skipped == 1)
        #expect(!batcher.usable.contains(301) && batcher.usable.contains(300))
        let strict = Batcher(corpus: corpus, maxTokens: 64, maxPositions: 40, seed: 1)
        #expect(strict.skipped == 2, "the 41-token pair is over max_positions 40")
        let fewTokens = Batcher(corpus: corpus, maxTokens: 30, maxPositions: 100, seed: 1)
        #expect(fewTokens.skipped == 2, "both long pairs are over max_tokens 30 alone")
        for epoch in 1...2 {
            let used = batcher.batches(epoch: epoch).flatMap { $0 }.sorted()
            #expect(used == batcher.usable, "epoch \(epoch) uses every usable pair exactly once")
        }
    }

    /// An epoch drawn from weighted corpora may hold a pair several times: each is batched
    /// as often as it was drawn, within the token bound.
    @Test func drawnPairsAreBatchedAsOftenAsDrawn() {
        let corpus = Self.corpus()
        let batcher = Batcher(corpus: corpus, maxTokens: 64, maxPositions: 50, seed: 1)
        let drawn = Array(batcher.usable.prefix(10)) + Array(batcher.usable.prefix(10)) + [batcher.usable[20]]
        let batches = batcher.batches(of: drawn, epoch: 1)
        #expect(batches.flatMap { $0 }.sorted() == drawn.sorted())
        for indices in batches {
            let longest = indices.map { max(corpus.sources[$0].count, corpus.targets[$0].count) + 1 }.max()!
            #expect(longest * indices.count <= 64)
        }
        #expect(batcher.batches(of: batcher.usable, epoch: 2) == batcher.batches(epoch: 2), "one corpus: its usable pairs")
    }

    @Test func theSameSeedAndEpochGiveTheSameBatches() {
        let corpus = Self.corpus()
        let a = Batcher(corpus: corpus, maxTokens: 64, maxPositions: 50, seed: 7)
        let b = Batcher(corpus: corpus, maxTokens: 64, maxPositions: 50, seed: 7)
        #expect(a.batches(epoch: 2) == b.batches(epoch: 2))
        #expect(a.batches(epoch: 2) != a.batches(epoch: 3), "epochs are shuffled apart")
        let other = Batcher(corpus: corpus, maxTokens: 64, maxPositions: 50, seed: 8)
        #expect(a.batches(epoch: 2) != other.batches(epoch: 2), "seeds are shuffled apart")
    }
}
