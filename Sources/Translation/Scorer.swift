import Tensor

/// What search asks of a model, in the style of Marian's Scorer (startState / step):
/// search owns the hypotheses and their scores, a scorer owns whatever the model keeps
/// per hypothesis (for a Transformer, the decoder's key/value caches).
///
/// Hypotheses are rows. `start` opens `hypothesesPerSentence` (k) rows per sentence,
/// sentence-major: row s·k + j is hypothesis j of sentence s. Each `step` feeds one token
/// per row — eos at the first step, since the decoder reads eos followed by the target
/// (fairseq's convention) — and returns the next-token log-probabilities. `select`
/// carries rows over to the next step: new row i continues old row `rows[i]`. Search uses
/// it to follow the beam and to drop the rows of finished sentences, which the scorer may
/// then stop computing.
///
/// Tests drive search with scorers that read scripted probability tables, as fairseq's
/// tests/test_sequence_generator.py does.
public protocol Scorer: AnyObject {
    var vocabularySize: Int { get }
    var eosID: Int32 { get }
    var padID: Int32 { get }
    /// The most steps one `start` may be followed by (the decoder's positions).
    var maxSteps: Int { get }

    /// Starts decoding `sources` (ids without eos) with k rows per sentence, for at most
    /// `steps` steps (≤ maxSteps); `options` change what each step computes.
    func start(sources: [[Int32]], hypothesesPerSentence k: Int, steps: Int, options: ScoringOptions) throws

    /// Feeds one token per row; returns log-probabilities (rows, V), valid until the next
    /// call. Search may overwrite entries (to forbid tokens).
    func step(tokens: [Int32]) -> Tensor

    /// Keeps rows for the next step: new row i continues old row rows[i]. A row stays
    /// with its sentence, and a sentence never has more than k rows.
    func select(_ rows: [Int32])

    /// After a step of a start with `options.attention`: (rows, S) each row's attention
    /// over its sentence's source positions (eos last, then zeros to the batch's longest
    /// source S), valid until the next call; nil otherwise.
    var attention: Tensor? { get }
}

extension Scorer {
    /// Starts with plain log-probabilities and no attention.
    public func start(sources: [[Int32]], hypothesesPerSentence k: Int, steps: Int) throws {
        try start(sources: sources, hypothesesPerSentence: k, steps: steps, options: ScoringOptions())
    }
}

/// What a scorer computes besides the plain log-probabilities of the next token.
public struct ScoringOptions: Equatable, Sendable {
    /// CTranslate2's repetition_penalty: before the softmax, the logit of each distinct
    /// token a row was fed after its leading eos (its hypothesis so far) becomes logit / r
    /// when positive and logit · r otherwise (1: off).
    public var repetitionPenalty: Float
    /// Logits are divided by it before the softmax (fairseq's --temperature; 1: off).
    public var temperature: Float
    /// Whether steps report `Scorer.attention`.
    public var attention: Bool

    public init(repetitionPenalty: Float = 1, temperature: Float = 1, attention: Bool = false) {
        self.repetitionPenalty = repetitionPenalty
        self.temperature = temperature
        self.attention = attention
    }
}
