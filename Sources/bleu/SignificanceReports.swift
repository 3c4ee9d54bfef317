import Evaluation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BleuCommand {
    /// The seed from `SACREBLEU_SEED`.
    private func seed() throws -> SacreBLEUSeed {
        try SacreBLEUSeed(environmentValue: getenv("SACREBLEU_SEED").map { String(cString: $0) })
    }

    /// Several systems: a table (or JSON list) of their scores, with a paired test's p-values
    /// when one was asked for.
    func systemsReport(_ systems: [NamedSystem], references: [TextLines], metrics requested: [ResamplingMetric],
                       json: Bool) throws -> String {
        var columns: [SystemsReport.Column] = []
        var test: SystemsReport.Test?
        if let kind = pairedTest {
            // The paired test keeps the metrics in the order given, without repeats.
            var metrics: [ResamplingMetric] = []
            for metric in requested where !metrics.contains(where: { $0.name == metric.name }) { metrics.append(metric) }
            let requestedSamples = kind == .bootstrap ? pairedBsN : pairedArN
            let samples = requestedSamples > 0 ? requestedSamples : kind.defaultSamples
            let seed = try seed()
            let statistics = try systems.map { system in
                try metrics.map { try $0.statistics(hypotheses: system.lines, references: references) }
            }
            let results = Significance.pairedTest(kind, samples: samples, metrics: metrics, statistics: statistics, seed: seed)
            for (m, metric) in metrics.enumerated() {
                let signature = metric.signature(referenceCount: references.count)
                    .adding(bootstrap: kind == .bootstrap ? samples : nil,
                            trials: kind == .approximateRandomization ? samples : nil, seed: seed.pairedSignature)
                columns.append(SystemsReport.Column(name: metric.name, cells: results[m].map { .result($0) },
                                                    signature: signature.format(short: short)))
            }
            test = SystemsReport.Test(kind: kind, requestedSamples: requestedSamples)
        } else {
            let metrics = requested.reduce(into: [ResamplingMetric]()) { list, metric in
                if !list.contains(where: { $0.name == metric.name }) { list.append(metric) }
            }.sorted { $0.name.uppercased() < $1.name.uppercased() }
            for metric in metrics {
                let cells = try systems.map { system -> SystemsReport.Cell in
                    .score(metric.score(try metric.statistics(hypotheses: system.lines, references: references)))
                }
                columns.append(SystemsReport.Column(name: metric.name, cells: cells,
                                                    signature: metric.signature(referenceCount: references.count).format(short: short)))
            }
        }
        let report = SystemsReport(systems: systems.map(\.name), columns: columns, test: test, width: width, colors: colors)
        return json ? report.json() : report.text()
    }

    /// One system with `--confidence`: each score followed by its bootstrap mean and interval.
    func confidenceReport(_ hypotheses: TextLines, references: [TextLines], metrics: [ResamplingMetric],
                          report: Report, json: Bool) throws -> String {
        let seed = try seed()
        let statistics = try metrics.map { try $0.statistics(hypotheses: hypotheses, references: references) }
        let results = Significance.confidence(samples: confidenceN, metrics: metrics, statistics: statistics, seed: seed)
        var lines: [String] = []
        for (metric, result) in zip(metrics, results) {
            let signature = metric.signature(referenceCount: references.count)
                .adding(bootstrap: confidenceN, seed: seed.confidenceSignature)
            let score: any MetricScore
            switch metric {
            case let .bleu(options): score = try BLEU.corpusScore(hypotheses: hypotheses, references: references, options: options)
            case let .chrf(options): score = try CHRF.corpusScore(hypotheses: hypotheses, references: references, options: options)
            case let .ter(options): score = try TER.corpusScore(hypotheses: hypotheses, references: references, options: options)
            }
            lines.append(report.corpus(score, signature, json: json, confidence: (result.mean!, result.ci!), colors: colors))
        }
        return report.combine(lines, json: json)
    }
}
