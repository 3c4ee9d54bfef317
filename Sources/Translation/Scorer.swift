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
    /// `steps` steps (≤ maxSteps).
    func start(sources: [[Int32]], hypothesesPerSentence k: Int, steps: Int) throws

    /// Feeds one token per row; returns log-probabilities (rows, V), valid until the next
    /// call. Search may overwrite entries (to forbid tokens).
    func step(tokens: [Int32]) -> Tensor

    /// Keeps rows for the next step: new row i continues old row rows[i]. A row stays
    /// with its sentence, and a sentence never has more than k rows.
    func select(_ rows: [Int32])
}
