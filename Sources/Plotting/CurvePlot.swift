import Foundation

/// An SVG of training curves: three panels (training loss, validation loss, validation
/// BLEU) against updates, one coloured line per run, with axes, ticks and a legend.
public enum CurvePlot {
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
    static let width = 720.0, panelHeight = 220.0, margin = (left: 64.0, right: 24.0, top: 36.0, bottom: 40.0)

    public static func svg(_ runs: [TrainingCurves], title: String = "Training curves") -> String {
        let panels: [(String, KeyPath<TrainingCurves, [(update: Double, value: Double)]>)] = [
            ("training loss (bits/token)", \.trainLoss), ("validation loss (bits/token)", \.validLoss), ("validation BLEU", \.validBLEU),
        ]
        let height = margin.top + Double(panels.count) * (panelHeight + margin.bottom) + 24 * Double(runs.count)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(Int(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">\(escape(title))</text>\n"
        let maxUpdate = runs.flatMap { r in panels.flatMap { r[keyPath: $0.1].map(\.update) } }.max() ?? 1
        for (p, panel) in panels.enumerated() {
            let top = margin.top + Double(p) * (panelHeight + margin.bottom)
            let values = runs.flatMap { $0[keyPath: panel.1].map(\.value) }.filter(\.isFinite)
            var lo = values.min() ?? 0, hi = values.max() ?? 1
            if hi - lo < 1e-9 { lo -= 0.5; hi += 0.5 }
            let plotWidth = width - margin.left - margin.right
            func x(_ u: Double) -> Double { margin.left + u / max(maxUpdate, 1) * plotWidth }
            func y(_ v: Double) -> Double { top + panelHeight - (v - lo) / (hi - lo) * panelHeight }
            out += "<text x=\"\(Int(margin.left))\" y=\"\(Int(top - 6))\">\(escape(panel.0))</text>\n"
            out += "<rect x=\"\(fmt(margin.left))\" y=\"\(fmt(top))\" width=\"\(fmt(plotWidth))\" height=\"\(fmt(panelHeight))\" fill=\"none\" stroke=\"#999\"/>\n"
            for i in 0...4 {
                let v = lo + (hi - lo) * Double(i) / 4, u = maxUpdate * Double(i) / 4
                out += "<text x=\"\(fmt(margin.left - 6))\" y=\"\(fmt(y(v) + 4))\" text-anchor=\"end\">\(String(format: "%.3g", v))</text>\n"
                out += "<text x=\"\(fmt(x(u)))\" y=\"\(fmt(top + panelHeight + 14))\" text-anchor=\"middle\">\(Int(u.rounded()))</text>\n"
            }
            out += "<text x=\"\(fmt(margin.left + plotWidth / 2))\" y=\"\(fmt(top + panelHeight + 30))\" text-anchor=\"middle\">updates</text>\n"
            for (r, run) in runs.enumerated() {
                let points = run[keyPath: panel.1].filter { $0.value.isFinite }
                guard !points.isEmpty else { continue }
                let path = points.map { "\(fmt(x($0.update))),\(fmt(y($0.value)))" }.joined(separator: " ")
                out += "<polyline fill=\"none\" stroke=\"\(colors[r % colors.count])\" stroke-width=\"1.5\" points=\"\(path)\"/>\n"
                // Sparse series (validations) also get a marker per point.
                if points.count <= 60 {
                    for point in points {
                        out += "<circle cx=\"\(fmt(x(point.update)))\" cy=\"\(fmt(y(point.value)))\" r=\"2.5\" fill=\"\(colors[r % colors.count])\"/>\n"
                    }
                }
            }
        }
        for (r, run) in runs.enumerated() {
            let yPos = height - 24 * Double(runs.count - r) + 8
            out += "<rect x=\"\(fmt(margin.left))\" y=\"\(fmt(yPos - 9))\" width=\"14\" height=\"4\" fill=\"\(colors[r % colors.count])\"/>\n"
            out += "<text x=\"\(fmt(margin.left + 20))\" y=\"\(fmt(yPos - 4))\">\(escape(run.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
