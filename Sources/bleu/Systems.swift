import Evaluation

/// One system's hypotheses and the name sacreBLEU gives it.
struct NamedSystem {
    let name: String
    let lines: TextLines
}

extension BleuCommand {
    /// Whether a paired test was asked for.
    var pairedTest: Significance.PairedTest? {
        pairedBs ? .bootstrap : pairedAr ? .approximateRandomization : nil
    }

    /// The systems to score, read and checked as sacreBLEU's `main` does: files after `-i`
    /// named by their paths (a repeat of the baseline is skipped in a paired test, any other
    /// repeat is an error), or tab-separated columns of standard input named `System N`; in a
    /// paired test the first is the baseline.
    /// - Throws: `EvaluationError` for unreadable or empty input, repeated names, a test
    ///   that does not fit the number of systems, or line counts that differ from the references'.
    func readSystems(references: [TextLines]) throws -> [NamedSystem] {
        var systems: [NamedSystem] = []
        if input.isEmpty {
            let columns = try TextLines.readStandardInput().splitSystems()
            systems = columns.enumerated().map { i, lines in
                let name = pairedTest == nil ? "System \(i + 1)" : i == 0 ? "Baseline" : "System \(i)"
                return NamedSystem(name: name, lines: lines)
            }
        } else {
            for path in input {
                if systems.contains(where: { $0.name == path }) {
                    if pairedTest != nil && path == systems[0].name { continue }
                    throw EvaluationError.duplicateSystem(path)
                }
                systems.append(NamedSystem(name: path, lines: try TextLines.read(file: path)))
            }
            if pairedTest != nil {
                systems[0] = NamedSystem(name: "Baseline: " + systems[0].name, lines: systems[0].lines)
            }
        }
        if sentenceLevel {
            guard systems.count == 1 else { throw EvaluationError.sentenceLevelNeedsOneSystem }
            guard !confidence && pairedTest == nil else { throw EvaluationError.sentenceLevelTest }
        }
        if pairedTest != nil && systems.count == 1 { throw EvaluationError.pairedTestNeedsSystems }
        if systems.count > 1 && confidence { throw EvaluationError.confidenceNeedsOneSystem }
        for system in systems {
            guard system.lines.count > 0 else { throw EvaluationError.emptyHypothesis(path: system.lines.source) }
            for ref in references where ref.count != system.lines.count {
                throw EvaluationError.lineCountMismatch(hypothesisPath: system.lines.source, hypothesisLines: system.lines.count,
                                                        referencePath: ref.source, referenceLines: ref.count)
            }
        }
        return systems
    }
}
