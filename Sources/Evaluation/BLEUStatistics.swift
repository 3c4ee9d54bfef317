/// The sufficient statistics of BLEU for one segment or a whole corpus: they add up, and
/// the score is computed from their sum (sacreBLEU's `[hyp_len, ref_len, correct…, total…]`).
public struct BLEUStatistics: Equatable, Sendable {
    /// Hypothesis length in tokens.
    public var hypothesisLength = 0
    /// Length of the closest reference (ties go to the shorter one).
    public var referenceLength = 0
    /// Clipped n-gram matches for n = 1…4.
    public var correct = [Int](repeating: 0, count: BLEU.maxOrder)
    /// Hypothesis n-grams for n = 1…4.
    public var total = [Int](repeating: 0, count: BLEU.maxOrder)

    public init() {}

    /// Adds another segment's or chunk's statistics.
    public mutating func add(_ other: BLEUStatistics) {
        hypothesisLength += other.hypothesisLength
        referenceLength += other.referenceLength
        for n in 0..<BLEU.maxOrder {
            correct[n] += other.correct[n]
            total[n] += other.total[n]
        }
    }
}

/// Computes per-segment BLEU statistics; one per worker thread, reusing all its buffers.
struct BLEUCounter {
    let options: BLEU.Options
    private var vocabulary = Vocabulary()
    private let scratch = Tokenization.Scratch()
    private var lowered: [UInt8] = []
    private var hypIds: [UInt32] = []
    private var refIds: [[UInt32]] = []
    private var merged = NGramTable()
    private var single = NGramTable()

    init(options: BLEU.Options) { self.options = options }

    /// sacreBLEU's `_preprocess_segment` then `split()`: lowercase, rstrip, tokenize, intern.
    private mutating func tokens(_ line: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) {
        ids.removeAll(keepingCapacity: true)
        if options.lowercase {
            lowered.removeAll(keepingCapacity: true)
            Lowercase.apply(line, into: &lowered)
            let text = lowered
            text.withUnsafeBufferPointer { tokenizeAndIntern($0, into: &ids) }
        } else {
            tokenizeAndIntern(line, into: &ids)
        }
    }

    private mutating func tokenizeAndIntern(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) {
        let stripped = UnsafeBufferPointer(rebasing: text[0..<UTF8Text.rstrippedEnd(text)])
        vocabulary.internTokens(of: options.tokenize.tokenize(stripped, scratch: scratch), into: &ids)
    }

    /// The statistics of hypothesis `hyp` against `refs`.
    mutating func statistics(hypothesis hyp: UnsafeBufferPointer<UInt8>,
                             references refs: [UnsafeBufferPointer<UInt8>]) -> BLEUStatistics {
        while refIds.count < refs.count { refIds.append([]) }
        // Buffers move out of self while `tokens` mutates the vocabulary, keeping their capacity.
        var ids: [UInt32] = []
        swap(&ids, &hypIds)
        tokens(hyp, into: &ids)
        swap(&ids, &hypIds)
        for (r, ref) in refs.enumerated() {
            swap(&ids, &refIds[r])
            tokens(ref, into: &ids)
            swap(&ids, &refIds[r])
        }

        var stats = BLEUStatistics()
        let hypLength = hypIds.count
        stats.hypothesisLength = hypLength
        // Closest reference length; on equal distance the shorter reference wins.
        var closestDiff = -1, closestLength = -1
        for r in 0..<refs.count {
            let length = refIds[r].count, diff = abs(hypLength - length)
            if closestDiff == -1 || diff < closestDiff {
                closestDiff = diff
                closestLength = length
            } else if diff == closestDiff && length < closestLength {
                closestLength = length
            }
        }
        stats.referenceLength = closestLength

        var longestReference = 0
        for r in 0..<refs.count { longestReference = max(longestReference, refIds[r].count) }
        for n in 1...BLEU.maxOrder {
            stats.total[n - 1] = max(0, hypLength - n + 1)
            guard hypLength >= n else { continue }
            // Reference counts merged over references by maximum.
            merged.reset(expected: longestReference)
            for r in 0..<refs.count {
                if refs.count == 1 {
                    refIds[r].withUnsafeBufferPointer { forEachNGram($0, order: n, bits: 32) { merged.add($0) } }
                } else {
                    single.reset(expected: refIds[r].count)
                    refIds[r].withUnsafeBufferPointer { forEachNGram($0, order: n, bits: 32) { single.add($0) } }
                    for slot in single.used {
                        let (key, count) = single.entry(slot)
                        merged.raise(key, to: count)
                    }
                }
            }
            var correct = 0
            hypIds.withUnsafeBufferPointer {
                forEachNGram($0, order: n, bits: 32) { if merged.consume($0) { correct += 1 } }
            }
            stats.correct[n - 1] = correct
        }
        return stats
    }
}
