import Foundation

/// Options of greedy and beam search, named and defaulted as fairseq's generation flags
/// (--beam, --lenpen, --max-len-a, --max-len-b, --min-len, --nbest, --no-repeat-ngram-size,
/// --sampling, --sampling-topk, --sampling-topp, --temperature, --seed, --print-alignment),
/// and CTranslate2's repetition_penalty.
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
    /// Hypotheses returned per sentence, best first (≤ beam); with `sampling`, the number
    /// of samples drawn per sentence (any number ≥ 1).
    public var nbest: Int
    /// Forbids any n-gram of this size from occurring twice in a hypothesis (0: off).
    /// As in fairseq, the leading eos the decoder reads counts as a token of the history.
    public var noRepeatNgram: Int
    /// fairseq's rule (true): a sentence is done once it has `beam` finished hypotheses.
    /// When false, search goes on while an active hypothesis could still beat the worst
    /// finished one (fairseq's former --no-early-stop); better ones replace it.
    public var stopEarly: Bool
    /// CTranslate2's repetition_penalty (1: off): before the softmax, the logit of every
    /// token already in the hypothesis (a target prefix included) is divided by it when
    /// positive and multiplied by it when negative, so values > 1 discourage repeats.
    public var repetitionPenalty: Float
    /// Draw `nbest` samples per sentence from the model instead of searching (fairseq
    /// --sampling, for back-translation); `SamplingSearch`.
    public var sampling: Bool
    /// With `sampling`, draw from the k most probable tokens only (0: all).
    public var samplingTopK: Int
    /// With `sampling`, draw from the smallest set of most probable tokens whose
    /// probability reaches p (nucleus sampling); 1 keeps every token.
    public var samplingTopP: Float
    /// Logits are divided by it before the softmax (fairseq --temperature); < 1 sharpens
    /// the distribution, > 1 flattens it. Scores are the scaled distribution's.
    public var temperature: Float
    /// With `sampling`, the seed of the random numbers: sentence n's draws are a function
    /// of (seed, n, sample, step) only, so they do not depend on batching or threads.
    public var seed: UInt64
    /// Also return hard alignments (fairseq --print-alignment): for each target token, the
    /// source token its step attended to most (last decoder layer, heads averaged).
    public var alignment: Bool

    public init(beam: Int = 5, lenpen: Float = 1, maxLenA: Double = 0, maxLenB: Int = 200, minLen: Int = 1,
                nbest: Int = 1, noRepeatNgram: Int = 0, stopEarly: Bool = true, repetitionPenalty: Float = 1,
                sampling: Bool = false, samplingTopK: Int = 0, samplingTopP: Float = 1, temperature: Float = 1,
                seed: UInt64 = 1, alignment: Bool = false) {
        self.beam = beam
        self.lenpen = lenpen
        self.maxLenA = maxLenA
        self.maxLenB = maxLenB
        self.minLen = minLen
        self.nbest = nbest
        self.noRepeatNgram = noRepeatNgram
        self.stopEarly = stopEarly
        self.repetitionPenalty = repetitionPenalty
        self.sampling = sampling
        self.samplingTopK = samplingTopK
        self.samplingTopP = samplingTopP
        self.temperature = temperature
        self.seed = seed
        self.alignment = alignment
    }

    /// Throws the first option that cannot be searched with.
    public func validate() throws {
        guard beam >= 1 else { throw SearchError.invalidBeam(beam) }
        guard nbest >= 1 && (sampling || nbest <= beam) else { throw SearchError.invalidNBest(nbest: nbest, beam: beam) }
        guard lenpen.isFinite else { throw SearchError.invalidLengthPenalty(lenpen) }
        guard maxLenA >= 0 && maxLenA.isFinite else { throw SearchError.negativeOption(name: "max-len-a", value: "\(maxLenA)") }
        guard maxLenB >= 0 else { throw SearchError.negativeOption(name: "max-len-b", value: "\(maxLenB)") }
        guard minLen >= 0 else { throw SearchError.negativeOption(name: "min-len", value: "\(minLen)") }
        guard noRepeatNgram >= 0 else { throw SearchError.negativeOption(name: "no-repeat-ngram", value: "\(noRepeatNgram)") }
        try validateScoring()
    }

    /// The options of the sampling and the scores' distribution.
    private func validateScoring() throws {
        guard repetitionPenalty > 0 && repetitionPenalty.isFinite else {
            throw SearchError.invalidOption(name: "repetition-penalty", value: "\(repetitionPenalty)", expected: "a number > 0")
        }
        guard temperature > 0 && temperature.isFinite else {
            throw SearchError.invalidOption(name: "temperature", value: "\(temperature)", expected: "a number > 0")
        }
        guard samplingTopK >= 0 else { throw SearchError.negativeOption(name: "sampling-topk", value: "\(samplingTopK)") }
        guard samplingTopP > 0 && samplingTopP <= 1 else {
            throw SearchError.invalidOption(name: "sampling-topp", value: "\(samplingTopP)", expected: "a number in (0, 1]")
        }
        if !sampling && (samplingTopK != 0 || samplingTopP != 1) {
            throw SearchError.invalidOption(name: samplingTopK != 0 ? "sampling-topk" : "sampling-topp",
                                            value: samplingTopK != 0 ? "\(samplingTopK)" : "\(samplingTopP)",
                                            expected: samplingTopK != 0 ? "0 without sampling" : "1 without sampling")
        }
    }

    /// The most target tokens before eos for a source of `sourceTokens` ids (without
    /// eos), capped at `limit` (the scorer's positions minus the one eos needs).
    func maxLength(sourceTokens: Int, limit: Int) -> Int {
        min(Int(maxLenA * Double(sourceTokens + 1)) + maxLenB, limit)
    }

    /// What the scorer must do besides the plain log-probabilities.
    var scoring: ScoringOptions {
        ScoringOptions(repetitionPenalty: repetitionPenalty, temperature: temperature, attention: alignment)
    }
}
