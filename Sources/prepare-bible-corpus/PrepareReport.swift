/// What a run produced and dropped, as printed and written to report.txt.
enum PrepareReport {
    /// The report text: verses read, pairs per split, realigned pairs, drops by reason.
    static func render(
        spanishVerses: Int, alignment: Alignment, splits: [Split: SplitLines]
    ) -> String {
        var lines = ["RV1909 verses read: \(spanishVerses)"]
        lines.append("pairs kept: \(alignment.pairs.count)")
        for split in Split.allCases {
            lines.append("  \(split.rawValue): \(splits[split]?.spanish.count ?? 0)")
        }
        lines.append("pairs realigned to another verse number: \(alignment.realigned)")
        let dropped = alignment.dropped.values.reduce(0, +)
        lines.append("verses dropped: \(dropped)")
        for reason in DropReason.allCases {
            lines.append("  \(alignment.dropped[reason] ?? 0)  \(reason.rawValue)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
