import Tensor
import Transformer

/// The hypotheses of every sentence, in input order, and what had to change to get them.
public struct Translations: Equatable, Sendable {
    /// Per source sentence, up to nbest hypotheses, best first; empty for an empty source.
    public var hypotheses: [[Hypothesis]]
    public var warnings: [TranslationWarning]
}

/// Translates id sequences with a model: the entry point for `nmt translate`.
///
/// Sentences are sorted by length and decoded `batchSize` at a time (sampling when asked,
/// else greedy when beam is 1 and stopEarly is on, beam search otherwise); results come
/// back in input order and do not depend on the batching (up to float rounding).
public final class Translator {
    public let model: TransformerModel
    public let options: SearchOptions
    public let batchSize: Int
    /// When set, batches are also limited to this many source tokens (with eos, padded to
    /// the batch's longest sentence), fairseq's --max-tokens for generation.
    public let maxTokens: Int?
    private let scorer: ModelScorer
    public var precision: DecodingPrecision { scorer.precision }

    /// - Parameter precision: the products' arithmetic (`DecodingPrecision`).
    public init(model: TransformerModel, options: SearchOptions, batchSize: Int = 32, maxTokens: Int? = nil,
                precision: DecodingPrecision = .fp32) throws {
        try options.validate()
        guard batchSize >= 1 else { throw SearchError.invalidBatchSize(batchSize) }
        if let tokens = maxTokens, tokens < 1 { throw SearchError.invalidBatchSize(tokens) }
        self.model = model
        self.options = options
        self.batchSize = batchSize
        self.maxTokens = maxTokens
        scorer = ModelScorer(model: model, precision: precision)
    }

    /// Translates source sentences (ids without eos). An empty source gets no hypothesis;
    /// a source longer than the model's positions is truncated and reported in `warnings`.
    /// Throws on ids outside the source vocabulary.
    public func translate(_ sources: [[Int32]]) throws -> Translations {
        try translate(sources, options: options)
    }

    /// Translates with other search options than the translator's own, reusing its scorer
    /// (whose packed decoder weights are the costly part of a translator): what a server
    /// does for requests that ask for their own beam or n-best.
    public func translate(_ sources: [[Int32]], options: SearchOptions) throws -> Translations {
        try translate(sources, prefixes: [], firstSentence: 0, options: options)
    }

    /// Translates with target prefixes (one per source, or none: `TargetPrefix`) and
    /// numbers the sentences from `firstSentence` on: the number chooses a sentence's
    /// random stream when sampling, so a sentence samples the same in any call that gives
    /// it the same number, and errors name sentences by number (1-based in messages).
    public func translate(_ sources: [[Int32]], prefixes: [[Int32]], firstSentence: Int,
                          options: SearchOptions) throws -> Translations {
        try options.validate()
        if !prefixes.isEmpty && prefixes.count != sources.count {
            throw SearchError.prefixCountMismatch(sources: sources.count, prefixes: prefixes.count)
        }
        var warnings: [TranslationWarning] = []
        let limit = model.config.maxPositions - 1          // eos takes the last position
        let fitted = sources.enumerated().map { i, source -> [Int32] in
            guard source.count > limit else { return source }
            warnings.append(.sourceTruncated(sentence: i, length: source.count, kept: limit))
            return Array(source.prefix(limit))
        }
        var hypotheses = [[Hypothesis]](repeating: [], count: sources.count)
        let order = fitted.indices.filter { !fitted[$0].isEmpty }.sorted { (fitted[$0].count, $0) < (fitted[$1].count, $1) }
        for chunk in batches(order, lengths: order.map { fitted[$0].count + 1 }) {
            let results = try search(chunk.map { fitted[$0] }, prefixes: prefixes.isEmpty ? [] : chunk.map { prefixes[$0] },
                                     numbers: chunk.map { firstSentence + $0 }, options: options)
            for (i, result) in zip(chunk, results) { hypotheses[i] = result }
        }
        return Translations(hypotheses: hypotheses, warnings: warnings)
    }

    /// Consecutive groups of `order` (sorted by length) of at most `batchSize` sentences
    /// and, with `maxTokens`, at most that many padded tokens (a longer sentence alone).
    func batches(_ order: [Int], lengths: [Int]) -> [[Int]] {
        var groups: [[Int]] = [], current: [Int] = [], longest = 0
        for (i, index) in order.enumerated() {
            let length = max(longest, lengths[i])
            let overTokens = maxTokens.map { length * (current.count + 1) > $0 } ?? false
            if !current.isEmpty && (current.count == batchSize || overTokens) {
                groups.append(current); current = []; longest = 0
            }
            current.append(index)
            longest = max(longest, lengths[i])
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    private func search(_ batch: [[Int32]], prefixes: [[Int32]], numbers: [Int],
                        options: SearchOptions) throws -> [[Hypothesis]] {
        if options.sampling {
            return try SamplingSearch(options: options).search(batch, prefixes: prefixes, numbers: numbers, scorer: scorer)
        }
        if options.beam == 1 && options.stopEarly {
            return try GreedySearch(options: options).search(batch, prefixes: prefixes, numbers: numbers, scorer: scorer)
        }
        return try BeamSearch(options: options).search(batch, prefixes: prefixes, numbers: numbers, scorer: scorer)
    }
}
