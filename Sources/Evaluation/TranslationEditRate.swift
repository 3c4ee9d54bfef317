/// The edits of one hypothesis against one reference, as sacreBLEU 2.6.0's
/// `translation_edit_rate` (sacrebleu/metrics/lib_ter.py) counts them: tercom's greedy
/// search (Snover et al., 2006) applies the block shift that lowers the beam edit distance
/// most, again and again, then adds the remaining insertions, deletions and substitutions.
/// Words are ids: only their equality matters.
enum TranslationEditRate {
    /// `_MAX_SHIFT_SIZE`, tercom's: the longest block that may move.
    static let maxShiftSize = 10
    /// `_MAX_SHIFT_DIST`, tercom's: how far apart a block's two positions may be.
    static let maxShiftDistance = 50
    /// `_MAX_SHIFT_CANDIDATES`, sacreBLEU's own limit on shifts tried per sentence pair.
    static let maxShiftCandidates = 1000

    /// `(number of edits, reference length)`; an empty reference costs one edit per
    /// hypothesis word and has length 0.
    static func edits(hypothesis: [UInt32], reference: [UInt32]) -> (edits: Int, referenceLength: Int) {
        if reference.isEmpty { return (hypothesis.count, 0) }
        var distance = BeamEditDistance(reference: reference)
        var shifts = 0
        var words = hypothesis
        var checked = 0
        while true {
            let (delta, shifted) = bestShift(words, reference, &distance, checked: &checked)
            // The best shift of a search that reached the limit is dropped, as sacreBLEU does.
            if checked >= maxShiftCandidates || delta <= 0 { break }
            shifts += 1
            words = shifted
        }
        return (shifts + distance.distanceAndTrace(words).distance, reference.count)
    }

    /// `_shift`: the shift that lowers the edit distance most and by how much (0 and the words
    /// unchanged when none is tried). Ties go to the longer block, then the earlier block,
    /// then the earlier target, as tercom ranks them.
    private static func bestShift(_ words: [UInt32], _ reference: [UInt32], _ distance: inout BeamEditDistance,
                                  checked: inout Int) -> (delta: Int, shifted: [UInt32]) {
        let (before, inverseTrace) = distance.distanceAndTrace(words)
        // The trace rewrites the hypothesis into the reference; the alignment wants the
        // reverse, so insertions and deletions swap.
        let (align, referenceErrors, hypothesisErrors) = alignment(inverseTrace.map(flipped), referenceLength: reference.count)
        // (score, length, -start, -target), compared as a tuple, and the shifted words. The
        // words never decide: equal keys mean the same block moved to the same place.
        var best: (key: (Int, Int, Int, Int), words: [UInt32])?
        forEachMatch(words, reference) { start, referenceStart, length in
            // Shift only a block that is wrong in the hypothesis, to a place where the
            // reference is not matched, and not into itself.
            if hypothesisErrors[start..<(start + length)].reduce(0, +) == 0 { return true }
            if referenceErrors[referenceStart..<(referenceStart + length)].reduce(0, +) == 0 { return true }
            if start <= align[referenceStart] && align[referenceStart] < start + length { return true }
            var previousTarget = -1
            for offset in -1..<length {
                let target: Int
                if referenceStart + offset == -1 {
                    target = 0
                } else if referenceStart + offset < align.count {
                    // Unlike tercom, which inserts after the index, sacreBLEU inserts before it.
                    target = align[referenceStart + offset] + 1
                } else {
                    break
                }
                if target == previousTarget { continue }
                previousTarget = target
                let shifted = perform(words, start: start, length: length, target: target)
                let key = (before - distance.distance(shifted), length, -start, -target)
                checked += 1
                if best == nil || key > best!.key { best = (key, shifted) }
            }
            return checked < maxShiftCandidates
        }
        guard let best else { return (0, words) }
        return (best.key.0, best.words)
    }

    private static func flipped(_ operation: BeamEditDistance.Operation) -> BeamEditDistance.Operation {
        switch operation {
        case .insertion: return .deletion
        case .deletion: return .insertion
        default: return operation
        }
    }

    /// `trace_to_alignment`: for each reference position the hypothesis position aligned to it
    /// (-1 before the first), and per position whether the reference and the hypothesis word
    /// is in error.
    private static func alignment(_ trace: [BeamEditDistance.Operation], referenceLength: Int)
        -> (align: [Int], referenceErrors: [Int], hypothesisErrors: [Int]) {
        var hypothesisPosition = -1, referencePosition = -1
        var align = [Int](repeating: -1, count: referenceLength)
        var referenceErrors: [Int] = [], hypothesisErrors: [Int] = []
        for operation in trace {
            switch operation {
            case .nop, .substitution:
                let error = operation == .nop ? 0 : 1
                hypothesisPosition += 1
                referencePosition += 1
                align[referencePosition] = hypothesisPosition
                hypothesisErrors.append(error)
                referenceErrors.append(error)
            case .insertion:
                hypothesisPosition += 1
                hypothesisErrors.append(1)
            case .deletion:
                referencePosition += 1
                align[referencePosition] = hypothesisPosition
                referenceErrors.append(1)
            case .undefined:
                preconditionFailure("unknown TER operation")
            }
        }
        return (align, referenceErrors, hypothesisErrors)
    }

    /// `_find_shifted_pairs`: every `(start, referenceStart, length)` with equal word blocks,
    /// starts at most `maxShiftDistance` apart and lengths 1…`maxShiftSize`, in sacreBLEU's
    /// order. `body` returns false to stop.
    private static func forEachMatch(_ words: [UInt32], _ reference: [UInt32], _ body: (Int, Int, Int) -> Bool) {
        for start in 0..<words.count {
            for referenceStart in 0..<reference.count where abs(referenceStart - start) <= maxShiftDistance {
                var length = 0
                while words[start + length] == reference[referenceStart + length] && length < maxShiftSize {
                    length += 1
                    if !body(start, referenceStart, length) { return }
                    if words.count == start + length || reference.count == referenceStart + length { break }
                }
            }
        }
    }

    /// `_perform_shift`: moves `length` words at `start` to before `target`, with Python's
    /// slice clamping in the third case (a target inside or just after the block).
    static func perform(_ words: [UInt32], start: Int, length: Int, target: Int) -> [UInt32] {
        func slice(_ from: Int, _ to: Int) -> ArraySlice<UInt32> {
            let lower = min(from, words.count), upper = min(to, words.count)
            return lower < upper ? words[lower..<upper] : []
        }
        if target < start {
            return Array(slice(0, target) + slice(start, start + length) + slice(target, start) + slice(start + length, words.count))
        } else if target > start + length {
            return Array(slice(0, start) + slice(start + length, target) + slice(start, start + length) + slice(target, words.count))
        }
        return Array(slice(0, start) + slice(start + length, length + target) + slice(start, start + length)
            + slice(length + target, words.count))
    }
}
