import Foundation

/// Options of greedy and beam search, named and defaulted as fairseq's generation flags
/// (--beam, --lenpen, --max-len-a, --max-len-b, --min-len, --nbest, --no-repeat-ngram-size).
public struct SearchOptions: Equatable, Sendable {
    /// Hypotheses kept per sentence (fairseq --beam).
    public var beam: Int
    /// Length penalty: a finished hypothesis scores Σ log p / length^lenpen, the length
    /// counting eos (fairseq --lenpen). 0 gives unnormalised scores; < 1 favours short
    /// hypotheses, > 1 long ones.
    public var lenpen: Float
    /// A sentence of n source tokens (eos included, as fairseq's src_tokens.size(1) for a
    /// sentence alone) gets at most ⌊maxLenA · n⌋ + maxLenB target tokens before eos.
    public var maxLenA: Double
    public var maxLenB: Int
    /// The fewest target tokens before eos: eos is forbidden at earlier steps (fairseq
    /// --min-len). When it exceeds a sentence's maximum length, the maximum wins.
    public var minLen: Int
    /// Hypotheses returned per sentence, best first (≤ beam).
    public var nbest: Int
    /// Forbids any n-gram of this size from occurring twice in a hypothesis (0: off).
    /// As in fairseq, the leading eos the decoder reads counts as a token of the history.
    public var noRepeatNgram: Int
    /// fairseq's rule (true): a sentence is done once it has `beam` finished hypotheses.
    /// When false, search goes on while an active hypothesis could still beat the worst
    /// finished one (fairseq's former --no-early-stop); better ones replace it.
    public var stopEarly: Bool

    public init(beam: Int = 5, lenpen: Float = 1, maxLenA: Double = 0, maxLenB: Int = 200, minLen: Int = 1,
                nbest: Int = 1, noRepeatNgram: Int = 0, stopEarly: Bool = true) {
        self.beam = beam
        self.lenpen = lenpen
        self.maxLenA = maxLenA
        self.maxLenB = maxLenB
        self.minLen = minLen
        self.nbest = nbest
        self.noRepeatNgram = noRepeatNgram
        self.stopEarly = stopEarly
    }

    /// Throws the first option that cannot be searched with.
    public func validate() throws {
        guard beam >= 1 else { throw SearchError.invalidBeam(beam) }
        guard nbest >= 1 && nbest <= beam else { throw SearchError.invalidNBest(nbest: nbest, beam: beam) }
        guard lenpen.isFinite else { throw SearchError.invalidLengthPenalty(lenpen) }
        guard maxLenA >= 0 && maxLenA.isFinite else { throw SearchError.negativeOption(name: "max-len-a", value: "\(maxLenA)") }
        guard maxLenB >= 0 else { throw SearchError.negativeOption(name: "max-len-b", value: "\(maxLenB)") }
        guard minLen >= 0 else { throw SearchError.negativeOption(name: "min-len", value: "\(minLen)") }
        guard noRepeatNgram >= 0 else { throw SearchError.negativeOption(name: "no-repeat-ngram", value: "\(noRepeatNgram)") }
    }

    /// The most target tokens before eos for a source of `sourceTokens` ids (without
    /// eos), capped at `limit` (the scorer's positions minus the one eos needs).
    func maxLength(sourceTokens: Int, limit: Int) -> Int {
        min(Int(maxLenA * Double(sourceTokens + 1)) + maxLenB, limit)
    }
}
