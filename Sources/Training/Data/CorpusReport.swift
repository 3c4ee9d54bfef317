/// A reason to leave a sentence pair out of a corpus. The order of the cases is the order
/// in which the rules are tried: a pair is counted once, under the first rule that drops it.
public enum CorpusRule: String, CaseIterable, Sendable {
    /// A side that is not valid UTF-8 (with skip_invalid).
    case invalidUTF8 = "invalid_utf8"
    /// A TSV line without exactly two fields (with skip_invalid).
    case wrongFieldCount = "wrong_field_count"
    /// A side with no character other than white space.
    case empty
    /// The source equal to the target, surrounding white space aside.
    case identical
    /// One side with more than the limit times the other's words.
    case lengthRatio = "length_ratio"
    /// Both sides equal to an earlier pair's.
    case duplicate
}

/// What reading and cleaning a corpus did: the pairs read, the pairs kept, and how many
/// each active rule dropped.
public struct CorpusReport: Equatable, Sendable {
    /// Pairs (lines) in the files.
    public var read = 0
    public var kept = 0
    /// Pairs dropped per active rule (a rule that is off has no entry; one that is on and
    /// dropped nothing has 0).
    public var dropped: [CorpusRule: Int] = [:]

    public init(read: Int = 0, kept: Int = 0, dropped: [CorpusRule: Int] = [:]) {
        self.read = read
        self.kept = kept
        self.dropped = dropped
    }

    /// The active rules, in the order they are tried.
    public var rules: [CorpusRule] { CorpusRule.allCases.filter { dropped[$0] != nil } }

    /// One line for the training log, e.g. "1000 pairs read, 950 kept; dropped: empty 20,
    /// duplicate 30".
    public var summary: String {
        let counts = rules.map { "\($0.rawValue) \(dropped[$0]!)" }.joined(separator: ", ")
        return "\(read) pairs read, \(kept) kept" + (counts.isEmpty ? "" : "; dropped: \(counts)")
    }

    /// The figures as train.jsonl's numbers: `pairs_read`, `pairs_kept` and
    /// `dropped_<rule>` for every active rule.
    public var fields: [String: Double] {
        var fields = ["pairs_read": Double(read), "pairs_kept": Double(kept)]
        for rule in rules { fields["dropped_" + rule.rawValue] = Double(dropped[rule]!) }
        return fields
    }
}
