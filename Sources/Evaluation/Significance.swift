/// One system's outcome in a significance test (sacreBLEU's `significance.Result`).
public struct SignificanceResult: Equatable, Sendable {
    /// The system's actual corpus score.
    public var score: Double
    /// The p-value against the baseline; nil for the baseline itself.
    public var pValue: Double?
    /// The bootstrap estimate of the true mean; nil without bootstrap resampling.
    public var mean: Double?
    /// Half the width of the 95 % confidence interval around `mean`.
    public var ci: Double?
    /// Whether `mean` and `ci` are NumPy float32 values (chrF's resampled scores are), which
    /// sacreBLEU's JSON encoder cannot write.
    public var isFloat32: Bool = false

    public init(score: Double, pValue: Double? = nil, mean: Double? = nil, ci: Double? = nil, isFloat32: Bool = false) {
        self.score = score
        self.pValue = pValue
        self.mean = mean
        self.ci = ci
        self.isFloat32 = isFloat32
    }
}

/// sacreBLEU 2.6.0's statistical tests (`sacrebleu/significance.py`), draw for draw: the
/// same NumPy random streams, the same float32 sums and the same interval and p-value
/// formulas, so the printed numbers are identical.
public enum Significance {
    /// The paired tests of `--paired-bs` and `--paired-ar`.
    public enum PairedTest: Sendable {
        /// Paired bootstrap resampling (Koehn, 2004), as Moses'
        /// bootstrap-hypothesis-difference-significance.pl; also gives each system's interval.
        case bootstrap
        /// Paired approximate randomization (Riezler and Maxwell, 2005), as MultEval.
        case approximateRandomization

        /// sacreBLEU's default number of resamples or trials.
        public var defaultSamples: Int { self == .bootstrap ? 1000 : 10000 }
        /// The signature key that records the number (`bs` or `ar`).
        public var signatureKey: String { self == .bootstrap ? "bs" : "ar" }
    }

    /// Compares every system with the first (the baseline) on every metric.
    /// - Parameters:
    ///   - statistics: `statistics[s][m]` holds system `s`'s segment statistics for
    ///     `metrics[m]`; system 0 is the baseline.
    ///   - samples: resamples (bootstrap) or trials (randomization), at least 1.
    /// - Returns: `results[m][s]`: the baseline first, with no p-value.
    /// - Complexity: O(samples · segments · statistics per segment · systems).
    public static func pairedTest(_ test: PairedTest, samples: Int, metrics: [ResamplingMetric],
                                  statistics: [[SegmentStatistics]], seed: SacreBLEUSeed) -> [[SignificanceResult]] {
        precondition(statistics.count >= 2 && samples >= 1, "pairedTest needs a baseline, a system and samples")
        let scores = statistics.map { system in metrics.indices.map { metrics[$0].score(system[$0]) } }
        switch test {
        case .bootstrap:
            return pairedBootstrap(samples: samples, metrics: metrics, statistics: statistics, scores: scores, seed: seed)
        case .approximateRandomization:
            var results = metrics.indices.map { [SignificanceResult(score: scores[0][$0])] }
            for s in 1..<statistics.count {
                // sacreBLEU seeds a new generator for every system.
                var rng = seed.pairedGenerator()
                let differences = metrics.indices.map { abs(scores[0][$0] - scores[s][$0]) }
                let exceed = Resampling.randomizationExceedances(metrics: metrics, baseline: statistics[0],
                                                                 system: statistics[s], differences: differences,
                                                                 trials: samples, rng: &rng)
                for m in metrics.indices {
                    results[m].append(SignificanceResult(score: scores[s][m], pValue: pValue(exceed[m], samples)))
                }
            }
            return results
        }
    }

    private static func pairedBootstrap(samples: Int, metrics: [ResamplingMetric], statistics: [[SegmentStatistics]],
                                        scores: [[Double]], seed: SacreBLEUSeed) -> [[SignificanceResult]] {
        let jobs = statistics.map { system in metrics.indices.map { Resampling.Job(metric: metrics[$0], statistics: system[$0]) } }
        // resampled[s][m]: with a fixed non-zero seed every generator sacreBLEU creates (one per
        // metric for the baseline's interval, one per system) draws the same resamples, so one
        // pass serves all; otherwise each system has its own draws, shared with a rescored baseline.
        var baselineFor: [[NumPyScores]] = []
        var resampled: [[NumPyScores]] = []
        if seed.entropy != nil && !seed.isZero {
            var rng = seed.generator()
            let flat = Resampling.bootstrapScores(jobs.flatMap { $0 }, samples: samples, rng: &rng)
            resampled = statistics.indices.map { Array(flat[($0 * metrics.count)..<(($0 + 1) * metrics.count)]) }
            baselineFor = Array(repeating: resampled[0], count: statistics.count)
        } else {
            resampled = [seededBaselineScores(jobs[0], samples: samples, seed: seed)]
            baselineFor = [resampled[0]]
            for s in 1..<statistics.count {
                var rng = seed.pairedGenerator()
                let both = Resampling.bootstrapScores(jobs[0] + jobs[s], samples: samples, rng: &rng)
                baselineFor.append(Array(both[..<metrics.count]))
                resampled.append(Array(both[metrics.count...]))
            }
        }
        return metrics.indices.map { m in
            statistics.indices.map { s in
                let (mean, ci) = numpyInterval(resampled[s][m])
                let float32 = resampled[s][m].isFloat32
                guard s > 0 else { return SignificanceResult(score: scores[0][m], mean: mean, ci: ci, isFloat32: float32) }
                // p-value of |Δ| after centring the resampled differences on their mean.
                let diffs = resampled[s][m].absoluteDifference(baselineFor[s][m])
                let centre = diffs.mean()
                let actual = abs(scores[0][m] - scores[s][m])
                let threshold = diffs.rounded(actual)
                let exceed = diffs.values.filter { diffs.difference($0, centre) > threshold }.count
                return SignificanceResult(score: scores[s][m], pValue: pValue(exceed, samples), mean: mean, ci: ci,
                                          isFloat32: float32)
            }
        }
    }

    /// The baseline's resampled scores when sacreBLEU seeds each metric's generator itself
    /// (`_bootstrap_resample`): from the seed (0 included), or fresh entropy per metric.
    private static func seededBaselineScores(_ jobs: [Resampling.Job], samples: Int, seed: SacreBLEUSeed) -> [NumPyScores] {
        if seed.entropy != nil {
            var rng = seed.generator()
            return Resampling.bootstrapScores(jobs, samples: samples, rng: &rng)
        }
        return jobs.map { job in
            var rng = seed.generator()
            return Resampling.bootstrapScores([job], samples: samples, rng: &rng)[0]
        }
    }

    /// `--confidence` for one system: each metric's score with the mean and 95 % interval of
    /// `samples` bootstrap resamples (sacreBLEU's `corpus_score(n_bootstrap=samples)`).
    /// - Parameter statistics: the system's statistics per metric.
    public static func confidence(samples: Int, metrics: [ResamplingMetric], statistics: [SegmentStatistics],
                                  seed: SacreBLEUSeed) -> [SignificanceResult] {
        let jobs = metrics.indices.map { Resampling.Job(metric: metrics[$0], statistics: statistics[$0]) }
        let resampled = seededBaselineScores(jobs, samples: samples, seed: seed)
        return metrics.indices.map { m in
            let sorted = resampled[m].values.sorted()
            let (lower, upper) = bounds(sorted)
            let float32 = resampled[m].isFloat32
            // Score.estimate_ci: statistics.mean (exact), then numpy.float32(mean) for chrF.
            let mean = resampled[m].rounded(exactMean(sorted))
            return SignificanceResult(score: metrics[m].score(statistics[m]), mean: mean,
                                      ci: 0.5 * resampled[m].difference(upper, lower), isFloat32: float32)
        }
    }

    /// sacreBLEU's `estimate_ci` on a NumPy array: the mean of the sorted array (the order
    /// changes NumPy's pairwise sum) and half the span between the sorted scores at n // 40
    /// from either end.
    static func numpyInterval(_ scores: NumPyScores) -> (mean: Double, ci: Double) {
        let sorted = NumPyScores(values: scores.values.sorted(), isFloat32: scores.isFloat32)
        let (lower, upper) = bounds(sorted.values)
        return (sorted.mean(), 0.5 * sorted.difference(upper, lower))
    }

    private static func bounds(_ sorted: [Double]) -> (lower: Double, upper: Double) {
        let lowerIndex = sorted.count / 40
        return (sorted[lowerIndex], sorted[sorted.count - lowerIndex - 1])
    }

    /// MultEval's p-value: (exceedances + 1) / (samples + 1).
    private static func pValue(_ exceed: Int, _ samples: Int) -> Double {
        Double(exceed + 1) / Double(samples + 1)
    }
}
