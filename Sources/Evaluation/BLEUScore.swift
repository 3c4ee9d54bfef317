/// A BLEU score with what it was computed from (sacreBLEU's `BLEUScore`).
public struct BLEUScore: MetricScore, Equatable {
    public var name: String { "BLEU" }
    /// BLEU in [0, 100].
    public let score: Double
    /// Matched n-grams for n = 1…4 (before add-k smoothing).
    public let counts: [Int]
    /// Hypothesis n-grams for n = 1…4 (before add-k smoothing).
    public let totals: [Int]
    /// Smoothed n-gram precisions in percent.
    public let precisions: [Double]
    /// Brevity penalty.
    public let bp: Double
    /// Hypothesis length in tokens.
    public let sysLen: Int
    /// Reference length in tokens (closest reference per segment, summed).
    public let refLen: Int

    init(score: Double, statistics: BLEUStatistics, precisions: [Double], bp: Double) {
        self.score = score
        counts = statistics.correct
        totals = statistics.total
        self.precisions = precisions
        self.bp = bp
        sysLen = statistics.hypothesisLength
        refLen = statistics.referenceLength
    }

    /// Hypothesis length over reference length (0 when the reference is empty).
    public var ratio: Double { refLen != 0 ? Double(sysLen) / Double(refLen) : 0 }

    /// `80.0/50.0/33.3/25.0 (BP = 1.000 ratio = 1.111 hyp_len = 10 ref_len = 9)`.
    public var verbose: String {
        let prec = precisions.map { PythonFormat.fixed($0, 1) }.joined(separator: "/")
        return "\(prec) (BP = \(PythonFormat.fixed(bp, 3)) ratio = \(PythonFormat.fixed(ratio, 3)) "
            + "hyp_len = \(sysLen) ref_len = \(refLen))"
    }
}
