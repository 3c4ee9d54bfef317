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
        let dropped = alignment.dropped.values.map(\.count).reduce(0, +)
        lines.append("verses dropped: \(dropped)")
        for reason in DropReason.allCases {
            lines.append("  \(alignment.dropped[reason]?.count ?? 0)  \(reason.rawValue)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The realigned pairs, "Spanish reference → English reference", for report.txt.
    static func realignedReferences(_ alignment: Alignment) -> String {
        let moved = alignment.pairs.filter { $0.spanishReference != $0.englishReference }
        return "realigned (RV1909 → WEB/KJV):\n"
            + moved.map { "  \($0.spanishReference) → \($0.englishReference)\n" }.joined()
    }

    /// The dropped Spanish references, one reason per paragraph, for report.txt.
    static func droppedReferences(_ alignment: Alignment) -> String {
        DropReason.allCases.compactMap { reason in
            guard let references = alignment.dropped[reason], !references.isEmpty else {
                return nil
            }
            return "\(reason.rawValue):\n" + references.map { "  \($0)\n" }.joined()
        }.joined(separator: "\n")
    }
}
