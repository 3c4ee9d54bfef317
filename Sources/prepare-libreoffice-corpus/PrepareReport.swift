/// What a run read, kept and dropped, as printed and written to report.txt.
enum PrepareReport {
    static func render(options: PrepareOptions, sourcePages: Int, targetPages: Int, alignment: HelpAligner.Alignment,
                       split: PageSplit.Result, interface: (kept: Int, dropped: [DropReason: Int])?) -> String {
        var lines = ["LibreOffice help, \(options.source) → \(options.target)"]
        for package in options.packages { lines.append("package: \(package)") }
        lines.append("help pages read: \(sourcePages) \(options.source), \(targetPages) \(options.target)")
        lines.append("paragraphs read: \(alignment.sourceParagraphs) \(options.source), \(alignment.targetParagraphs) \(options.target)")
        let kept = Split.allCases.map { split.splits[$0]?.count ?? 0 }.reduce(0, +)
        lines.append("pairs kept: \(kept)")
        for part in Split.allCases {
            lines.append("  \(part.rawValue): \(split.splits[part]?.count ?? 0) pairs from \(split.pages[part] ?? 0) pages")
        }
        var dropped = alignment.dropped
        dropped[.duplicate, default: 0] += split.duplicates
        lines.append("paragraphs dropped: \(dropped.values.reduce(0, +))")
        for reason in DropReason.allCases where reason != .placeholders && reason != .heldOut {
            lines.append("  \(dropped[reason] ?? 0)  \(reason.rawValue)")
        }
        if let interface {
            lines.append("interface strings kept (ui.*): \(interface.kept)")
            lines.append("interface strings dropped: \(interface.dropped.values.reduce(0, +))")
            for reason in DropReason.allCases where reason != .pageMissing && reason != .paragraphMissing {
                lines.append("  \(interface.dropped[reason] ?? 0)  \(reason.rawValue)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
