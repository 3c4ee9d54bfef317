import Checkpoints
import Foundation
import Tokenizer
import Translation

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

    public init(text: String, score: Float, logProbability: Float, tokens: Int) {
        self.text = text
        self.score = score
        self.logProbability = logProbability
        self.tokens = tokens
    }
}

/// One sentence's translation: up to nbest hypotheses, best first (none for an empty
/// sentence), and the number of source tokens it was read as.
public struct SentenceTranslation: Equatable, Sendable {
    public var hypotheses: [TextHypothesis]
    public var sourceTokens: Int

    public init(hypotheses: [TextHypothesis], sourceTokens: Int) {
        self.hypotheses = hypotheses
        self.sourceTokens = sourceTokens
    }

    /// The best hypothesis' text ("" for an empty sentence).
    public var best: String { hypotheses.first?.text ?? "" }
}

/// What the batcher drives: text sentences in, their translations out, in order, with
/// one set of search options per call. The batcher calls it from one thread at a time.
public protocol SentenceTranslator: AnyObject, Sendable {
    func translate(_ sentences: [String], options: SearchOptions) throws -> [SentenceTranslation]
}

/// A checkpoint's model and tokenizer as a `SentenceTranslator`: SentencePiece encoding,
/// `Translator` (sorted by length, batched), detokenization.
public final class CheckpointTranslator: SentenceTranslator, @unchecked Sendable {
    // @unchecked: the scorer inside `translator` is mutable state, and the one batcher
    // thread is its only caller (the protocol's contract).
    private let tokenizer: SentencePieceModel
    private let translator: Translator

    /// - Parameter batchSize: sentences decoded together (the batcher's largest batch).
    public init(checkpoint: ModelCheckpoint, batchSize: Int) throws {
        tokenizer = checkpoint.tokenizer
        translator = try Translator(model: checkpoint.model, options: SearchOptions(), batchSize: batchSize)
    }

    public func translate(_ sentences: [String], options: SearchOptions) throws -> [SentenceTranslation] {
        let sources = try sentences.map { try tokenizer.encode($0) }
        let result = try translator.translate(sources, options: options)
        return try zip(sources, result.hypotheses).map { source, hypotheses in
            SentenceTranslation(
                hypotheses: try hypotheses.map {
                    TextHypothesis(text: try tokenizer.decode($0.tokens), score: $0.score,
                                   logProbability: $0.logProbability, tokens: $0.tokens.count)
                },
                sourceTokens: source.count)
        }
    }
}
