#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A corpus metric as sacreBLEU's significance tests use it: per-segment statistics once,
/// then a score from any sum of rows. The three ways of scoring a sum follow the three
/// number types sacreBLEU's code ends up with (Python ints or floats, int64 or float64
/// arrays, and float32 arrays).
///
/// TER is lower-is-better, but sacreBLEU's tests compare absolute differences and need no
/// direction. Its statistics are `[edits, average reference length]`, the second a float
/// whenever there are several references; here the rows hold the summed lengths and the
/// average is taken where sacreBLEU's number type needs it.
public enum ResamplingMetric: Sendable, Equatable {
    case bleu(BLEU.Options)
    case chrf(CHRF.Options)
    case ter(TER.Options)

    /// The printed name: `BLEU`, `chrF2`, `chrF2++`, …
    public var name: String {
        switch self {
        case .bleu: return "BLEU"
        case let .chrf(options): return CHRFScore(score: 0, options: options).name
        case .ter: return "TER"
        }
    }

    /// The metric's signature without test fields.
    public func signature(referenceCount: Int) -> Signature {
        switch self {
        case let .bleu(options): return BLEU.signature(options: options, referenceCount: referenceCount)
        case let .chrf(options): return CHRF.signature(options: options, referenceCount: referenceCount)
        case let .ter(options): return TER.signature(options: options, referenceCount: referenceCount)
        }
    }

    /// Per-segment statistics of `hypotheses` (see `SegmentStatistics`).
    public func statistics(hypotheses: TextLines, references: [TextLines]) throws -> SegmentStatistics {
        switch self {
        case let .bleu(options): return try BLEU.segmentStatistics(hypotheses: hypotheses, references: references, options: options)
        case let .chrf(options): return try CHRF.segmentStatistics(hypotheses: hypotheses, references: references, options: options)
        case let .ter(options): return try TER.segmentStatistics(hypotheses: hypotheses, references: references, options: options)
        }
    }

    /// A system's corpus score from its statistics (`_aggregate_and_compute` over Python
    /// lists): column sums as Python ints, and for TER the average lengths added as floats
    /// in segment order.
    public func score(_ statistics: SegmentStatistics) -> Double {
        if case .ter = self { return TER.score(statistics).score }
        return score(sums: statistics.sums(), referenceCount: statistics.referenceCount)
    }

    /// The corpus score from exact column sums. For TER the second sum is of reference lengths
    /// over `referenceCount` references; their average is taken once, which equals sacreBLEU's
    /// float sums of per-segment averages whenever those are exact (the count a power of two).
    public func score(sums: [Int], referenceCount: Int = 1) -> Double {
        switch self {
        case let .bleu(options): return BLEU.score(BLEUStatistics(sacreBLEUOrder: sums), options: options).score
        case let .chrf(options): return CHRF.fScore(sums, options: options)
        case .ter:
            return TER.score(edits: Double(sums[0]), referenceLength: TER.averageLength(sums[1], referenceCount))
        }
    }

    /// The score of one approximate-randomization trial, whose sums are an int64 array (a
    /// float64 one for TER, whose rows mix ints and floats; see `score(sums:referenceCount:)`).
    /// Only BLEU's add-k differs from `score(sums:)`: the smoothed count is written back into
    /// the int64 array, which truncates it.
    func trialScore(sums: [Int], referenceCount: Int) -> Double {
        guard case let .bleu(options) = self, case let .addK(k) = options.smoothing, k != k.rounded(.towardZero) else {
            return score(sums: sums, referenceCount: referenceCount)
        }
        var stats = BLEUStatistics(sacreBLEUOrder: sums)
        // compute_bleu returns 0 before smoothing when nothing matched.
        guard stats.correct.contains(where: { $0 != 0 }) else { return 0 }
        for n in 1..<BLEU.maxOrder {
            stats.correct[n] = Int(Double(stats.correct[n]) + k)
            stats.total[n] = Int(Double(stats.total[n]) + k)
        }
        var unsmoothed = options
        unsmoothed.smoothing = .addK(0)
        return BLEU.score(stats, options: unsmoothed).score
    }

    /// The score of one bootstrap resample, whose sums are a float32 array.
    func resampleScore(sums: UnsafeBufferPointer<Float>) -> NumPyFloat {
        switch self {
        case let .bleu(options): return NumPyFloat(python: BLEU.float32Score(sums, options: options))
        case let .chrf(options): return CHRF.float32Score(sums, options: options)
        case .ter: return TER.float32Score(sums)
        }
    }

    /// The rows as `np.array(stats, dtype='float32')` holds them: TER's average reference
    /// lengths are rounded from the double average.
    func float32Rows(_ statistics: SegmentStatistics) -> [Float] {
        guard case .ter = self else { return statistics.float32Values() }
        return statistics.values.enumerated().map { i, v in
            i % 2 == 0 ? Float(v) : Float(TER.averageLength(v, statistics.referenceCount))
        }
    }
}

extension BLEU {
    /// sacreBLEU's `compute_bleu` on a float32 row: lengths become Python ints, but counts,
    /// totals and precisions stay `numpy.float32` (see `NumPyFloat`); the logarithms and the
    /// final score are Python floats.
    static func float32Score(_ s: UnsafeBufferPointer<Float>, options: Options) -> Double {
        let sysLen = Int(s[0]), refLen = Int(s[1])
        var bp = 1.0
        if sysLen < refLen {
            bp = sysLen > 0 ? exp(1 - Double(refLen) / Double(sysLen)) : 0.0
        }
        var correct = (0..<maxOrder).map { NumPyFloat(float32: s[2 + $0]) }
        var total = (0..<maxOrder).map { NumPyFloat(float32: s[2 + maxOrder + $0]) }
        guard correct.contains(where: { $0.value != 0 }) else { return 0 }
        var precisions = [NumPyFloat](repeating: NumPyFloat(python: 0), count: maxOrder)
        var smoothMteval = 1.0
        var effOrder = maxOrder
        for n in 1...maxOrder {
            if case let .addK(k) = options.smoothing, n > 1 {
                correct[n - 1] = correct[n - 1] + NumPyFloat(python: k)
                total[n - 1] = total[n - 1] + NumPyFloat(python: k)
            }
            if total[n - 1].value == 0 { break }
            if options.effectiveOrder { effOrder = n }
            if correct[n - 1].value == 0 {
                switch options.smoothing {
                case .exp:
                    smoothMteval *= 2
                    precisions[n - 1] = NumPyFloat(python: 100) / (NumPyFloat(python: smoothMteval) * total[n - 1])
                case let .floor(value):
                    precisions[n - 1] = NumPyFloat(python: 100 * value) / total[n - 1]
                case .addK, .none:
                    break
                }
            } else {
                precisions[n - 1] = NumPyFloat(python: 100) * correct[n - 1] / total[n - 1]
            }
        }
        var logSum = 0.0
        for p in precisions.prefix(effOrder) { logSum += p.value == 0 ? -9_999_999_999 : log(p.value) }
        return bp * exp(logSum / Double(effOrder))
    }
}

extension CHRF {
    /// sacreBLEU's `_compute_f_score` on a float32 row, each operation in the precision NumPy
    /// gives it: float32 once a count enters, double while only the Python epsilon does.
    static func float32Score(_ s: UnsafeBufferPointer<Float>, options: Options) -> NumPyFloat {
        let eps = NumPyFloat(python: 1e-16)
        let factor = NumPyFloat(python: Double(options.beta * options.beta))
        let onePlusFactor = NumPyFloat(python: Double(1 + options.beta * options.beta))
        var score = NumPyFloat(python: 0), avgPrec = NumPyFloat(python: 0), avgRec = NumPyFloat(python: 0)
        var effectiveOrder = 0
        for i in 0..<options.order {
            let nHyp = NumPyFloat(float32: s[3 * i]), nRef = NumPyFloat(float32: s[3 * i + 1])
            let nMatch = NumPyFloat(float32: s[3 * i + 2])
            let prec = nHyp.value > 0 ? nMatch / nHyp : eps
            let rec = nRef.value > 0 ? nMatch / nRef : eps
            let denom = factor * prec + rec
            score = score + (denom.value > 0 ? onePlusFactor * prec * rec / denom : eps)
            if nHyp.value > 0 && nRef.value > 0 {
                avgPrec = avgPrec + prec
                avgRec = avgRec + rec
                effectiveOrder += 1
            }
        }
        let hundred = NumPyFloat(python: 100)
        if options.epsSmoothing { return hundred * score / NumPyFloat(python: Double(options.order)) }
        if effectiveOrder == 0 {
            avgPrec = NumPyFloat(python: 0)
            avgRec = NumPyFloat(python: 0)
        } else {
            avgPrec = avgPrec / NumPyFloat(python: Double(effectiveOrder))
            avgRec = avgRec / NumPyFloat(python: Double(effectiveOrder))
        }
        guard (avgPrec + avgRec).value != 0 else { return NumPyFloat(python: 0) }
        let f = onePlusFactor * avgPrec * avgRec / (factor * avgPrec + avgRec)
        return hundred * f
    }
}

extension TER {
    /// `_compute_score_from_stats` on a float32 row: the division and the factor 100 stay in
    /// float32; the empty-reference cases are Python floats.
    static func float32Score(_ s: UnsafeBufferPointer<Float>) -> NumPyFloat {
        let edits = NumPyFloat(float32: s[0]), length = NumPyFloat(float32: s[1])
        if length.value > 0 { return NumPyFloat(python: 100) * (edits / length) }
        return NumPyFloat(python: edits.value > 0 ? 100 * 1.0 : 0.0)
    }
}
