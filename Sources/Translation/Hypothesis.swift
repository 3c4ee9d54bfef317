import Foundation

/// A finished translation of one sentence.
///
/// As fairseq's hypothesis dictionaries, with the final eos kept out of `tokens` but in
/// the scores: `positionalScores` has tokens.count + 1 entries, the log-probability of
/// each token and then of eos.
public struct Hypothesis: Equatable, Sendable {
    /// Target ids, without eos.
    public var tokens: [Int32]
    /// Σ positionalScores / (tokens.count + 1)^lenpen (fairseq's normalised score).
    public var score: Float
    /// (tokens.count + 1) log-probabilities, eos last.
    public var positionalScores: [Float]
    /// With `SearchOptions.alignment`, fairseq's hard alignment: for each target token, the
    /// 0-based position in the source ids (eos excluded) that the step choosing it attended
    /// to most (last decoder layer, heads averaged); nil when not asked for.
    public var alignment: [Int]?

    public init(tokens: [Int32], score: Float, positionalScores: [Float], alignment: [Int]? = nil) {
        self.tokens = tokens
        self.score = score
        self.positionalScores = positionalScores
        self.alignment = alignment
    }

    /// The unnormalised score: the hypothesis' log-probability under the scorer.
    public var logProbability: Float { positionalScores.reduce(0, +) }

    /// fairseq's length normalisation: sum / length^lenpen, the length counting eos.
    static func normalized(_ sum: Float, length: Int, lenpen: Float) -> Float {
        sum / Foundation.pow(Float(length), lenpen)
    }
}

/// A hypothesis still being extended by a search (beam search's partials, sampling's
/// samples): tokens so far (no eos), their log-probabilities, the sum, and (with
/// alignments) each token's source position.
struct PartialHypothesis {
    var tokens: [Int32] = []
    var positional: [Float] = []
    var score: Float = 0
    var alignment: [Int] = []
}
