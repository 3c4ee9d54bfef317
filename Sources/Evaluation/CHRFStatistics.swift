/// Computes per-segment chrF statistics; one per worker thread, reusing its buffers.
struct CHRFCounter {
    let options: CHRF.Options
    private var vocabulary = Vocabulary()
    private var lowered: [UInt8] = []
    private var hypUnits: [[UInt32]]
    private var refUnits: [[[UInt32]]] = []
    private var refCounts = NGramTable()

    init(options: CHRF.Options) {
        self.options = options
        hypUnits = [[], []]
    }

    /// Fills `units[0]` with the code points (without whitespace unless `whitespace`) and
    /// `units[1]` with the word ids after chrF's punctuation splitting.
    private mutating func extract(_ line: UnsafeBufferPointer<UInt8>, into units: inout [[UInt32]]) {
        units[0].removeAll(keepingCapacity: true)
        units[1].removeAll(keepingCapacity: true)
        if options.lowercase {
            lowered.removeAll(keepingCapacity: true)
            Lowercase.apply(line, into: &lowered)
            let text = lowered
            text.withUnsafeBufferPointer { split($0, into: &units) }
        } else {
            split(line, into: &units)
        }
    }

    private mutating func split(_ text: UnsafeBufferPointer<UInt8>, into units: inout [[UInt32]]) {
        var i = 0
        while i < text.count {
            let (s, len) = UTF8Text.decode(text, at: i)
            if options.whitespace || !UTF8Text.isWhitespace(s) { units[0].append(s) }
            i += len
        }
        if options.wordOrder > 0 { words(text, into: &units[1]) }
    }

    /// sacreBLEU's `_remove_punctuation`: a word of two or more characters sheds one ASCII
    /// punctuation character from its end, or else from its start.
    private mutating func words(_ text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) {
        UTF8Text.forEachToken(text) { start, end in
            if UTF8Text.decode(text, at: start).length == end - start {
                ids.append(vocabulary.intern(text, start, end))
            } else if Self.isPunctuation(text[end - 1]) {
                ids.append(vocabulary.intern(text, start, end - 1))
                ids.append(vocabulary.intern(text, end - 1, end))
            } else if Self.isPunctuation(text[start]) {
                ids.append(vocabulary.intern(text, start, start + 1))
                ids.append(vocabulary.intern(text, start + 1, end))
            } else {
                ids.append(vocabulary.intern(text, start, end))
            }
        }
    }

    /// Python's `string.punctuation`.
    private static func isPunctuation(_ b: UInt8) -> Bool {
        (b >= 0x21 && b <= 0x2F) || (b >= 0x3A && b <= 0x40) || (b >= 0x5B && b <= 0x60) || (b >= 0x7B && b <= 0x7E)
    }

    /// `[hyp, ref, match]` per order of the reference with the best F-score (the first one
    /// on ties).
    mutating func statistics(hypothesis hyp: UnsafeBufferPointer<UInt8>,
                             references refs: [UnsafeBufferPointer<UInt8>]) -> [Int] {
        while refUnits.count < refs.count { refUnits.append([[], []]) }
        // Buffers move out of self while `extract` mutates the vocabulary, keeping their capacity.
        var units: [[UInt32]] = []
        swap(&units, &hypUnits)
        extract(hyp, into: &units)
        swap(&units, &hypUnits)
        for (r, ref) in refs.enumerated() {
            swap(&units, &refUnits[r])
            extract(ref, into: &units)
            swap(&units, &refUnits[r])
        }

        var perRef = [[Int]](repeating: [Int](repeating: 0, count: 3 * options.order), count: refs.count)
        for order in 0..<options.order {
            let isChar = order < options.charOrder
            let kind = isChar ? 0 : 1, n = isChar ? order + 1 : order - options.charOrder + 1
            let bits = isChar ? 21 : 32
            let hypTotal = max(0, hypUnits[kind].count - n + 1)
            for r in 0..<refs.count {
                refCounts.reset(expected: refUnits[r][kind].count)
                refUnits[r][kind].withUnsafeBufferPointer { forEachNGram($0, order: n, bits: bits) { refCounts.add($0) } }
                let refTotal = max(0, refUnits[r][kind].count - n + 1)
                var match = 0
                hypUnits[kind].withUnsafeBufferPointer {
                    forEachNGram($0, order: n, bits: bits) { if refCounts.consume($0) { match += 1 } }
                }
                // No hypothesis count where the reference has no n-gram of this order.
                perRef[r][3 * order] = refTotal > 0 ? hypTotal : 0
                perRef[r][3 * order + 1] = refTotal
                perRef[r][3 * order + 2] = match
            }
        }
        var best = perRef[0], bestScore = -1.0
        for stats in perRef {
            let f = CHRF.fScore(stats, options: options)
            if f > bestScore {
                bestScore = f
                best = stats
            }
        }
        return best
    }
}
