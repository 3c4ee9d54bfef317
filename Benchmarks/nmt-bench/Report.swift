import Foundation
import Tensor

/// One measured figure, printed as a table row and as a JSON object.
struct Measurement: Codable {
    var scenario: String
    var name: String
    var threads: Int
    var value: Double
    var unit: String
    /// The reference figure measured in the same run, if any, and value ÷ reference.
    var reference: Double?
    var ratio: Double?
    /// The target this figure must meet, stated as text (e.g. "≤ 2.5 ms"), and whether it does.
    var target: String?
    var meetsTarget: Bool?
    /// The kernel path the figure was measured on (training and decoding), if it matters.
    var path: String?

    init(scenario: String, name: String, threads: Int, value: Double, unit: String, reference: Double? = nil,
         ratio: Double? = nil, target: String? = nil, meetsTarget: Bool? = nil) {
        self.scenario = scenario; self.name = name; self.threads = threads; self.value = value; self.unit = unit
        self.reference = reference; self.ratio = ratio; self.target = target; self.meetsTarget = meetsTarget
    }

    /// This figure, marked as measured on `isa`.
    func onPath(_ isa: VectorISA) -> Measurement {
        var copy = self
        copy.path = isa.rawValue
        return copy
    }
}

enum Report {
    static func printTable(_ rows: [Measurement]) {
        let header = ["scenario", "path", "name", "threads", "value", "unit", "reference", "ratio", "target", "ok"]
        let cells = rows.map { m in
            [m.scenario, m.path ?? "", m.name, String(m.threads), format(m.value), m.unit,
             m.reference.map(format) ?? "", m.ratio.map { String(format: "%.3f", $0) } ?? "",
             m.target ?? "", m.meetsTarget.map { $0 ? "yes" : "NO" } ?? ""]
        }
        let widths = header.indices.map { c in ([header[c]] + cells.map { $0[c] }).map(\.count).max()! }
        func line(_ row: [String]) -> String {
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        print(line(header))
        print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in cells { print(line(row)) }
    }

    static func json(_ rows: [Measurement], machine: [String: String]) throws -> String {
        struct Document: Codable { var machine: [String: String]; var measurements: [Measurement] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(Document(machine: machine, measurements: rows)), as: UTF8.self)
    }

    static func format(_ v: Double) -> String {
        v >= 100 ? String(format: "%.1f", v) : String(format: "%.4g", v)
    }

    static func machine() -> [String: String] {
        var info = ["cores": String(ProcessInfo.processInfo.activeProcessorCount)]
        if !CPUFeatures.current.modelName.isEmpty { info["cpu"] = CPUFeatures.current.modelName }
        info["kernels"] = RuntimeReport.kernelPath
        info["openblas"] = OpenBLAS.library.summary
        // What training's `--precision auto` picks here and why; the bf16 rows use bf16.
        info["precision"] = (try? ProductPrecision.choose(.auto, features: .current))?.summary ?? "fp32"
        if CPUFeatures.current.multipliesBF16Natively { info["bf16_products"] = BF16Engine.summary }
        return info
    }
}
