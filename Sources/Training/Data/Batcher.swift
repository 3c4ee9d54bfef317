import Tensor
import Transformer

/// Length-bucketed batches by token count, shuffled per epoch from the seed (fairseq's
/// ordered_indices + batch_by_size): sentences are shuffled, stably sorted by length, cut
/// into batches whose padded size (sentences × longest side, with eos) stays within
/// `maxTokens`, and the batches are shuffled. The same seed and epoch give the same
/// batches, so a resumed run continues with the same data order.
public struct Batcher: Sendable {
    public let corpus: EncodedCorpus
    public let maxTokens: Int
    public let seed: UInt64
    /// Pairs used (within `maxPositions` and `maxTokens`), in corpus order.
    public let usable: [Int]
    /// Pairs skipped for being longer than `maxPositions` or than `maxTokens` alone.
    public let skipped: Int

    public init(corpus: EncodedCorpus, maxTokens: Int, maxPositions: Int, seed: UInt64) {
        self.corpus = corpus
        self.maxTokens = maxTokens
        self.seed = seed
        var usable: [Int] = []
        for i in 0..<corpus.count {
            let longest = max(corpus.sources[i].count, corpus.targets[i].count) + 1
            if longest <= maxPositions && longest <= maxTokens { usable.append(i) }
        }
        self.usable = usable
        skipped = corpus.count - usable.count
    }

    /// The batches of `epoch` (1-based), each a list of pair indices.
    public func batches(epoch: Int) -> [[Int]] { batches(of: usable, epoch: epoch) }

    /// The batches of `epoch` over `pairs`, usable pair indices that may repeat (an epoch
    /// of several weighted corpora, `CorpusMix`).
    public func batches(of pairs: [Int], epoch: Int) -> [[Int]] {
        var rng = SeededGenerator(seed: SeededGenerator.derivedSeed(seed: seed, step: UInt64(epoch), site: 0xBA7C))
        var order = pairs
        order.shuffle(using: &rng)
        let lengths = order.map { max(corpus.sources[$0].count, corpus.targets[$0].count) + 1 }
        let sorted = order.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] < lengths[$1] : $0 < $1 }.map { order[$0] }
        var batches: [[Int]] = []
        var current: [Int] = [], longest = 0
        for i in sorted {
            let length = max(corpus.sources[i].count, corpus.targets[i].count) + 1
            if !current.isEmpty && max(longest, length) * (current.count + 1) > maxTokens {
                batches.append(current)
                current = []; longest = 0
            }
            current.append(i)
            longest = max(longest, length)
        }
        if !current.isEmpty { batches.append(current) }
        batches.shuffle(using: &rng)
        return batches
    }

    /// The model input for a list of pair indices.
    public func batch(_ indices: [Int], padID: Int32, eosID: Int32) -> Batch {
        Batch(sources: indices.map { corpus.sources[$0] }, targets: indices.map { corpus.targets[$0] }, padID: padID, eosID: eosID)
    }
}
