/// What sacreBLEU prints for several systems (`print_results_table`): a table with a row per
/// system and a column per metric, the paired test's explanation, and the metric
/// signatures; or, in JSON, a list with an object per system.
public struct SystemsReport: Sendable {
    /// A metric's value for one system.
    public enum Cell: Sendable {
        /// A plain score (several systems without a paired test), printed like `-b` prints it.
        case score(Double)
        /// A paired test's result.
        case result(SignificanceResult)
    }

    /// One metric: its name (`BLEU`, `chrF2`), a cell per system and its signature.
    public struct Column: Sendable {
        public var name: String
        public var cells: [Cell]
        public var signature: String

        public init(name: String, cells: [Cell], signature: String) {
            self.name = name
            self.cells = cells
            self.signature = signature
        }
    }

    /// The paired test behind the p-values, for the explanation below the table.
    public struct Test: Sendable {
        public var kind: Significance.PairedTest
        /// The number as given on the command line (sacreBLEU prints it even when 0 asked for
        /// the default).
        public var requestedSamples: Int

        public init(kind: Significance.PairedTest, requestedSamples: Int) {
            self.kind = kind
            self.requestedSamples = requestedSamples
        }
    }

    public var systems: [String]
    public var columns: [Column]
    public var test: Test?
    /// Decimals of scores, means and intervals.
    public var width: Int
    /// Whether to draw sacreBLEU's terminal colours.
    public var colors: Bool

    public init(systems: [String], columns: [Column], test: Test?, width: Int, colors: Bool = false) {
        self.systems = systems
        self.columns = columns
        self.test = test
        self.width = width
        self.colors = colors
    }

    /// The text output, without the final newline.
    public func text() -> String {
        let isBootstrap = columns.contains { $0.cells.contains { if case let .result(r) = $0 { return r.mean != nil } else { return false } } }
        let cyan = TerminalColor.cyan, yellow = TerminalColor.yellow
        let hasBaseline = systems.first?.hasPrefix("Baseline:") ?? false
        let headers = [FancyGrid.Line("System", cyan)]
            + columns.map { FancyGrid.Line(isBootstrap ? $0.name + " (μ ± 95% CI)" : $0.name, cyan) }
        let rows: [[[FancyGrid.Line]]] = systems.indices.map { s in
            let baselineColor = hasBaseline && s == 0 ? yellow : nil
            return [[FancyGrid.Line(systemCell(systems[s]), baselineColor)]]
                + columns.map { cellLines($0.cells[s], baselineColor) }
        }
        var out = FancyGrid(headers: headers, rows: rows, alignments: [.right] + columns.map { _ in .center },
                            colors: colors).render()
        out += "\n\n"
        // sacreBLEU names the baseline only when it is a file ("Baseline: PATH"); standard
        // input's "Baseline" leaves the name empty.
        if let test { out += explanation(test, baseline: hasBaseline ? systems[0] : "") }
        out += "-----------------\nMetric signatures\n-----------------"
        for column in columns {
            let name = column.name.count < 10 ? column.name + String(repeating: " ", count: 10 - column.name.count) : column.name
            out += "\n - \(name) \(column.signature)"
        }
        return out
    }

    private func cellLines(_ cell: Cell, _ color: TerminalColor?) -> [FancyGrid.Line] {
        switch cell {
        case let .score(score):
            return [FancyGrid.Line(PythonFormat.fixed(score, width), color)]
        case let .result(r):
            var first = PythonFormat.fixed(r.score, width)
            if let mean = r.mean, let ci = r.ci {
                first += " (\(PythonFormat.fixed(mean, width)) ± \(PythonFormat.fixed(ci, width)))"
            }
            guard let p = r.pValue else { return [FancyGrid.Line(first, color)] }
            let text = "(p = \(PythonFormat.fixed(p, 4)))"
            return [FancyGrid.Line(first, color), p > 0.05 ? FancyGrid.Line(text, .red) : FancyGrid.Line(text + "*")]
        }
    }

    /// tabulate reads a column of numbers as numbers: when every system name is a number and
    /// one is not an integer, all are printed as floats with `width` decimals.
    private func systemCell(_ name: String) -> String {
        let all = systems.map(PythonNumber.init)
        guard all.allSatisfy({ $0 != nil }), all.contains(where: { $0!.isFloat }), let value = PythonNumber(name) else {
            return name
        }
        return PythonFormat.fixed(value.value, width)
    }

    private func explanation(_ test: Test, baseline: String) -> String {
        let bootstrap = test.kind == .bootstrap
        let message = "Paired \(bootstrap ? "bootstrap resampling" : "approximate randomization") test with "
            + "\(test.requestedSamples) \(bootstrap ? "resampling trials" : "trials")"
        let rule = String(repeating: "-", count: message.count)
        let bline = TerminalColor.yellow.wrap("baseline", colors)
        let nullHypothesis = TerminalColor.green.wrap("Null hypothesis", colors)
        let nullLower = TerminalColor.green.wrap("null hypothesis", colors)
        return """
        \(rule)
        \(message)
        \(rule)
         - Each system is pairwise compared to \(TerminalColor.yellow.wrap(baseline, colors)).
           \(bootstrap ? "Actual system score / bootstrap estimated true mean / 95% CI are provided for each metric."
                       : "Actual system score is provided for each metric.")

         - \(nullHypothesis): the system and the \(bline) translations are essentially
           generated by the same underlying process. For a given system and the \(bline),
           the p-value is roughly the probability of the absolute score difference (delta)
           or higher occurring due to chance, under the assumption that the \(nullLower) is correct.

         - Assuming a significance threshold of 0.05, the \(nullLower) can be rejected
           for p-values < 0.05 (marked with "*"). This means that the delta is unlikely to be attributed
           to chance, hence the system is significantly "different" than the \(bline).
           Otherwise, the p-values are \(TerminalColor.red.wrap("highlighted in red", colors)).

         - NOTE: Significance does not tell whether a system is "better" than the \(bline) but rather
           emphasizes the "difference" of the systems in terms of the replicability of the delta.


        """
    }

    /// The JSON output (`json.dumps(..., indent=4)`, ASCII-escaped), without the final newline.
    public func json() -> String {
        let objects = systems.indices.map { s -> String in
            var fields = ["        \"system\": \(PythonFormat.jsonString(systems[s], asciiOnly: true))"]
            for column in columns {
                let key = PythonFormat.jsonString(column.name, asciiOnly: true)
                switch column.cells[s] {
                case let .score(score):
                    fields.append("        \(key): \(PythonFormat.jsonString(PythonFormat.fixed(score, width), asciiOnly: true))")
                case let .result(r):
                    let values = [("score", Optional(r.score)), ("p_value", r.pValue), ("mean", r.mean), ("ci", r.ci)]
                        .map { "            \"\($0.0)\": \($0.1.map(PythonFormat.repr) ?? "null")" }
                    fields.append("        \(key): {\n" + values.joined(separator: ",\n") + "\n        }")
                }
            }
            return "    {\n" + fields.joined(separator: ",\n") + "\n    }"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]"
    }
}

/// A string Python's `float()` accepts, as tabulate tests column values.
struct PythonNumber {
    let value: Double
    /// Not also an `int()` literal.
    let isFloat: Bool

    init?(_ raw: String) {
        let s = raw.trimmingPythonWhitespace()
        // Underscores may only separate digits, and Swift's hexadecimal and NaN payload forms
        // are not Python's.
        let scalars = Array(s.unicodeScalars)
        for (i, c) in scalars.enumerated() where c == "_" {
            guard i > 0, i + 1 < scalars.count, scalars[i - 1].properties.numericType == .decimal,
                  scalars[i + 1].properties.numericType == .decimal else { return nil }
        }
        let plain = s.replacingUnderscores()
        let lower = plain.lowercased()
        guard !lower.contains("x"), !lower.contains("("), plain.unicodeScalars.allSatisfy(\.isASCII),
              let value = Double(plain) else { return nil }
        // tabulate refuses strings that overflow to infinity, except the spelled-out ones.
        if !value.isFinite && !["inf", "-inf", "nan"].contains(raw.lowercased()) { return nil }
        self.value = value
        let unsigned = lower.hasPrefix("+") || lower.hasPrefix("-") ? String(lower.dropFirst()) : lower
        isFloat = unsigned.isEmpty || !unsigned.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

private extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
