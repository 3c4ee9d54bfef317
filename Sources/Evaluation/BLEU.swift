#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Corpus and sentence BLEU exactly as sacreBLEU 2.x computes them (Papineni et al., 2002,
/// with sacreBLEU's tokenizers, smoothing and brevity penalty).
///
/// References are given as sacreBLEU takes them: `references[k][i]` is the k-th reference of
/// segment i, so each inner array is one reference file.
public enum BLEU {
    /// The largest n-gram order (sacreBLEU's `MAX_NGRAM_ORDER`).
    public static let maxOrder = 4

    /// Smoothing of zero n-gram precisions (Chen and Cherry, 2014).
    public enum Smoothing: Equatable, Sendable {
        /// Method 3, NIST's: the k-th zero precision becomes 1 / (2^k · total). The default.
        case exp
        /// Method 1: a zero count becomes the value (default 0.1).
        case floor(Double)
        /// Method 2: adds the value (default 1) to counts and totals for n > 1.
        case addK(Double)
        /// No smoothing.
        case none

        /// The method names the command line accepts.
        public static let names = ["none", "floor", "add-k", "exp"]

        /// A method by name, with its value or sacreBLEU's default for it.
        /// - Throws: `EvaluationError.unknownSmoothing`.
        public init(name: String, value: Double? = nil) throws {
            switch name {
            case "exp": self = .exp
            case "floor": self = .floor(value ?? 0.1)
            case "add-k": self = .addK(value ?? 1)
            case "none": self = .none
            default: throw EvaluationError.unknownSmoothing(name)
            }
        }

        /// The signature text: `exp`, `none`, `floor[0.10]`, `add-k[1.00]`.
        var signature: String {
            switch self {
            case .exp: return "exp"
            case .none: return "none"
            case let .floor(v): return "floor[\(PythonFormat.fixed(v, 2))]"
            case let .addK(v): return "add-k[\(PythonFormat.fixed(v, 2))]"
            }
        }
    }

    /// How BLEU is computed; the defaults are sacreBLEU's corpus-level defaults.
    public struct Options: Equatable, Sendable {
        public var tokenize: Tokenization
        public var lowercase: Bool
        public var smoothing: Smoothing
        /// Stop at the highest order with hypothesis n-grams (sentence-level BLEU).
        public var effectiveOrder: Bool

        public init(tokenize: Tokenization = .thirteenA, lowercase: Bool = false,
                    smoothing: Smoothing = .exp, effectiveOrder: Bool = false) {
            self.tokenize = tokenize
            self.lowercase = lowercase
            self.smoothing = smoothing
            self.effectiveOrder = effectiveOrder
        }

        /// sacreBLEU's sentence-level defaults: `exp` smoothing with effective order.
        public static let sentence = Options(effectiveOrder: true)
    }

    /// Corpus BLEU of `hypotheses` against one or more reference streams.
    /// - Throws: `EvaluationError.lineCountMismatch` when a stream's length differs.
    /// - Complexity: O(total characters), spread over the CPU cores.
    public static func corpusScore(hypotheses: [String], references: [[String]],
                                   options: Options = Options()) throws -> BLEUScore {
        try corpusScore(hypotheses: TextLines(hypotheses, source: "<hypotheses>"),
                        references: references.enumerated().map { TextLines($1, source: "<references \($0 + 1)>") },
                        options: options)
    }

    /// Corpus BLEU over lines already read (see `TextLines`).
    public static func corpusScore(hypotheses: TextLines, references: [TextLines],
                                   options: Options = Options()) throws -> BLEUScore {
        try checkLineCounts(hypotheses, references)
        let chunks = mapChunks(count: hypotheses.count) { range -> BLEUStatistics in
            var counter = BLEUCounter(options: options)
            var sum = BLEUStatistics()
            forEachSegment(range, hypotheses, references) { sum.add(counter.statistics(hypothesis: $0, references: $1)) }
            return sum
        }
        var total = BLEUStatistics()
        for chunk in chunks { total.add(chunk) }
        return score(total, options: options)
    }

    /// BLEU of every segment on its own (sacreBLEU's `--sentence-level`).
    public static func sentenceScores(hypotheses: TextLines, references: [TextLines],
                                      options: Options = .sentence) throws -> [BLEUScore] {
        try checkLineCounts(hypotheses, references)
        return mapChunks(count: hypotheses.count) { range -> [BLEUScore] in
            var counter = BLEUCounter(options: options)
            var scores: [BLEUScore] = []
            forEachSegment(range, hypotheses, references) {
                scores.append(score(counter.statistics(hypothesis: $0, references: $1), options: options))
            }
            return scores
        }.flatMap { $0 }
    }

    /// BLEU of one sentence against its references.
    public static func sentenceScore(hypothesis: String, references: [String],
                                     options: Options = .sentence) -> BLEUScore {
        // One line per stream, so the counts always agree.
        try! sentenceScores(hypotheses: TextLines([hypothesis]),
                            references: references.map { TextLines([$0]) }, options: options)[0]
    }

    /// The signature sacreBLEU prints for these options and `referenceCount` references.
    public static func signature(options: Options, referenceCount: Int) -> Signature {
        Signature(referenceCount: referenceCount, [
            ("case", options.lowercase ? "lc" : "mixed"),
            ("eff", options.effectiveOrder ? "yes" : "no"),
            ("tok", options.tokenize.rawValue),
            ("smooth", options.smoothing.signature),
        ])
    }

    /// The score from summed statistics: sacreBLEU's `compute_bleu`, operation for operation
    /// so that the floating-point result is the same.
    public static func score(_ stats: BLEUStatistics, options: Options) -> BLEUScore {
        let sysLen = stats.hypothesisLength, refLen = stats.referenceLength
        var bp = 1.0
        if sysLen < refLen {
            bp = sysLen > 0 ? exp(1 - Double(refLen) / Double(sysLen)) : 0.0
        }
        var precisions = [Double](repeating: 0, count: maxOrder)
        // No match at any order: the score is 0 (sacreBLEU issue #141).
        guard stats.correct.contains(where: { $0 != 0 }) else {
            return BLEUScore(score: 0, statistics: stats, precisions: precisions, bp: bp)
        }
        var smoothMteval = 1.0
        var effOrder = maxOrder
        for n in 1...maxOrder {
            var correct = Double(stats.correct[n - 1]), total = Double(stats.total[n - 1])
            if case let .addK(k) = options.smoothing, n > 1 {
                correct += k
                total += k
            }
            if total == 0 { break }
            if options.effectiveOrder { effOrder = n }
            if correct == 0 {
                switch options.smoothing {
                case .exp:
                    smoothMteval *= 2
                    precisions[n - 1] = 100.0 / (smoothMteval * total)
                case let .floor(value):
                    precisions[n - 1] = 100.0 * value / total
                case .addK, .none:
                    break
                }
            } else {
                precisions[n - 1] = 100.0 * correct / total
            }
        }
        var logSum = 0.0
        // sacreBLEU's my_log floors log(0) at -9999999999.
        for p in precisions.prefix(effOrder) { logSum += p == 0 ? -9_999_999_999 : log(p) }
        let score = bp * exp(logSum / Double(effOrder))
        return BLEUScore(score: score, statistics: stats, precisions: precisions, bp: bp)
    }
}

/// Checks that every reference stream has as many lines as the hypotheses.
func checkLineCounts(_ hypotheses: TextLines, _ references: [TextLines]) throws {
    guard !references.isEmpty else { throw EvaluationError.noReferences }
    for ref in references where ref.count != hypotheses.count {
        throw EvaluationError.lineCountMismatch(hypothesisPath: hypotheses.source, hypothesisLines: hypotheses.count,
                                                referencePath: ref.source, referenceLines: ref.count)
    }
}

/// Calls `body` with the bytes of each hypothesis in `range` and of its references.
func forEachSegment(_ range: Range<Int>, _ hypotheses: TextLines, _ references: [TextLines],
                    _ body: (UnsafeBufferPointer<UInt8>, [UnsafeBufferPointer<UInt8>]) -> Void) {
    withExtendedLifetime((hypotheses, references)) {
        var refs = [UnsafeBufferPointer<UInt8>](repeating: UnsafeBufferPointer(start: nil, count: 0), count: references.count)
        for i in range {
            for k in references.indices { refs[k] = references[k].line(i) }
            body(hypotheses.line(i), refs)
        }
    }
}
