/// chrF (Popović, 2015) and chrF++ (Popović, 2017) exactly as sacreBLEU 2.x computes them:
/// character n-grams without whitespace, optional word n-grams, F-beta over averaged
/// precision and recall with effective-order smoothing (or chrF++.py's epsilon smoothing).
public enum CHRF {
    /// The largest character order the packed n-gram keys hold (6 fields of 21 bits).
    public static let maxCharOrder = 6
    /// The largest word order the packed n-gram keys hold (4 fields of 32 bits).
    public static let maxWordOrder = 4

    /// How chrF is computed; the defaults are chrF2 (`--metrics chrf`).
    public struct Options: Equatable, Sendable {
        /// Character n-gram order, 1…6 (default 6).
        public var charOrder: Int
        /// Word n-gram order, 0…4; 2 gives chrF++ (default 0).
        public var wordOrder: Int
        /// Weight of recall relative to precision (default 2).
        public var beta: Int
        /// Case-insensitive scoring (sacreBLEU's `--chrf-lowercase`).
        public var lowercase: Bool
        /// Keep whitespace inside character n-grams (`--chrf-whitespace`).
        public var whitespace: Bool
        /// chrF++.py's epsilon smoothing instead of effective order (`--chrf-eps-smoothing`).
        public var epsSmoothing: Bool

        public init(charOrder: Int = 6, wordOrder: Int = 0, beta: Int = 2, lowercase: Bool = false,
                    whitespace: Bool = false, epsSmoothing: Bool = false) {
            precondition((1...CHRF.maxCharOrder).contains(charOrder), "chrF character order \(charOrder) not in 1...6")
            precondition((0...CHRF.maxWordOrder).contains(wordOrder), "chrF word order \(wordOrder) not in 0...4")
            self.charOrder = charOrder
            self.wordOrder = wordOrder
            self.beta = beta
            self.lowercase = lowercase
            self.whitespace = whitespace
            self.epsSmoothing = epsSmoothing
        }

        /// chrF++: word order 2.
        public static let plusPlus = Options(wordOrder: 2)

        var order: Int { charOrder + wordOrder }
    }

    /// Corpus chrF of `hypotheses` against one or more reference streams
    /// (`references[k][i]` is the k-th reference of segment i).
    public static func corpusScore(hypotheses: [String], references: [[String]],
                                   options: Options = Options()) throws -> CHRFScore {
        try corpusScore(hypotheses: TextLines(hypotheses, source: "<hypotheses>"),
                        references: references.enumerated().map { TextLines($1, source: "<references \($0 + 1)>") },
                        options: options)
    }

    /// Corpus chrF over lines already read.
    public static func corpusScore(hypotheses: TextLines, references: [TextLines],
                                   options: Options = Options()) throws -> CHRFScore {
        try checkLineCounts(hypotheses, references)
        let chunks = mapChunks(count: hypotheses.count) { range -> [Int] in
            var counter = CHRFCounter(options: options)
            var sum = [Int](repeating: 0, count: 3 * options.order)
            forEachSegment(range, hypotheses, references) { hyp, refs in
                for (i, v) in counter.statistics(hypothesis: hyp, references: refs).enumerated() { sum[i] += v }
            }
            return sum
        }
        var total = [Int](repeating: 0, count: 3 * options.order)
        for chunk in chunks { for (i, v) in chunk.enumerated() { total[i] += v } }
        return CHRFScore(score: fScore(total, options: options), options: options)
    }

    /// chrF of every segment on its own (`--sentence-level`).
    public static func sentenceScores(hypotheses: TextLines, references: [TextLines],
                                      options: Options = Options()) throws -> [CHRFScore] {
        try checkLineCounts(hypotheses, references)
        return mapChunks(count: hypotheses.count) { range -> [CHRFScore] in
            var counter = CHRFCounter(options: options)
            var scores: [CHRFScore] = []
            forEachSegment(range, hypotheses, references) { hyp, refs in
                let stats = counter.statistics(hypothesis: hyp, references: refs)
                scores.append(CHRFScore(score: fScore(stats, options: options), options: options))
            }
            return scores
        }.flatMap { $0 }
    }

    /// The signature sacreBLEU prints for these options and `referenceCount` references.
    public static func signature(options: Options, referenceCount: Int) -> Signature {
        Signature(referenceCount: referenceCount, [
            ("case", options.lowercase ? "lc" : "mixed"),
            ("eff", options.epsSmoothing ? "no" : "yes"),
            ("nc", String(options.charOrder)),
            ("nw", String(options.wordOrder)),
            ("space", options.whitespace ? "yes" : "no"),
        ])
    }

    /// sacreBLEU's `_compute_f_score` over `[hyp, ref, match]` triples, one per order
    /// (character orders first, then word orders).
    static func fScore(_ stats: [Int], options: Options) -> Double {
        let eps = 1e-16
        let factor = Double(options.beta * options.beta)
        var score = 0.0, avgPrec = 0.0, avgRec = 0.0
        var effectiveOrder = 0
        for i in 0..<options.order {
            let nHyp = stats[3 * i], nRef = stats[3 * i + 1], nMatch = stats[3 * i + 2]
            let prec = nHyp > 0 ? Double(nMatch) / Double(nHyp) : eps
            let rec = nRef > 0 ? Double(nMatch) / Double(nRef) : eps
            let denom = factor * prec + rec
            score += denom > 0 ? (1 + factor) * prec * rec / denom : eps
            if nHyp > 0 && nRef > 0 {
                avgPrec += prec
                avgRec += rec
                effectiveOrder += 1
            }
        }
        if options.epsSmoothing { return 100 * score / Double(options.order) }
        if effectiveOrder == 0 {
            avgPrec = 0
            avgRec = 0
        } else {
            avgPrec /= Double(effectiveOrder)
            avgRec /= Double(effectiveOrder)
        }
        guard avgPrec + avgRec != 0 else { return 0 }
        return 100 * ((1 + factor) * avgPrec * avgRec / (factor * avgPrec + avgRec))
    }
}

/// A chrF score (sacreBLEU's `CHRFScore`); the name is `chrF2`, `chrF2++` and so on.
public struct CHRFScore: MetricScore, Equatable {
    /// chrF in [0, 100].
    public let score: Double
    /// `chrF{beta}` followed by one `+` per word order.
    public let name: String
    public var verbose: String { "" }

    init(score: Double, options: CHRF.Options) {
        self.score = score
        name = "chrF\(options.beta)" + String(repeating: "+", count: options.wordOrder)
    }
}
