import Foundation
import Testing
@testable import Plotting

@Suite(.timeLimit(.minutes(10))) struct TrainingCurvesTests {
    static func log(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-log-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).jsonl")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func readsTrainingAndValidationSeries() throws {
        let path = try Self.log("""
            {"kind": "train", "update": 1.0, "loss": 9.5, "nll": 9.4}
            {"kind": "train", "update": 10.0, "loss": 8.0, "nll": 7.9}
            {"kind": "valid", "update": 10.0, "valid_loss": 7.5, "valid_bleu": 1.25}

            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let curves = try TrainingCurves.read(path, name: "run")
        #expect(curves.trainLoss.map(\.update) == [1, 10] && curves.trainLoss.map(\.value) == [9.5, 8.0])
        #expect(curves.validLoss.map(\.value) == [7.5] && curves.validBLEU.map(\.value) == [1.25])
    }

    /// The records that carry no curve (a segment's start, a warning, a segment's end) are
    /// read past; a training record without an update is still an error.
    @Test func segmentWarningAndDoneRecordsAreSkipped() throws {
        let path = try Self.log("""
            {"cpu": "x", "kind": "segment", "precision": "bf16", "threads": 2.0}
            {"kind": "warning", "message": "the run trained in bf16 so far"}
            {"kind": "train", "update": 1.0, "loss": 9.5, "nll": 9.4}
            {"elapsed": 3.2, "kind": "done", "stop_reason": "max_update", "update": 1.0}

            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try TrainingCurves.read(path, name: "run").trainLoss.map(\.value) == [9.5])
        let bad = try Self.log("{\"kind\": \"train\", \"loss\": 2}\n")
        defer { try? FileManager.default.removeItem(atPath: bad) }
        #expect(throws: TrainingLogError.badLine(path: bad, line: 1, reason: "no numeric \"update\"")) {
            try TrainingCurves.read(bad, name: "x")
        }
    }

    @Test func aBadLineIsAnErrorNamingFileAndLine() throws {
        let path = try Self.log("{\"update\": 1, \"loss\": 2}\nnot json\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: TrainingLogError.badLine(path: path, line: 2, reason: "not a JSON object")) {
            try TrainingCurves.read(path, name: "x")
        }
    }

    /// Two runs: one polyline per run and panel with data, points inside the plot area, a
    /// legend entry per run.
    @Test func svgOverlaysRuns() {
        let a = TrainingCurves(name: "ls", trainLoss: [(1, 9), (100, 5), (200, 4)], validLoss: [(100, 6), (200, 5)],
                               validBLEU: [(100, 3), (200, 7)])
        let b = TrainingCurves(name: "labo <τ=2>", trainLoss: [(1, 9.5), (200, 3.5)], validLoss: [(200, 4.8)], validBLEU: [])
        let svg = CurvePlot.svg([a, b])
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 5)
        #expect(svg.contains(">ls<") && svg.contains("labo &lt;τ=2&gt;"))
        // Every polyline coordinate lies in the drawing.
        let numbers = svg.components(separatedBy: "points=\"").dropFirst().flatMap {
            $0.prefix { $0 != "\"" }.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Double($0) }
        }
        #expect(!numbers.isEmpty && numbers.allSatisfy { $0 >= 0 && $0 <= 900 })
    }
}
