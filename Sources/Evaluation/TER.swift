/// Translation edit rate (Snover et al., 2006) exactly as sacreBLEU 2.6.0 computes it
/// (sacrebleu/metrics/ter.py, a reimplementation of tercom): the fewest word edits —
/// insertions, deletions, substitutions and block shifts — that turn a hypothesis into its
/// closest reference, summed over the corpus and divided by the summed average reference
/// length. Lower is better; the score is in percent and can exceed 100.
public enum TER {
    /// The tokenizer settings; the defaults are tercom's (`--metrics ter`).
    public struct Options: Equatable, Sendable {
        /// Tercom's normalization: XML entities, punctuation split off words
        /// (`--ter-normalized`).
        public var normalized: Bool
        /// Remove `. , ? : ; ! " ( )` (`--ter-no-punct`).
        public var noPunct: Bool
        /// With `normalized`, split CJK characters and CJK punctuation into tokens; with
        /// `noPunct`, also remove CJK and full-width punctuation (`--ter-asian-support`).
        public var asianSupport: Bool
        /// Keep case; TER lowercases by default (`--ter-case-sensitive`).
        public var caseSensitive: Bool

        public init(normalized: Bool = false, noPunct: Bool = false, asianSupport: Bool = false,
                    caseSensitive: Bool = false) {
            self.normalized = normalized
            self.noPunct = noPunct
            self.asianSupport = asianSupport
            self.caseSensitive = caseSensitive
        }
    }

    /// Corpus TER of `hypotheses` against one or more reference streams
    /// (`references[k][i]` is the k-th reference of segment i).
    public static func corpusScore(hypotheses: [String], references: [[String]],
                                   options: Options = Options()) throws -> TERScore {
        try corpusScore(hypotheses: TextLines(hypotheses, source: "<hypotheses>"),
                        references: references.enumerated().map { TextLines($1, source: "<references \($0 + 1)>") },
                        options: options)
    }

    /// Corpus TER over lines already read.
    /// - Throws: `EvaluationError.lineCountMismatch` when a stream's length differs.
    public static func corpusScore(hypotheses: TextLines, references: [TextLines],
                                   options: Options = Options()) throws -> TERScore {
        score(try segmentStatistics(hypotheses: hypotheses, references: references, options: options))
    }

    /// TER of every segment on its own (`--sentence-level`).
    public static func sentenceScores(hypotheses: TextLines, references: [TextLines],
                                      options: Options = Options()) throws -> [TERScore] {
        let statistics = try segmentStatistics(hypotheses: hypotheses, references: references, options: options)
        return (0..<statistics.count).map { row in
            score(SegmentStatistics(count: 1, width: 2, values: Array(statistics.values[(2 * row)..<(2 * row + 2)]),
                                    referenceCount: statistics.referenceCount))
        }
    }

    /// The signature sacreBLEU prints for these options and `referenceCount` references
    /// (`TERSignature`, with its own abbreviations: `t`, `nr`, `pn`, `as`).
    public static func signature(options: Options, referenceCount: Int) -> Signature {
        Signature(referenceCount: referenceCount, [
            ("case", options.caseSensitive ? "mixed" : "lc"),
            ("tok", "tercom"),
            ("norm", options.normalized ? "yes" : "no"),
            ("punct", options.noPunct ? "no" : "yes"),
            ("asian", options.asianSupport ? "yes" : "no"),
        ], abbreviations: ["case": "c", "tok": "t", "norm": "nr", "punct": "pn", "asian": "as"])
    }

    /// Per-segment TER statistics: `[best edits, sum of the reference lengths]` per row, with
    /// the number of references; sacreBLEU's second statistic is their average.
    /// - Throws: `EvaluationError.lineCountMismatch` when a stream's length differs.
    public static func segmentStatistics(hypotheses: TextLines, references: [TextLines],
                                         options: Options = Options()) throws -> SegmentStatistics {
        try checkLineCounts(hypotheses, references)
        // A line can take milliseconds (the shift search), so threads pay off early.
        let chunks = mapChunks(count: hypotheses.count, serialBelow: 64) { range -> [Int] in
            var counter = TERCounter(options: options)
            var rows: [Int] = []
            rows.reserveCapacity(2 * range.count)
            forEachSegment(range, hypotheses, references) {
                let s = counter.statistics(hypothesis: $0, references: $1)
                rows.append(s.edits)
                rows.append(s.referenceLengths)
            }
            return rows
        }
        return SegmentStatistics(count: hypotheses.count, width: 2, values: chunks.flatMap { $0 },
                                 referenceCount: references.count)
    }

    /// The corpus score of TER statistics: `_aggregate_and_compute`, whose `sum_of_lists`
    /// adds the edits as integers and the average reference lengths as Python floats, in
    /// segment order.
    static func score(_ statistics: SegmentStatistics) -> TERScore {
        var edits = 0, length = 0.0
        for row in 0..<statistics.count {
            edits += statistics.values[2 * row]
            length += averageLength(statistics.values[2 * row + 1], statistics.referenceCount)
        }
        return TERScore(score: score(edits: Double(edits), referenceLength: length), edits: edits, referenceLength: length)
    }

    /// sacreBLEU's `ref_lengths / len(ref_words)`.
    @inline(__always)
    static func averageLength(_ sum: Int, _ references: Int) -> Double { Double(sum) / Double(references) }

    /// `_compute_score_from_stats`: edits per reference word in percent; an empty reference
    /// scores 100 against a non-empty hypothesis and 0 against an empty one.
    static func score(edits: Double, referenceLength: Double) -> Double {
        if referenceLength > 0 { return 100 * (edits / referenceLength) }
        return edits > 0 ? 100 * 1.0 : 0.0
    }
}

/// A TER score (sacreBLEU's `TERScore`).
public struct TERScore: MetricScore, Equatable {
    public var name: String { "TER" }
    /// TER in percent (lower is better; above 100 when edits outnumber reference words).
    public let score: Double
    /// The summed edits of all segments.
    public let edits: Int
    /// The summed average reference length.
    public let referenceLength: Double
    public var verbose: String { "" }
}

/// Computes per-segment TER statistics; one per worker thread.
struct TERCounter {
    let tokenizer: TercomTokenizer
    private var vocabulary = Vocabulary()

    init(options: TER.Options) {
        tokenizer = TercomTokenizer(options: options)
    }

    /// The tokens of a preprocessed line as ids.
    private mutating func words(_ text: [UInt8]) -> [UInt32] {
        var ids: [UInt32] = []
        text.withUnsafeBufferPointer { vocabulary.internTokens(of: $0, into: &ids) }
        return ids
    }

    /// `_compute_segment_statistics`: the fewest edits against any reference (the first on
    /// ties does not matter: only the count is kept) and the summed reference lengths.
    mutating func statistics(hypothesis: UnsafeBufferPointer<UInt8>,
                             references: [UnsafeBufferPointer<UInt8>]) -> (edits: Int, referenceLengths: Int) {
        let hyp = words(tokenizer.preprocess(hypothesis))
        var referenceLengths = 0
        var best = 10_000_000_000_000_000
        for reference in references {
            // sacreBLEU preprocesses references twice: once when caching them
            // (`_cache_references`) and again in `_extract_reference_info`. The tokenizer is not
            // idempotent under --ter-normalized ("john's." becomes "john's ." and then
            // "john 's ."), so the second pass changes scores and is kept.
            let once = tokenizer.preprocess(reference)
            let ref = words(once.withUnsafeBufferPointer { tokenizer.preprocess($0) })
            let (edits, length) = TranslationEditRate.edits(hypothesis: hyp, reference: ref)
            referenceLengths += length
            if edits < best { best = edits }
        }
        return (best, referenceLengths)
    }
}
