/// Which sentence pairs are left out of a corpus: the rules of OpusFilter and of Moses's
/// clean-corpus-n.perl (which fairseq's preparation scripts run), each off by default, so
/// that a corpus is used as it is unless asked otherwise.
///
/// A pair is dropped by the first rule that applies, in `CorpusRule`'s order: invalid UTF-8
/// and a TSV line's field count (both while reading, with `skipInvalid`), then an empty
/// side, source identical to target, the length ratio, and last duplicates, so that a pair
/// is a duplicate only of a pair that was kept.
public struct CorpusCleaning: Equatable, Sendable {
    /// Skip and count what cannot be read as a pair (a line that is not UTF-8, a TSV line
    /// without exactly two fields) instead of throwing an error that names it.
    public var skipInvalid = false
    /// Drop a pair with a side that has no character but white space (OpusFilter's
    /// LengthFilter with a minimum of one word; clean-corpus-n's minimum of 1).
    public var dropEmpty = false
    /// Drop a pair whose longer side has more than this many times the words of the shorter
    /// (0: off). Words are runs of non-white-space characters, as clean-corpus-n and
    /// OpusFilter's LengthRatioFilter (unit: word) count them: no tokenizer is involved, so
    /// the same pairs are dropped whatever subword model the run trains. A side without
    /// words against one with words is over any limit; two sides without words are not.
    public var maxLengthRatio: Double = 0
    /// Drop a pair whose source equals its target byte for byte once leading and trailing
    /// white space is removed (an untranslated segment).
    public var dropIdentical = false
    /// Drop a pair whose two sides are byte for byte those of an earlier kept pair
    /// (OpusFilter's duplicate removal with its defaults); the first is kept.
    public var dropDuplicates = false

    public init(skipInvalid: Bool = false, dropEmpty: Bool = false, maxLengthRatio: Double = 0, dropIdentical: Bool = false,
                dropDuplicates: Bool = false) {
        self.skipInvalid = skipInvalid
        self.dropEmpty = dropEmpty
        self.maxLengthRatio = maxLengthRatio
        self.dropIdentical = dropIdentical
        self.dropDuplicates = dropDuplicates
    }

    /// Whether nothing is dropped and bad input is an error: the corpus is read as it
    /// always was.
    public var isOff: Bool { self == CorpusCleaning() }

    /// A report with an entry (0) for every active rule, before any pair is read.
    func emptyReport(tabSeparated: Bool) -> CorpusReport {
        var report = CorpusReport()
        let active: [(CorpusRule, Bool)] = [
            (.invalidUTF8, skipInvalid), (.wrongFieldCount, skipInvalid && tabSeparated), (.empty, dropEmpty),
            (.identical, dropIdentical), (.lengthRatio, maxLengthRatio > 0), (.duplicate, dropDuplicates),
        ]
        for (rule, on) in active where on { report.dropped[rule] = 0 }
        return report
    }

    /// The pairs that pass the rules after reading (empty, identical, length ratio,
    /// duplicate), in their order; `report` counts what each rule drops and what is kept.
    func apply(source: [String], target: [String], report: inout CorpusReport) -> (source: [String], target: [String]) {
        var kept: (source: [String], target: [String]) = ([], [])
        kept.source.reserveCapacity(source.count)
        kept.target.reserveCapacity(target.count)
        var seen = Set<ExactPair>()
        for (s, t) in zip(source, target) {
            if let rule = firstRule(dropping: s, t, seen: &seen) {
                report.dropped[rule, default: 0] += 1
            } else {
                kept.source.append(s)
                kept.target.append(t)
            }
        }
        report.kept = kept.source.count
        return kept
    }

    /// The rule that drops the pair, or nil when it is kept (and then, with
    /// `dropDuplicates`, remembered in `seen`).
    private func firstRule(dropping source: String, _ target: String, seen: inout Set<ExactPair>) -> CorpusRule? {
        let trimmed = (source: source.trimmingWhiteSpace, target: target.trimmingWhiteSpace)
        if dropEmpty && (trimmed.source.isEmpty || trimmed.target.isEmpty) { return .empty }
        if dropIdentical && trimmed.source.utf8.elementsEqual(trimmed.target.utf8) { return .identical }
        if maxLengthRatio > 0 && exceedsLengthRatio(source.wordCount, target.wordCount) { return .lengthRatio }
        if dropDuplicates && !seen.insert(ExactPair(source: source, target: target)).inserted { return .duplicate }
        return nil
    }

    private func exceedsLengthRatio(_ a: Int, _ b: Int) -> Bool {
        let (shorter, longer) = (min(a, b), max(a, b))
        if longer == 0 { return false }
        if shorter == 0 { return true }
        return Double(longer) / Double(shorter) > maxLengthRatio
    }
}

/// A sentence pair compared byte for byte: Swift's String equality and hashing follow
/// Unicode canonical equivalence, under which differently composed texts ("é" as one code
/// point or as e + accent) would count as duplicates, which OpusFilter does not do.
private struct ExactPair: Hashable {
    let source: String
    let target: String

    static func == (a: ExactPair, b: ExactPair) -> Bool {
        a.source.utf8.elementsEqual(b.source.utf8) && a.target.utf8.elementsEqual(b.target.utf8)
    }

    func hash(into hasher: inout Hasher) {
        for side in [source, target] {
            var side = side
            side.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            // The length separates the sides: ("ab", "c") and ("a", "bc") hash apart.
            hasher.combine(side.utf8.count)
        }
    }
}

extension String {
    /// The text without leading and trailing white space (Unicode's White_Space property).
    var trimmingWhiteSpace: Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        // By scalar, not by Character: a white-space scalar may end a grapheme cluster.
        return Substring(scalars[first...last])
    }

    /// The number of words: runs of characters that are not white space (Unicode's
    /// White_Space property, which is what `str.split()` and Perl's `\s` split on, up to
    /// a few control characters).
    var wordCount: Int {
        var count = 0
        var inWord = false
        for scalar in unicodeScalars {
            let isSpace = scalar.properties.isWhitespace
            if !isSpace && !inWord { count += 1 }
            inWord = !isSpace
        }
        return count
    }
}
