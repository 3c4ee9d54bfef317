import Tensor
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
    private var taggedTokenizers: [String: any SentenceTokenizer] = [:]

    /// - Parameters:
    ///   - options: the search options used when a call names none.
    ///   - tokenizer: for a multilingual model, the tokenizer of one target language
    ///     (`SentenceTokenizer.forTargetLanguage`), which puts its `>>xx<<` before every source.
    ///   - batchSize, maxTokens, precision: as `Translator`'s.
    public init(model: TransformerModel, tokenizer: any SentenceTokenizer, options: SearchOptions, batchSize: Int,
                maxTokens: Int? = nil, encodingThreads: Int = 1, precision: DecodingPrecision = .fp32) throws {
        self.tokenizer = tokenizer
        translator = try Translator(model: model, options: options, batchSize: batchSize, maxTokens: maxTokens,
                                    precision: precision)
        self.encodingThreads = max(1, encodingThreads)
    }

    /// Translates `sentences` (with `options`, or the translator's own), in order.
    public func translate(_ sentences: [String], options: SearchOptions? = nil) throws -> [SentenceTranslation] {
        let sources = try encode(sentences)
        return try texts(of: try search(sources, options: options), sources: sources)
    }

    /// Translates whole texts: each cut into sentences by `splitter`, the sentences of all
    /// texts translated together, and each text's translations joined with its white space.
    public func translate(texts: [String], splitter: SentenceSplitter, options: SearchOptions? = nil) throws -> [SplitTranslation] {
        let splits = texts.map(splitter.split)
        return SplitTranslation.assemble(splits, try translate(splits.flatMap(\.sentences), options: options))
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

    /// `translate` with target prefixes (plain text, one per sentence; "" for none), target
    /// languages of a multilingual model (one per sentence, each translated with
    /// `tokenizer.forTargetLanguage`; "" or none: the tokenizer itself), and the sentences
    /// numbered from `firstSentence` on (`Translator`'s numbers: the random stream of a
    /// sampled sentence, the sentence an error names).
    public func translate(_ sentences: [String], prefixes: [String], targetLanguages: [String] = [],
                          firstSentence: Int = 0, options: SearchOptions? = nil) throws -> [SentenceTranslation] {
        let sources = try encode(sentences, targetLanguages: targetLanguages)
        return try texts(of: try search(sources, prefixes: try encodePrefixes(prefixes), firstSentence: firstSentence,
                                        options: options),
                         sources: sources)
    }

    /// `encode` with one target language per sentence ("" for the tokenizer itself; []:
    /// every sentence with the tokenizer itself). Sentences of one language are encoded together.
    /// - Throws: `TokenizerError.unknownTargetLanguage` naming the model's languages.
    public func encode(_ sentences: [String], targetLanguages: [String]) throws -> [[Int32]] {
        guard targetLanguages.contains(where: { !$0.isEmpty }) else { return try encode(sentences) }
        precondition(targetLanguages.count == sentences.count,
                     "\(targetLanguages.count) target languages for \(sentences.count) sentences")
        var sources = [[Int32]](repeating: [], count: sentences.count)
        for code in Set(targetLanguages) {
            let indices = sentences.indices.filter { targetLanguages[$0] == code }
            let tokenizer = code.isEmpty ? tokenizer : try tagged(code)
            let encoded = try tokenizer.encode(indices.map { sentences[$0] }, threads: encodingThreads)
            for (i, ids) in zip(indices, encoded) { sources[i] = ids }
        }
        return sources
    }

    /// The tokenizer of target language `code`, made once per language.
    private func tagged(_ code: String) throws -> any SentenceTokenizer {
        if let known = taggedTokenizers[code] { return known }
        let made = try tokenizer.forTargetLanguage(code)
        taggedTokenizers[code] = made
        return made
    }

    /// Target prefixes as ids, encoded with the tokenizer ("" gives no prefix).
    public func encodePrefixes(_ prefixes: [String]) throws -> [[Int32]] {
        prefixes.allSatisfy(\.isEmpty) ? [] : try tokenizer.encode(prefixes, threads: encodingThreads)
    }

    /// `search` with target prefixes as ids (none: []) and numbered sentences.
    public func search(_ sources: [[Int32]], prefixes: [[Int32]], firstSentence: Int = 0,
                       options: SearchOptions? = nil) throws -> Translations {
        try translator.translate(sources, prefixes: prefixes, firstSentence: firstSentence,
                                 options: options ?? translator.options)
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
                                   tokens: $0.tokens.count, positionalScores: $0.positionalScores, alignment: $0.alignment)
                },
                sourceTokens: sources[i].count, translatedSourceTokens: translated[i])
        }
    }
}
