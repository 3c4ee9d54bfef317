import Checkpoints
import Foundation
import Tensor
import Translation

/// What the batcher drives: text sentences in, their translations out, in order, with
/// one set of search options per call. The batcher calls it from one thread at a time.
public protocol SentenceTranslator: AnyObject, Sendable {
    func translate(_ sentences: [String], options: SearchOptions) throws -> [SentenceTranslation]
    /// With target prefixes (plain text, one per sentence; "" for none) and target
    /// languages (one of `targetLanguages` per sentence; "" for none).
    func translate(_ sentences: [String], prefixes: [String], targetLanguages: [String],
                   options: SearchOptions) throws -> [SentenceTranslation]
    /// The codes of a multilingual model's target-language tags (`>>xx<<`), sorted; empty
    /// for a model with one target language.
    var targetLanguages: [String] { get }
}

extension SentenceTranslator {
    /// For translators without prefixes or target languages: refuses any non-empty one.
    public func translate(_ sentences: [String], prefixes: [String], targetLanguages: [String],
                          options: SearchOptions) throws -> [SentenceTranslation] {
        guard prefixes.allSatisfy(\.isEmpty) else { throw APIError.badField("prefix", "this translator takes no prefixes") }
        guard targetLanguages.allSatisfy(\.isEmpty) else {
            throw APIError.badField("target", "this translator has no target-language tags")
        }
        return try translate(sentences, options: options)
    }

    public var targetLanguages: [String] { [] }
}

/// A checkpoint's model and tokenizer (`TextTranslator`) as a `SentenceTranslator`.
public final class CheckpointTranslator: SentenceTranslator, @unchecked Sendable {
    // @unchecked: `TextTranslator` is not for concurrent use, and the one batcher thread
    // is its only caller (the protocol's contract).
    private let translator: TextTranslator

    /// - Parameters:
    ///   - batchSize: sentences decoded together (the batcher's largest batch).
    ///   - precision: the products' arithmetic (`DecodingPrecision`).
    public init(checkpoint: ModelCheckpoint, batchSize: Int, precision: DecodingPrecision = .fp32) throws {
        translator = try TextTranslator(model: checkpoint.model, tokenizer: checkpoint.tokenizer, options: SearchOptions(),
                                        batchSize: batchSize, precision: precision)
    }

    public func translate(_ sentences: [String], options: SearchOptions) throws -> [SentenceTranslation] {
        try translator.translate(sentences, options: options)
    }

    public func translate(_ sentences: [String], prefixes: [String], targetLanguages: [String],
                          options: SearchOptions) throws -> [SentenceTranslation] {
        try translator.translate(sentences, prefixes: prefixes, targetLanguages: targetLanguages, options: options)
    }

    public var targetLanguages: [String] { translator.tokenizer.targetLanguages }
}
