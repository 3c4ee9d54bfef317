import Foundation
import Tensor

/// Sampling instead of search (fairseq's --sampling, used for back-translation): each
/// sentence draws `nbest` independent samples, token by token, from the model's
/// distribution (scaled by the temperature, limited to the top k and the top p when
/// asked), under the same length, n-gram and prefix rules as `BeamSearch`. A sample ends
/// when it draws eos; its score is fairseq's, Σ log p / length^lenpen, over the
/// (temperature-scaled) log-probabilities of the tokens it drew. Samples come back best
/// score first.
///
/// Random numbers are counter-based: the draw of sample j of sentence n at step t is a
/// function of (seed, n, j, t) alone (`SeededGenerator.derivedSeed`), so results do not
/// depend on the batch a sentence is in, on its order there, or on the threads.
public struct SamplingSearch {
    public let options: SearchOptions

    public init(options: SearchOptions) throws {
        try options.validate()
        self.options = options
    }

    /// One sample so far.
    private typealias Sample = PartialHypothesis

    /// Samples translations of `sources` (ids without eos); per sentence up to `nbest`
    /// hypotheses (a sample whose every continuation had probability 0 is dropped).
    /// - Parameters:
    ///   - prefixes: per sentence, target ids forced at the first steps; empty for none.
    ///   - numbers: each sentence's number, which chooses its random stream and names it
    ///     in errors (default 0, 1, …): give a sentence the same number to draw the same.
    public func search(_ sources: [[Int32]], prefixes: [[Int32]] = [], numbers: [Int]? = nil,
                       scorer: Scorer) throws -> [[Hypothesis]] {
        guard !sources.isEmpty else { return [] }
        let n = options.nbest, v = scorer.vocabularySize, eos = scorer.eosID
        let numbers = numbers ?? Array(sources.indices)
        let constraints = StepConstraints(options: options, eos: eos, pad: scorer.padID)
        let maxLengths = sources.map { options.maxLength(sourceTokens: $0.count, limit: scorer.maxSteps - 1) }
        let prefixes = try TargetPrefix.validated(prefixes, sources: sources, maxLengths: maxLengths, numbers: numbers,
                                                  vocabularySize: v, eos: eos, pad: scorer.padID)
        try scorer.start(sources: sources, hypothesesPerSentence: n, steps: maxLengths.max()! + 1, options: options.scoring)

        var finished = [[(sample: Int, hypothesis: Hypothesis)]](repeating: [], count: sources.count)
        var samples = [Sample](repeating: Sample(), count: sources.count * n)
        var live = Array(samples.indices)                  // the sample (sentence · n + j) of each row
        for step in 0... {
            let logProbabilities = scorer.step(tokens: live.map { samples[$0].tokens.last ?? eos })
            let attention = try options.alignment ? GreedySearch.attention(of: scorer) : nil
            let draws = draw(logProbabilities, v: v, live: live, step: step, constraints: constraints,
                             maxLengths: maxLengths, prefixes: prefixes, numbers: numbers, samples: samples)
            var kept: [Int32] = [], nextLive: [Int] = []
            for (row, index) in live.enumerated() {
                guard let token = draws[row] else { continue }        // nothing can follow: no hypothesis
                let s = index / n, logProbability = logProbabilities.data[row * v + Int(token)]
                samples[index].positional.append(logProbability)
                samples[index].score += logProbability
                if token == eos {
                    let sample = samples[index]
                    finished[s].append((index % n, Hypothesis(
                        tokens: sample.tokens,
                        score: Hypothesis.normalized(sample.score, length: step + 1, lenpen: options.lenpen),
                        positionalScores: sample.positional, alignment: options.alignment ? sample.alignment : nil)))
                } else {
                    samples[index].tokens.append(token)
                    if let attention {
                        samples[index].alignment.append(HardAlignment.source(attention, row: row, sourceTokens: sources[s].count))
                    }
                    kept.append(Int32(row))
                    nextLive.append(index)
                }
            }
            live = nextLive
            if live.isEmpty { break }
            scorer.select(kept)
        }
        return finished.map { list in
            list.sorted { ($0.hypothesis.score, -$0.sample) > ($1.hypothesis.score, -$1.sample) }.map(\.hypothesis)
        }
    }

    /// Each live row's token: its prefix's while the prefix lasts, else a draw under the
    /// constraints (nil when every token has probability 0). Rows run in parallel.
    private func draw(_ logProbabilities: Tensor, v: Int, live: [Int], step: Int, constraints: StepConstraints,
                      maxLengths: [Int], prefixes: [[Int32]], numbers: [Int], samples: [Sample]) -> [Int32?] {
        let n = options.nbest
        var draws = [Int32?](repeating: nil, count: live.count)
        draws.withUnsafeMutableBufferPointer { draws in
            Threads.parallelFor(live.count, minPerChunk: 4) { rows in
                for row in rows {
                    let index = live[row], s = index / n, p = logProbabilities.data + row * v
                    if step < prefixes[s].count {
                        draws[row] = prefixes[s][step]
                        continue
                    }
                    constraints.apply(p, vocabularySize: v, step: step, maxLength: maxLengths[s],
                                      history: samples[index].tokens)
                    let u = Self.uniform(seed: options.seed, sentence: numbers[s], sample: index % n, step: step)
                    draws[row] = Self.pick(u, from: Self.kept(p, v, topK: options.samplingTopK, topP: options.samplingTopP))
                }
            }
        }
        return draws
    }

    /// The token where `u` ∈ [0, 1) falls in the distribution of `candidates`
    /// (renormalised over them), walked in their order; nil when they are empty.
    static func pick(_ u: Double, from candidates: [(token: Int32, probability: Double)]) -> Int32? {
        let total = candidates.reduce(0) { $0 + $1.probability }
        guard total > 0 else { return nil }
        var threshold = u * total, last: Int32?
        for (token, probability) in candidates where probability > 0 {
            if threshold < probability { return token }
            threshold -= probability
            last = token
        }
        return last                                          // u · total rounded past the sum
    }

    /// The tokens a row may draw, with their probabilities (not renormalised): every
    /// token of non-zero probability; with top-k, the k most probable (ties to the smaller
    /// id); then with top-p < 1, the smallest set of the most probable whose probability
    /// (renormalised over what top-k kept) reaches p (fairseq's _sample_topp keeps the
    /// token that crosses p). Sorted best first when truncated, in id order otherwise.
    static func kept(_ p: UnsafePointer<Float>, _ v: Int, topK: Int, topP: Float) -> [(token: Int32, probability: Double)] {
        var candidates: [(token: Int32, probability: Double)]
        if topK > 0 {
            var top = TopCandidates(k: min(topK, v))
            top.offerRow(p, v, base: 0, indexOffset: 0, skip: -1)
            candidates = zip(top.indices, top.scores).filter { $0.1 > -.infinity }.map { (Int32($0.0), Foundation.exp(Double($0.1))) }
        } else {
            candidates = (0..<v).filter { p[$0] > -.infinity }.map { (Int32($0), Foundation.exp(Double(p[$0]))) }
            if topP < 1 {
                candidates.sort { $0.probability != $1.probability ? $0.probability > $1.probability : $0.token < $1.token }
            }
        }
        guard topP < 1 else { return candidates }
        let total = candidates.reduce(0) { $0 + $1.probability }
        var mass = 0.0, count = 0
        while count < candidates.count && mass < Double(topP) * total {
            mass += candidates[count].probability
            count += 1
        }
        return Array(candidates.prefix(count))
    }

    /// The uniform number in [0, 1) (53 bits) of sample `sample` of sentence `sentence`
    /// at `step`: a hash of the four, not a position in a stream.
    static func uniform(seed: UInt64, sentence: Int, sample: Int, step: Int) -> Double {
        let site = UInt64(truncatingIfNeeded: sample) << 32 | UInt64(truncatingIfNeeded: step)
        var generator = SeededGenerator(seed: SeededGenerator.derivedSeed(seed: seed, step: UInt64(truncatingIfNeeded: sentence),
                                                                         site: site))
        return Double(generator.next() >> 11) * 0x1p-53
    }
}
