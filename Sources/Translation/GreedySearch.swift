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
    /// - Parameters:
    ///   - prefixes: per sentence, target ids forced at the first steps (`TargetPrefix`);
    ///     empty for none.
    ///   - numbers: how errors name the sentences (default 0, 1, …).
    public func search(_ sources: [[Int32]], prefixes: [[Int32]] = [], numbers: [Int]? = nil,
                       scorer: Scorer) throws -> [[Hypothesis]] {
        guard !sources.isEmpty else { return [] }
        let v = scorer.vocabularySize, eos = scorer.eosID
        let constraints = StepConstraints(options: options, eos: eos, pad: scorer.padID)
        let maxLengths = sources.map { options.maxLength(sourceTokens: $0.count, limit: scorer.maxSteps - 1) }
        let prefixes = try TargetPrefix.validated(prefixes, sources: sources, maxLengths: maxLengths,
                                                  numbers: numbers ?? Array(sources.indices), vocabularySize: v,
                                                  eos: eos, pad: scorer.padID)
        try scorer.start(sources: sources, hypothesesPerSentence: 1, steps: maxLengths.max()! + 1, options: options.scoring)

        var results = [[Hypothesis]](repeating: [], count: sources.count)
        var live = Array(sources.indices)                   // the sentence of each row
        var tokens = [[Int32]](repeating: [], count: sources.count)
        var positional = [[Float]](repeating: [], count: sources.count)
        var alignments = [[Int]](repeating: [], count: sources.count)
        var scores = [Float](repeating: 0, count: sources.count)
        for step in 0... {
            let logProbabilities = scorer.step(tokens: live.map { tokens[$0].last ?? eos })
            let attention = try options.alignment ? Self.attention(of: scorer) : nil
            let choices = choose(logProbabilities, v: v, live: live, step: step, constraints: constraints,
                                 maxLengths: maxLengths, prefixes: prefixes, tokens: tokens)
            var kept: [Int32] = [], nextLive: [Int] = []
            for (row, s) in live.enumerated() {
                let p = logProbabilities.data + row * v, best = choices[row]
                guard p[best] > -.infinity else { continue }      // nothing can follow: no hypothesis
                positional[s].append(p[best])
                scores[s] += p[best]
                if Int32(best) == eos {
                    results[s] = [Hypothesis(tokens: tokens[s], score: Hypothesis.normalized(scores[s], length: step + 1,
                                                                                         lenpen: options.lenpen),
                                             positionalScores: positional[s], alignment: attention.map { _ in alignments[s] })]
                } else {
                    tokens[s].append(Int32(best))
                    if let attention { alignments[s].append(HardAlignment.source(attention, row: row, sourceTokens: sources[s].count)) }
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

    /// Each live row's token: its prefix's while the prefix lasts (forced, past every
    /// constraint), else the most probable under the constraints. Rows are independent,
    /// so constraints and the argmax run in parallel.
    private func choose(_ logProbabilities: Tensor, v: Int, live: [Int], step: Int, constraints: StepConstraints,
                        maxLengths: [Int], prefixes: [[Int32]], tokens: [[Int32]]) -> [Int] {
        var choices = [Int](repeating: 0, count: live.count)
        choices.withUnsafeMutableBufferPointer { choices in
            Threads.parallelFor(live.count, minPerChunk: 4) { rows in
                for row in rows {
                    let s = live[row], p = logProbabilities.data + row * v
                    if step < prefixes[s].count {
                        choices[row] = Int(prefixes[s][step])
                        continue
                    }
                    constraints.apply(p, vocabularySize: v, step: step, maxLength: maxLengths[s], history: tokens[s])
                    choices[row] = Self.argmax(p, v)
                }
            }
        }
        return choices
    }

    /// The scorer's attention of the step just taken, which alignments need.
    static func attention(of scorer: Scorer) throws -> Tensor {
        guard let attention = scorer.attention else { throw SearchError.noAttention }
        return attention
    }

    /// The index of the largest of `n` floats, the first one on ties; 0 when all are
    /// −∞. A vector pass finds the maximum, a second the first index holding it.
    static func argmax(_ p: UnsafePointer<Float>, _ n: Int) -> Int {
        let m = Softmax.maxRow(p, n)
        for i in 0..<n where p[i] == m { return i }
        return 0
    }
}
