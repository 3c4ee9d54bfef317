import Foundation
import Tensor

/// Beam search over a `Scorer`, all sentences of a batch together, following fairseq's
/// SequenceGenerator and search.BeamSearch:
/// - each step, a sentence's beam rows propose the top 2·beam (hypothesis, token)
///   candidates by cumulative log-probability (at the first step only row 0, since all
///   rows are the same); ties go to the lower row, then the lower token id;
/// - a candidate ending in eos among the first `beam` becomes a finished hypothesis
///   (score Σ log p / length^lenpen, length counting eos); candidates with probability 0
///   never finish;
/// - the first `beam` other candidates are the next step's active hypotheses;
/// - a sentence is done when it has `beam` finished hypotheses (see
///   `SearchOptions.stopEarly`), when no active hypothesis has a non-zero probability,
///   or at its maximum length, where every active hypothesis is made to end with eos.
/// Finished sentences leave the scorer's rows.
///
/// A target prefix is forced token by token (every row of the sentence takes it, so the
/// rows stay identical and, as at the first step, only row 0 proposes candidates until
/// the first step after the prefix); alignments, when asked for, are kept per hypothesis
/// and follow it through the reordering.
public struct BeamSearch {
    public let options: SearchOptions

    public init(options: SearchOptions) throws {
        try options.validate()
        self.options = options
    }

    /// One active hypothesis.
    private typealias Partial = PartialHypothesis

    /// Decodes all `sources` (ids without eos) together; returns per sentence up to
    /// `nbest` hypotheses, best first (ties keep the order they finished in).
    /// - Parameters:
    ///   - prefixes: per sentence, target ids forced at the first steps (`TargetPrefix`);
    ///     empty for none.
    ///   - numbers: how errors name the sentences (default 0, 1, …).
    public func search(_ sources: [[Int32]], prefixes: [[Int32]] = [], numbers: [Int]? = nil,
                       scorer: Scorer) throws -> [[Hypothesis]] {
        guard !sources.isEmpty else { return [] }
        let beam = options.beam, v = scorer.vocabularySize, eos = scorer.eosID, pad = Int(scorer.padID)
        // 2·beam candidates always hold `beam` that do not end in eos only if a row offers
        // at least beam + 1 tokens besides pad.
        guard beam <= v - 2 else { throw SearchError.beamExceedsVocabulary(beam: beam, vocabularySize: v) }
        let constraints = StepConstraints(options: options, eos: eos, pad: scorer.padID)
        let maxLengths = sources.map { options.maxLength(sourceTokens: $0.count, limit: scorer.maxSteps - 1) }
        let prefixes = try TargetPrefix.validated(prefixes, sources: sources, maxLengths: maxLengths,
                                                  numbers: numbers ?? Array(sources.indices), vocabularySize: v,
                                                  eos: eos, pad: scorer.padID)
        try scorer.start(sources: sources, hypothesesPerSentence: beam, steps: maxLengths.max()! + 1, options: options.scoring)

        var finished = [[Hypothesis]](repeating: [], count: sources.count)
        var live = Array(sources.indices)                    // sentence of each block of `beam` rows
        var partials = [Partial](repeating: Partial(), count: sources.count * beam)
        for step in 0... {
            let logProbabilities = scorer.step(tokens: partials.map { $0.tokens.last ?? eos })
            let attention = try options.alignment ? GreedySearch.attention(of: scorer) : nil
            let tops = candidates(logProbabilities, v: v, live: live, partials: partials, step: step, constraints: constraints,
                                  maxLengths: maxLengths, prefixes: prefixes, pad: pad)
            var nextPartials: [Partial] = [], kept: [Int32] = [], nextLive: [Int] = []
            for (block, s) in live.enumerated() {
                var active = finishOrContinue(tops[block], block: block, partials: partials, logProbabilities: logProbabilities,
                                              v: v, eos: eos, step: step, finished: &finished[s])
                // Within the prefix, every row continues the one forced hypothesis.
                if step < prefixes[s].count { active = Array(repeating: active[0], count: beam) }
                if isDone(finished[s], active: active.map(\.score), step: step, maxLength: maxLengths[s]) { continue }
                nextLive.append(s)
                for (row, token, score) in active {
                    var partial = partials[row]
                    partial.tokens.append(token)
                    partial.positional.append(logProbabilities.data[row * v + Int(token)])
                    partial.score = score
                    if let attention {
                        partial.alignment.append(HardAlignment.source(attention, row: row, sourceTokens: sources[s].count))
                    }
                    nextPartials.append(partial)
                    kept.append(Int32(row))
                }
            }
            live = nextLive
            partials = nextPartials
            if live.isEmpty { break }
            scorer.select(kept)
        }
        return finished.map { list in
            list.enumerated()
                .sorted { $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset }
                .prefix(options.nbest).map(\.element)
        }
    }

    /// Each live sentence's best 2·beam candidates of this step, after the constraints;
    /// within a prefix, its one forced token. Sentences are independent, so the scan runs
    /// in parallel over them; the bookkeeping that follows stays in order.
    private func candidates(_ logProbabilities: Tensor, v: Int, live: [Int], partials: [Partial], step: Int,
                            constraints: StepConstraints, maxLengths: [Int], prefixes: [[Int32]], pad: Int) -> [TopCandidates] {
        let beam = options.beam
        var tops = [TopCandidates](repeating: TopCandidates(k: 2 * beam), count: live.count)
        tops.withUnsafeMutableBufferPointer { tops in
            Threads.parallelFor(live.count, minPerChunk: 1) { blocks in
                for block in blocks {
                    let prefix = prefixes[live[block]]
                    if step < prefix.count {
                        let token = Int(prefix[step]), row = block * beam
                        tops[block].offer(partials[row].score + logProbabilities.data[row * v + token], token)
                        continue
                    }
                    // Rows are identical until the first step after the prefix.
                    for j in 0..<(step <= prefix.count ? 1 : beam) {
                        let row = block * beam + j, p = logProbabilities.data + row * v
                        constraints.apply(p, vocabularySize: v, step: step, maxLength: maxLengths[live[block]],
                                          history: partials[row].tokens)
                        tops[block].offerRow(p, v, base: partials[row].score, indexOffset: j * v, skip: pad)
                    }
                }
            }
        }
        return tops
    }

    /// One sentence's candidates, best first: those ending in eos among the first `beam`
    /// finish (kept in `finished`); the first `beam` others go on, returned as (row,
    /// token, score).
    private func finishOrContinue(_ top: TopCandidates, block: Int, partials: [Partial], logProbabilities: Tensor, v: Int,
                                  eos: Int32, step: Int, finished: inout [Hypothesis]) -> [(row: Int, token: Int32, score: Float)] {
        let beam = options.beam
        var active: [(row: Int, token: Int32, score: Float)] = []
        for (rank, (score, index)) in zip(top.scores, top.indices).enumerated() {
            let row = block * beam + index / v, token = Int32(index % v)
            if token == eos {
                guard rank < beam && score > -.infinity else { continue }
                let partial = partials[row]
                let hypothesis = Hypothesis(
                    tokens: partial.tokens,
                    score: Hypothesis.normalized(score, length: step + 1, lenpen: options.lenpen),
                    positionalScores: partial.positional + [logProbabilities.data[row * v + Int(eos)]],
                    alignment: options.alignment ? partial.alignment : nil)
                keep(hypothesis, in: &finished)
            } else if active.count < beam {
                active.append((row, token, score))
            }
        }
        return active
    }

    /// Adds a finished hypothesis while the sentence has fewer than `beam`; later, when
    /// search goes on past that (stopEarly off), a better one replaces the worst.
    private func keep(_ hypothesis: Hypothesis, in list: inout [Hypothesis]) {
        if list.count < options.beam {
            list.append(hypothesis)
        } else if !options.stopEarly, let worst = list.indices.min(by: { list[$0].score < list[$1].score }),
                  hypothesis.score > list[worst].score {
            list[worst] = hypothesis
        }
    }

    /// Whether a sentence needs no more steps after `step`.
    private func isDone(_ finished: [Hypothesis], active: [Float], step: Int, maxLength: Int) -> Bool {
        let best = active.max() ?? -.infinity
        if step >= maxLength || best == -.infinity { return true }
        guard finished.count >= options.beam else { return false }
        if options.stopEarly { return true }
        // The best score an active hypothesis can still reach: its log-probability only
        // falls, so with lenpen ≥ 0 the longest length divides it most (fairseq divided by
        // max_len^lenpen), with lenpen < 0 the shortest.
        let length = options.lenpen >= 0 ? maxLength + 1 : step + 2
        let bound = Hypothesis.normalized(best, length: length, lenpen: options.lenpen)
        return finished.map(\.score).min()! >= bound
    }
}
