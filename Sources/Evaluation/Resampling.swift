/// The resampling loops behind sacreBLEU's significance tests, over precomputed segment
/// statistics: each resample or trial only adds rows, never rereads text.
enum Resampling {
    /// One metric on one system's statistics.
    struct Job {
        let metric: ResamplingMetric
        let statistics: SegmentStatistics
    }

    /// Resamples drawn at once: indices for a block stay under about 32 MB.
    private static func blockSize(segments: Int, samples: Int) -> Int {
        max(1, min(samples, (8 << 20) / max(1, segments)))
    }

    /// Scores of `samples` bootstrap resamples for every job, all jobs on the same resamples:
    /// sacreBLEU's `rng.choice(N, size=(samples, N))`, then `stats[idxs].sum(0)` in float32
    /// (row by row, in index order) and the metric on each sum.
    static func bootstrapScores(_ jobs: [Job], samples: Int, rng: inout PCG64) -> [NumPyScores] {
        let segments = jobs[0].statistics.count
        precondition(jobs.allSatisfy { $0.statistics.count == segments }, "bootstrap: systems of different lengths")
        let matrices = jobs.map { $0.metric.float32Rows($0.statistics) }
        var scores = [[NumPyFloat]](repeating: [], count: jobs.count)
        let block = blockSize(segments: segments, samples: samples)
        let indices = UnsafeMutableBufferPointer<Int32>.allocate(capacity: block * segments)
        defer { indices.deallocate() }
        var done = 0
        while done < samples {
            let count = min(block, samples - done)
            rng.fillIndices(UnsafeMutableBufferPointer(rebasing: indices[0..<(count * segments)]), below: segments)
            let blockScores = parallelMap(count) { r -> [NumPyFloat] in
                let rows = UnsafeBufferPointer(rebasing: indices[(r * segments)..<((r + 1) * segments)])
                return zip(jobs, matrices).map { job, matrix in
                    matrix.withUnsafeBufferPointer { m in
                        sumRows(m, width: job.statistics.width, rows: rows) { job.metric.resampleScore(sums: $0) }
                    }
                }
            }
            for resample in blockScores {
                for j in jobs.indices { scores[j].append(resample[j]) }
            }
            done += count
        }
        return scores.map { NumPyScores($0) }
    }

    /// Float32 column sums of `rows` of `m`, added in order, handed to `body`.
    @inline(__always)
    private static func sumRows<R>(_ m: UnsafeBufferPointer<Float>, width: Int, rows: UnsafeBufferPointer<Int32>,
                                   _ body: (UnsafeBufferPointer<Float>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { acc in
            acc.initialize(repeating: 0)
            let base = m.baseAddress!
            for row in rows {
                let src = base + Int(row) * width
                for j in 0..<width { acc[j] += src[j] }
            }
            return body(UnsafeBufferPointer(acc))
        }
    }

    /// For each metric, how many of `trials` approximate-randomization trials give an
    /// absolute score difference above `differences[m]`: sacreBLEU's
    /// `rng.integers(2, size=(trials, N), dtype=bool)`, where a set bit takes the segment's
    /// statistics from the baseline into pseudo-system A and from the system into B.
    /// Sums are exact integers (int64 in sacreBLEU).
    static func randomizationExceedances(metrics: [ResamplingMetric], baseline: [SegmentStatistics],
                                         system: [SegmentStatistics], differences: [Double],
                                         trials: Int, rng: inout PCG64) -> [Int] {
        let segments = baseline[0].count
        let words = (segments + 63) / 64
        // A = Σ system + Σ over set bits of (baseline − system); B = Σ baseline + Σ system − A.
        let deltas = zip(baseline, system).map { b, s in zip(b.values, s.values).map { $0 - $1 } }
        let systemSums = system.map { $0.sums() }
        let bothSums = zip(baseline, system).map { b, s in zip(b.sums(), s.sums()).map { $0 + $1 } }
        var exceed = [Int](repeating: 0, count: metrics.count)
        var stream = PCG64BoolStream()
        let block = blockSize(segments: segments, samples: trials)
        var masks = [UInt64](repeating: 0, count: block * words)
        var done = 0
        while done < trials {
            let count = min(block, trials - done)
            for t in 0..<count {
                for w in 0..<words { masks[t * words + w] = 0 }
                for i in 0..<segments where stream.next(&rng) { masks[t * words + i / 64] |= 1 << UInt64(i % 64) }
            }
            let perTrial = masks.withUnsafeBufferPointer { maskBuffer in
                parallelMap(count) { t -> [Bool] in
                    let mask = UnsafeBufferPointer(rebasing: maskBuffer[(t * words)..<((t + 1) * words)])
                    return metrics.indices.map { m in
                        let width = baseline[m].width
                        var a = systemSums[m]
                        deltas[m].withUnsafeBufferPointer { d in
                            for w in 0..<words {
                                var bits = mask[w]
                                while bits != 0 {
                                    let row = (w * 64 + bits.trailingZeroBitCount) * width
                                    for j in 0..<width { a[j] += d[row + j] }
                                    bits &= bits - 1
                                }
                            }
                        }
                        let b = zip(bothSums[m], a).map { $0 - $1 }
                        let count = baseline[m].referenceCount
                        return abs(metrics[m].trialScore(sums: a, referenceCount: count)
                            - metrics[m].trialScore(sums: b, referenceCount: count)) > differences[m]
                    }
                }
            }
            for trial in perTrial {
                for m in metrics.indices where trial[m] { exceed[m] += 1 }
            }
            done += count
        }
        return exceed
    }

    /// `body` over `0..<count` on every core, results in order: each resample or trial
    /// already holds thousands of row additions, enough to pay for a thread.
    private static func parallelMap<R>(_ count: Int, _ body: (Int) -> R) -> [R] {
        mapChunks(count: count, serialBelow: 2) { $0.map(body) }.flatMap { $0 }
    }
}
