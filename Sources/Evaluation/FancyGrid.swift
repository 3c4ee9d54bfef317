/// tabulate's `fancy_grid` layout as sacreBLEU calls it for several systems
/// (`tabulate(..., headers='keys', tablefmt='fancy_grid', colalign=('right',),
/// stralign='center', numalign='center')`): box-drawing rules, one space of padding, columns
/// at least two wider than their header, cells stripped and then right-aligned or centred
/// (Python's `^`: the odd space goes right), multi-line cells padded with blank lines below.
struct FancyGrid {
    enum Alignment { case right, center }

    /// One line of a cell; `color` is drawn around the text, outside the layout.
    struct Line {
        var text: String
        var color: TerminalColor?

        init(_ text: String, _ color: TerminalColor? = nil) {
            self.text = text
            self.color = color
        }
    }

    let headers: [Line]
    /// `rows[r][c]`: the lines of a cell.
    let rows: [[[Line]]]
    let alignments: [Alignment]
    let colors: Bool

    func render() -> String {
        let cells = rows.map { $0.map(Self.strip) }
        let widths = headers.indices.map { c in
            max(DisplayWidth.of(headers[c].text) + 2,
                cells.flatMap { $0[c] }.map { DisplayWidth.of($0.text) }.max() ?? 0)
        }
        func rule(_ left: String, _ fill: String, _ joint: String, _ right: String) -> String {
            left + widths.map { String(repeating: fill, count: $0 + 2) }.joined(separator: joint) + right
        }
        func row(_ lines: [Line]) -> String {
            "│" + lines.indices.map { " " + pad(lines[$0], widths[$0], alignments[$0]) + " " }.joined(separator: "│") + "│"
        }
        var out = [rule("╒", "═", "╤", "╕"), row(headers), rule("╞", "═", "╪", "╡")]
        for (r, cellsOfRow) in cells.enumerated() {
            if r > 0 { out.append(rule("├", "─", "┼", "┤")) }
            let height = cellsOfRow.map(\.count).max() ?? 1
            for i in 0..<height {
                out.append(row(cellsOfRow.map { i < $0.count ? $0[i] : Line("") }))
            }
        }
        out.append(rule("╘", "═", "╧", "╛"))
        return out.joined(separator: "\n")
    }

    private func pad(_ line: Line, _ width: Int, _ alignment: Alignment) -> String {
        let space = max(0, width - DisplayWidth.of(line.text))
        let left = alignment == .right ? space : space / 2
        let text = line.color?.wrap(line.text, colors) ?? line.text
        return String(repeating: " ", count: left) + text + String(repeating: " ", count: space - left)
    }

    /// Python's `str.strip()` of the whole cell, which only touches its first and last lines.
    private static func strip(_ lines: [Line]) -> [Line] {
        var lines = lines
        guard !lines.isEmpty else { return lines }
        // Whitespace-only leading or trailing lines vanish with the strip.
        while lines.count > 1, lines[0].text.trimmingPythonWhitespace().isEmpty { lines.removeFirst() }
        while lines.count > 1, lines[lines.count - 1].text.trimmingPythonWhitespace().isEmpty { lines.removeLast() }
        lines[0].text = String(lines[0].text.drop(while: { $0.unicodeScalars.allSatisfy { UTF8Text.isWhitespace($0.value) } }))
        let last = lines.count - 1
        lines[last].text = String(lines[last].text.reversed().drop(while: { $0.unicodeScalars.allSatisfy { UTF8Text.isWhitespace($0.value) } }).reversed())
        return lines
    }
}
