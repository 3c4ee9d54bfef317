import Tensor

/// Where the sampling of several corpora stands between epochs, saved in each checkpoint
/// (`TrainingProgress.sampler`) so that a resumed run draws what an uninterrupted one would.
public struct CorpusSamplerState: Codable, Equatable, Sendable {
    /// Per corpus: the number of the shuffled pass over its pairs in progress (from 0).
    public var passes: [Int]
    /// Per corpus: the pairs of that pass already drawn.
    public var drawn: [Int]

    /// The state before the first epoch: every corpus at the start of its first pass.
    public init(corpora: Int) {
        passes = Array(repeating: 0, count: corpora)
        drawn = Array(repeating: 0, count: corpora)
    }

    public init(passes: [Int], drawn: [Int]) {
        self.passes = passes
        self.drawn = drawn
    }
}

/// Weighted sampling of several training corpora (the config's `corpora`, OpenNMT-py's
/// `weight`).
///
/// The rule: an epoch draws as many pairs as all corpora hold together (usable pairs, see
/// `Batcher`); corpus k gives n·w_k/Σw of them, rounded by the largest-remainder method
/// (Hamilton's: floors first, then one more to the corpora with the largest fractional
/// parts, ties to the earlier corpus), so each epoch's shares are exact to within one pair.
/// A corpus gives its pairs in a seeded shuffled order of its own, continued from epoch to
/// epoch and reshuffled when it runs out: a small corpus with a large weight is repeated
/// (up-sampled), a large one with a small weight is walked through over several epochs
/// (down-sampled), and every pair of a corpus is drawn once before any is drawn again.
/// The drawn pairs are then batched by length as one corpus is (`Batcher.batches`).
public struct CorpusMix: Sendable {
    /// Per corpus: its sampling weight (> 0).
    public let weights: [Double]
    /// Per corpus: its usable pairs (indices into the joined corpus), in corpus order.
    public let members: [[Int]]
    public let seed: UInt64

    /// - Precondition: one non-empty member list per positive weight (the trainer refuses
    ///   a corpus without usable pairs with a message).
    public init(weights: [Double], members: [[Int]], seed: UInt64) {
        precondition(weights.count == members.count && !weights.isEmpty, "corpus mix: \(weights.count) weights, \(members.count) corpora")
        precondition(weights.allSatisfy { $0 > 0 && $0.isFinite } && members.allSatisfy { !$0.isEmpty },
                     "corpus mix: weights \(weights), corpus sizes \(members.map(\.count))")
        self.weights = weights
        self.members = members
        self.seed = seed
    }

    /// Pairs per epoch: the usable pairs of all corpora together.
    public var epochSize: Int { members.reduce(0) { $0 + $1.count } }

    /// The shares of `n` draws: n·w_k/Σw, by the largest-remainder method.
    public static func apportion(_ n: Int, weights: [Double]) -> [Int] {
        let total = weights.reduce(0, +)
        let exact = weights.map { Double(n) * $0 / total }
        var counts = exact.map { Int($0.rounded(.down)) }
        let remainders = exact.indices.sorted { (exact[$0] - Double(counts[$0]), $1) > (exact[$1] - Double(counts[$1]), $0) }
        for k in remainders.prefix(n - counts.reduce(0, +)) { counts[k] += 1 }
        return counts
    }

    /// The pairs of one epoch (corpus by corpus, in each corpus' order) and the state that
    /// the next epoch starts from.
    public func draw(from state: CorpusSamplerState) -> (pairs: [Int], next: CorpusSamplerState) {
        precondition(state.passes.count == members.count, "sampler state of \(state.passes.count) corpora for \(members.count)")
        var next = state
        var pairs: [Int] = []
        pairs.reserveCapacity(epochSize)
        for (k, count) in Self.apportion(epochSize, weights: weights).enumerated() {
            var left = count
            while left > 0 {
                let order = self.order(corpus: k, pass: next.passes[k])
                let taken = min(left, order.count - next.drawn[k])
                pairs += order[next.drawn[k]..<(next.drawn[k] + taken)]
                next.drawn[k] += taken
                left -= taken
                if next.drawn[k] == order.count { next.passes[k] += 1; next.drawn[k] = 0 }
            }
        }
        return (pairs, next)
    }

    /// Corpus k's pairs in the shuffled order of its pass `pass`: a function of the seed,
    /// the corpus' position and the pass alone.
    func order(corpus k: Int, pass: Int) -> [Int] {
        var rng = SeededGenerator(seed: SeededGenerator.derivedSeed(seed: seed, step: UInt64(pass), site: 0xC0_5A00 + UInt64(k)))
        var order = members[k]
        order.shuffle(using: &rng)
        return order
    }
}
