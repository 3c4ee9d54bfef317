/// Per-segment sufficient statistics of one metric for one system: a row per segment, in
/// sacreBLEU's column order, so that any resample of segments is scored from the sum of its
/// rows without looking at the text again.
public struct SegmentStatistics: Sendable, Equatable {
    /// Number of segments (rows).
    public let count: Int
    /// Statistics per segment (columns): 10 for BLEU, 3 · (char order + word order) for chrF,
    /// 2 for TER.
    public let width: Int
    /// `count × width` values, row-major.
    public let values: [Int]
    /// The references per segment. TER's second column sums their lengths, and sacreBLEU
    /// holds the average, a float: the metric divides by this count where sacreBLEU's numbers
    /// need it (see `ResamplingMetric`).
    public let referenceCount: Int

    public init(count: Int, width: Int, values: [Int], referenceCount: Int = 1) {
        precondition(values.count == count * width, "SegmentStatistics: \(values.count) values for \(count)×\(width)")
        self.count = count
        self.width = width
        self.values = values
        self.referenceCount = referenceCount
    }

    /// The column sums (sacreBLEU's `sum_of_lists`), as Python ints.
    public func sums() -> [Int] {
        var total = [Int](repeating: 0, count: width)
        for row in 0..<count {
            for j in 0..<width { total[j] += values[row * width + j] }
        }
        return total
    }

    /// The rows as NumPy's `np.array(stats, dtype='float32')` holds them.
    func float32Values() -> [Float] { values.map { Float($0) } }
}

extension BLEU {
    /// Per-segment BLEU statistics: `[hyp_len, ref_len, correct_1…4, total_1…4]` per row.
    /// - Throws: `EvaluationError.lineCountMismatch` when a stream's length differs.
    public static func segmentStatistics(hypotheses: TextLines, references: [TextLines],
                                         options: Options = Options()) throws -> SegmentStatistics {
        try checkLineCounts(hypotheses, references)
        let width = 2 + 2 * maxOrder
        let chunks = mapChunks(count: hypotheses.count) { range -> [Int] in
            var counter = BLEUCounter(options: options)
            var rows: [Int] = []
            rows.reserveCapacity(range.count * width)
            forEachSegment(range, hypotheses, references) {
                let s = counter.statistics(hypothesis: $0, references: $1)
                rows.append(s.hypothesisLength)
                rows.append(s.referenceLength)
                rows.append(contentsOf: s.correct)
                rows.append(contentsOf: s.total)
            }
            return rows
        }
        return SegmentStatistics(count: hypotheses.count, width: width, values: chunks.flatMap { $0 },
                                 referenceCount: references.count)
    }
}

extension BLEUStatistics {
    /// Statistics from a row or sum in sacreBLEU's order (see `BLEU.segmentStatistics`).
    init(sacreBLEUOrder s: [Int]) {
        self.init()
        hypothesisLength = s[0]
        referenceLength = s[1]
        correct = Array(s[2..<(2 + BLEU.maxOrder)])
        total = Array(s[(2 + BLEU.maxOrder)...])
    }
}

extension CHRF {
    /// Per-segment chrF statistics: `[hyp, ref, match]` per order, character orders first.
    /// - Throws: `EvaluationError.lineCountMismatch` when a stream's length differs.
    public static func segmentStatistics(hypotheses: TextLines, references: [TextLines],
                                         options: Options = Options()) throws -> SegmentStatistics {
        try checkLineCounts(hypotheses, references)
        let chunks = mapChunks(count: hypotheses.count) { range -> [Int] in
            var counter = CHRFCounter(options: options)
            var rows: [Int] = []
            rows.reserveCapacity(range.count * 3 * options.order)
            forEachSegment(range, hypotheses, references) {
                rows.append(contentsOf: counter.statistics(hypothesis: $0, references: $1))
            }
            return rows
        }
        return SegmentStatistics(count: hypotheses.count, width: 3 * options.order, values: chunks.flatMap { $0 },
                                 referenceCount: references.count)
    }
}
