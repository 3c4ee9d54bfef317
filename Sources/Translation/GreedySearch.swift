import Tensor

/// Greedy decoding: each sentence extends its one hypothesis with the most probable
/// token (ties to the smaller id) under the same rules as `BeamSearch`, so it returns
/// what beam search with beam 1 returns, at a fraction of the bookkeeping.
public struct GreedySearch {
    public let options: SearchOptions

    /// Uses every option but beam, nbest and stopEarly (one hypothesis per sentence).
    public init(options: SearchOptions) throws {
        try options.validate()
        self.options = options
    }

    /// Decodes all `sources` (ids without eos) together; returns for each sentence a list
    /// of at most one hypothesis (none if every continuation had probability 0).
    public func search(_ sources: [[Int32]], scorer: Scorer) throws -> [[Hypothesis]] {
        guard !sources.isEmpty else { return [] }
        let v = scorer.vocabularySize, eos = scorer.eosID
        let constraints = StepConstraints(options: options, eos: eos, pad: scorer.padID)
        let maxLengths = sources.map { options.maxLength(sourceTokens: $0.count, limit: scorer.maxSteps - 1) }
        try scorer.start(sources: sources, hypothesesPerSentence: 1, steps: maxLengths.max()! + 1)

        var results = [[Hypothesis]](repeating: [], count: sources.count)
        var live = Array(sources.indices)                   // the sentence of each row
        var tokens = [[Int32]](repeating: [], count: sources.count)
        var positional = [[Float]](repeating: [], count: sources.count)
        var scores = [Float](repeating: 0, count: sources.count)
        for step in 0... {
            let logProbabilities = scorer.step(tokens: live.map { tokens[$0].last ?? eos })
            var kept: [Int32] = [], nextLive: [Int] = []
            // Rows are independent: constraints and the argmax run in parallel.
            var choices = [Int](repeating: 0, count: live.count)
            choices.withUnsafeMutableBufferPointer { choices in
                Threads.parallelFor(live.count, minPerChunk: 4) { rows in
                    for row in rows {
                        let s = live[row], p = logProbabilities.data + row * v
                        constraints.apply(p, vocabularySize: v, step: step, maxLength: maxLengths[s], history: tokens[s])
                        choices[row] = Self.argmax(p, v)
                    }
                }
            }
            for (row, s) in live.enumerated() {
                let p = logProbabilities.data + row * v, best = choices[row]
                guard p[best] > -.infinity else { continue }      // nothing can follow: no hypothesis
                positional[s].append(p[best])
                scores[s] += p[best]
                if Int32(best) == eos {
                    results[s] = [Hypothesis(tokens: tokens[s], score: Hypothesis.normalized(scores[s], length: step + 1,
                                                                                         lenpen: options.lenpen),
                                             positionalScores: positional[s])]
                } else {
                    tokens[s].append(Int32(best))
                    kept.append(Int32(row))
                    nextLive.append(s)
                }
            }
            live = nextLive
            if live.isEmpty { break }
            scorer.select(kept)
        }
        return results
    }

    /// The index of the largest of `n` floats, the first one on ties; 0 when all are
    /// −∞. A vector pass finds the maximum, a second the first index holding it.
    static func argmax(_ p: UnsafePointer<Float>, _ n: Int) -> Int {
        let m = Softmax.maxRow(p, n)
        for i in 0..<n where p[i] == m { return i }
        return 0
    }
}
