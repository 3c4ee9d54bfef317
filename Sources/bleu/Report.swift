import Evaluation

/// Lays scores out as sacreBLEU's command line prints them.
struct Report {
    let width: Int
    let scoreOnly: Bool
    let short: Bool

    /// A sentence-level line: always text, with the signature.
    func line(_ score: some MetricScore, _ signature: Signature) -> String {
        score.formatted(width: width, signature: signature, short: short, scoreOnly: scoreOnly)
    }

    /// A corpus-level result, with a bootstrap interval for `--confidence`; JSON signatures
    /// are never abbreviated.
    func corpus(_ score: some MetricScore, _ signature: Signature, json: Bool,
                confidence: (mean: Double, ci: Double)? = nil, colors: Bool = false) -> String {
        score.formatted(width: width, signature: signature, short: short && !json, scoreOnly: scoreOnly, json: json,
                        confidence: confidence, colors: colors)
    }

    /// sacreBLEU's `print_single_results`: JSON objects in a list, or text lines right-aligned
    /// on their `=`.
    func combine(_ results: [String], json: Bool) -> String {
        if json || results.count == 1 {
            return results.count > 1 ? "[\n" + results.joined(separator: ",\n") + "\n]" : results[0]
        }
        let splits = results.map { line -> Int? in
            line.firstIndex(of: "=").map { line.distance(from: line.startIndex, to: $0) - 1 }
        }
        let widest = splits.compactMap { $0 }.max() ?? 0
        return zip(results, splits).map { line, split in
            guard let split else { return line }
            let left = line.prefix(split)
            return String(repeating: " ", count: widest - left.count) + line
        }.joined(separator: "\n")
    }
}
