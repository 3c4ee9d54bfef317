import Tokenizer
import Transformer

/// Text in, text out, warnings out: encoding (a `SentenceTokenizer`), `Translator` (sorted
/// by length, batched), detokenization. What `nmt translate`, `nmt serve` and validation
/// BLEU translate with.
///
/// Not for concurrent use: the translator's scorer is mutable state, so one caller at a
/// time (the server's one batcher thread, the command's loop).
public final class TextTranslator {
    public let tokenizer: any SentenceTokenizer
    public let translator: Translator
    /// Threads that encode the sentences (the search has its own, `Threads`).
    public let encodingThreads: Int

    /// - Parameters:
    ///   - options: the search options used when a call names none.
    ///   - batchSize, maxTokens: as `Translator`'s.
    public init(model: TransformerModel, tokenizer: any SentenceTokenizer, options: SearchOptions, batchSize: Int,
                maxTokens: Int? = nil, encodingThreads: Int = 1) throws {
        self.tokenizer = tokenizer
        translator = try Translator(model: model, options: options, batchSize: batchSize, maxTokens: maxTokens)
        self.encodingThreads = max(1, encodingThreads)
    }

    /// Translates `sentences` (with `options`, or the translator's own), in order.
    public func translate(_ sentences: [String], options: SearchOptions? = nil) throws -> [SentenceTranslation] {
        let sources = try encode(sentences)
        return try texts(of: try search(sources, options: options), sources: sources)
    }

    /// The first of the three steps `translate` takes, for callers that overlap them
    /// (`nmt translate` detokenizes one chunk while the next one is searched).
    public func encode(_ sentences: [String]) throws -> [[Int32]] {
        // One thread is one chunk there, with one set of coding buffers for every sentence.
        try tokenizer.encode(sentences, threads: encodingThreads)
    }

    /// The second step: the hypotheses (ids) of encoded sentences.
    public func search(_ sources: [[Int32]], options: SearchOptions? = nil) throws -> Translations {
        try translator.translate(sources, options: options ?? translator.options)
    }

    /// The third step: `translations` of `sources` as text, with each truncation on its
    /// sentence (`Detokenizer.texts`).
    public func texts(of translations: Translations, sources: [[Int32]]) throws -> [SentenceTranslation] {
        try detokenizer.texts(of: translations, sources: sources)
    }

    /// The third step on its own: it reads only the tokenizer, so it may run on another
    /// thread while the translator searches the next sentences.
    public var detokenizer: Detokenizer { Detokenizer(tokenizer: tokenizer) }
}

/// Hypotheses (ids) to text.
public struct Detokenizer: Sendable {
    let tokenizer: any SentenceTokenizer

    /// `translations` of `sources` as text, with each truncation on its sentence.
    public func texts(of translations: Translations, sources: [[Int32]]) throws -> [SentenceTranslation] {
        var translated = [Int?](repeating: nil, count: sources.count)
        for case let .sourceTruncated(sentence, _, kept) in translations.warnings { translated[sentence] = kept }
        return try sources.indices.map { i in
            SentenceTranslation(
                hypotheses: try translations.hypotheses[i].map {
                    TextHypothesis(text: try tokenizer.decode($0.tokens), score: $0.score, logProbability: $0.logProbability,
                                   tokens: $0.tokens.count, positionalScores: $0.positionalScores)
                },
                sourceTokens: sources[i].count, translatedSourceTokens: translated[i])
        }
    }
}
