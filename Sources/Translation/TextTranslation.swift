/// One hypothesis of a sentence, as text.
public struct TextHypothesis: Equatable, Sendable {
    /// The detokenized translation.
    public var text: String
    /// fairseq's normalised score: the log-probability (eos included) / (tokens + 1)^lenpen.
    public var score: Float
    /// The hypothesis' log-probability under the model, eos included.
    public var logProbability: Float
    /// Target tokens, without eos.
    public var tokens: Int
    /// (tokens + 1) log-probabilities, eos last (`Hypothesis.positionalScores`).
    public var positionalScores: [Float]
    /// When asked for, per target SentencePiece token (eos excluded) the 0-based position
    /// of the source SentencePiece token it is aligned to (`Hypothesis.alignment`).
    public var alignment: [Int]?

    public init(text: String, score: Float, logProbability: Float, tokens: Int, positionalScores: [Float] = [],
                alignment: [Int]? = nil) {
        self.text = text
        self.score = score
        self.logProbability = logProbability
        self.tokens = tokens
        self.positionalScores = positionalScores
        self.alignment = alignment
    }

    /// The alignment as Pharaoh pairs `source-target` (both 0-based token positions), one
    /// per target token, as fairseq's A- lines; nil when none was asked for.
    public var pharaohAlignment: String? {
        alignment.map { $0.enumerated().map { "\($0.element)-\($0.offset)" }.joined(separator: " ") }
    }
}

/// One sentence's translation: up to nbest hypotheses, best first (none for an empty
/// sentence), the number of source tokens it was read as, and whether it had to be cut.
public struct SentenceTranslation: Equatable, Sendable {
    public var hypotheses: [TextHypothesis]
    /// SentencePiece tokens of the source, as read (before any truncation).
    public var sourceTokens: Int
    /// Tokens translated when the source was longer than the model's positions allow
    /// (max positions − 1, eos taking the last); nil when it was translated whole.
    public var translatedSourceTokens: Int?

    public init(hypotheses: [TextHypothesis], sourceTokens: Int, translatedSourceTokens: Int? = nil) {
        self.hypotheses = hypotheses
        self.sourceTokens = sourceTokens
        self.translatedSourceTokens = translatedSourceTokens
    }

    /// The best hypothesis' text ("" for an empty sentence).
    public var best: String { hypotheses.first?.text ?? "" }

    /// What the user should know about this sentence's translation (the truncation),
    /// phrased to follow "line N " or "text N ".
    public var warning: String? {
        translatedSourceTokens.map { "has \(sourceTokens) tokens; translating its first \($0) (the model's positions)" }
    }
}

/// A text's translation sentence by sentence (`SentenceSplitter`): each sentence's
/// translation, and the best ones joined with the text's own white space.
public struct SplitTranslation: Equatable, Sendable {
    public var split: SplitText
    /// One per sentence of `split`, in order.
    public var sentences: [SentenceTranslation]

    public init(split: SplitText, sentences: [SentenceTranslation]) {
        precondition(split.sentences.count == sentences.count, "\(sentences.count) translations of \(split.sentences.count) sentences")
        self.split = split
        self.sentences = sentences
    }

    /// The best translations joined with the original white space between sentences.
    public var text: String { split.joined(sentences.map(\.best)) }

    /// Hands the translations of every text's sentences, in the order of
    /// `splits.flatMap(\.sentences)`, back to their texts.
    public static func assemble(_ splits: [SplitText], _ translations: [SentenceTranslation]) -> [SplitTranslation] {
        precondition(translations.count == splits.reduce(0) { $0 + $1.sentences.count }, "translations do not match the sentences")
        var next = 0
        return splits.map { split in
            defer { next += split.sentences.count }
            return SplitTranslation(split: split, sentences: Array(translations[next..<(next + split.sentences.count)]))
        }
    }
}
