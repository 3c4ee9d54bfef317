import ArgumentParser
import Evaluation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `bleu`: sacreBLEU's command line for BLEU, chrF and TER on local files, with the same
/// flags, numbers and output.
@main
struct BleuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bleu",
        abstract: "BLEU, chrF and TER scores identical to sacreBLEU \(sacreBLEUVersion), from reference files and a hypothesis.",
        discussion: "sacreBLEU's short flags -tok, -lc, -sv, -sl, -sh, -cc and -cw are accepted too.",
        version: "bleu (sacreBLEU \(sacreBLEUVersion) compatible)"
    )

    @Argument(help: "Reference files, one segment per line (plain or gzip-compressed text).")
    var references: [String] = []

    @Option(name: [.customShort("i"), .long], parsing: .upToNextOption,
            help: "Hypothesis files, one per system, plain or gzip-compressed; the first is the baseline of a paired test (default: standard input, systems separated by tabs).")
    var input: [String] = []

    @Option(name: .long, help: "BLEU tokenizer: 13a, intl, char or none (-tok).")
    var tokenize = "13a"

    @Flag(name: .long, help: "Case-insensitive BLEU (-lc).")
    var lowercase = false

    @Option(name: [.customShort("s"), .long], help: "BLEU smoothing: exp, floor, add-k or none.")
    var smoothMethod = "exp"

    @Option(name: .long, help: "Value for floor (default 0.1) and add-k (default 1) smoothing (-sv).")
    var smoothValue: Double?

    @Flag(name: .long, help: "Score every segment (-sl).")
    var sentenceLevel = false

    @Option(name: [.customShort("m"), .long], parsing: .upToNextOption, help: "Metrics: bleu, chrf, ter.")
    var metrics: [String] = ["bleu"]

    @Flag(name: [.customShort("b"), .long], help: "Print only the score.")
    var scoreOnly = false

    @Option(name: [.customShort("w"), .long], help: "Decimals of the printed score.")
    var width = 1

    @Option(name: [.customShort("f"), .long], help: "Output format: json or text (SACREBLEU_FORMAT overrides).")
    var format = "json"

    @Flag(name: .long, help: "Abbreviated signature (-sh).")
    var short = false

    @Option(name: .long, help: "chrF character n-gram order, 1-6 (-cc).")
    var chrfCharOrder = 6

    @Option(name: .long, help: "chrF word n-gram order, 0-4; 2 is chrF++ (-cw).")
    var chrfWordOrder = 0

    @Option(name: .long, help: "chrF recall weight.")
    var chrfBeta = 2

    @Flag(name: .long, help: "Keep whitespace in chrF character n-grams.")
    var chrfWhitespace = false

    @Flag(name: .long, help: "Case-insensitive chrF.")
    var chrfLowercase = false

    @Flag(name: .long, help: "chrF++.py epsilon smoothing instead of effective order.")
    var chrfEpsSmoothing = false

    @Flag(name: .long, help: "Case-sensitive TER (TER lowercases by default).")
    var terCaseSensitive = false

    @Flag(name: .long, help: "TER: split CJK characters (with --ter-normalized) and remove CJK punctuation (with --ter-no-punct).")
    var terAsianSupport = false

    @Flag(name: .long, help: "TER: remove the punctuation . , ? : ; ! \" ( ).")
    var terNoPunct = false

    @Flag(name: .long, help: "TER: tercom's normalization (XML entities, punctuation split off words).")
    var terNormalized = false

    @Flag(name: .long, help: "Bootstrap mean and 95% confidence interval of one system's scores (-ci).")
    var confidence = false

    @Option(name: .long, help: "Bootstrap resamples for --confidence (-cin).")
    var confidenceN = 1000

    @Flag(name: .long, help: "Paired approximate randomization test of every system against the first (-par).")
    var pairedAr = false

    @Flag(name: .long, help: "Paired bootstrap resampling test of every system against the first (-pbs).")
    var pairedBs = false

    @Option(name: .long, help: "Trials of --paired-ar; 0 or less for 10000 (-parn).")
    var pairedArN = 10000

    @Option(name: .long, help: "Resamples of --paired-bs; 0 or less for 1000 (-pbsn).")
    var pairedBsN = 1000

    @Option(name: [.customShort("j"), .long], help: "Accepted for sacreBLEU compatibility; bleu uses every CPU core.")
    var pairedJobs = 1

    @Flag(name: .long, help: "No terminal colours in tables and intervals (-nc); NO_COLOR does the same.")
    var noColor = false

    @Flag(name: [.customShort("q"), .long], help: "Accepted for sacreBLEU compatibility; bleu prints no progress messages.")
    var quiet = false

    @Flag(name: .long, help: "Accepted for sacreBLEU compatibility; bleu does not warn about tokenized input.")
    var force = false

    func validate() throws {
        guard ["json", "text"].contains(format) else {
            throw ValidationError("format must be json or text, not '\(format)'")
        }
        guard (1...CHRF.maxCharOrder).contains(chrfCharOrder) else {
            throw ValidationError("chrF character order must be in 1...\(CHRF.maxCharOrder)")
        }
        guard (0...CHRF.maxWordOrder).contains(chrfWordOrder) else {
            throw ValidationError("chrF word order must be in 0...\(CHRF.maxWordOrder)")
        }
        guard width >= 0 else { throw ValidationError("width must not be negative") }
        guard !(sentenceLevel && metrics.count > 1) else {
            throw ValidationError("only one metric can be used in sentence-level mode")
        }
        guard !(pairedAr && pairedBs) else {
            throw ValidationError("--paired-bs is not allowed with --paired-ar")
        }
    }

    mutating func run() throws {
        let metricList = try metrics.map { name -> Metric in
            guard let metric = Metric(rawValue: name.lowercased()) else { throw EvaluationError.unknownMetric(name) }
            return metric
        }
        let settings = MetricSettings(
            bleu: BLEU.Options(tokenize: try Tokenization(name: tokenize), lowercase: lowercase,
                               smoothing: try BLEU.Smoothing(name: smoothMethod, value: smoothValue), effectiveOrder: sentenceLevel),
            chrf: CHRF.Options(charOrder: chrfCharOrder, wordOrder: chrfWordOrder, beta: chrfBeta, lowercase: chrfLowercase,
                               whitespace: chrfWhitespace, epsSmoothing: chrfEpsSmoothing),
            ter: TER.Options(normalized: terNormalized, noPunct: terNoPunct, asianSupport: terAsianSupport,
                             caseSensitive: terCaseSensitive))
        guard !references.isEmpty else { throw EvaluationError.noReferences }
        let refs = try references.map { try TextLines.read(file: $0) }
        let systems = try readSystems(references: refs)

        let json = (Self.environmentFormat ?? format) == "json"
        let report = Report(width: width, scoreOnly: scoreOnly, short: short)
        if sentenceLevel {
            let lines = try settings.sentenceLines(metricList[0], hypotheses: systems[0].lines, references: refs, report: report)
            print(lines.joined(separator: "\n"))
        } else if systems.count > 1 {
            print(try systemsReport(systems, references: refs, metrics: metricList.map(settings.resampling), json: json))
        } else {
            // sacreBLEU prints metrics sorted by their upper-case names (BLEU, CHRF, TER).
            let sorted = Set(metricList).sorted(by: { $0.rawValue < $1.rawValue })
            if confidence && confidenceN > 1 {
                print(try confidenceReport(systems[0].lines, references: refs, metrics: sorted.map(settings.resampling),
                                           report: report, json: json))
            } else {
                let results = try sorted.map {
                    try settings.corpusLine($0, hypotheses: systems[0].lines, references: refs, report: report, json: json)
                }
                print(report.combine(results, json: json))
            }
        }
    }

    /// sacreBLEU lets `SACREBLEU_FORMAT` override `--format` when it names a valid format.
    private static var environmentFormat: String? {
        guard let raw = getenv("SACREBLEU_FORMAT") else { return nil }
        let value = String(cString: raw).lowercased()
        return ["json", "text"].contains(value) ? value : nil
    }

    enum Metric: String {
        case bleu, chrf, ter
    }

    /// sacreBLEU's colours: kept on a terminal unless `NO_COLOR` (non-empty) or `--no-color`.
    var colors: Bool {
        let noColorVariable = getenv("NO_COLOR").map { String(cString: $0) } ?? ""
        return !noColor && noColorVariable.isEmpty && isatty(STDOUT_FILENO) == 1
    }

    /// Exit statuses, as sacreBLEU's: 2 for a wrong command line (argparse's usage error),
    /// 1 for bad input (a file that cannot be read, line counts that differ, …).
    enum Status {
        static let badInput: Int32 = 1
        static let usage: Int32 = 2
    }

    /// Parses sacreBLEU-style arguments and turns every failure into one `bleu: error:` line.
    static func main() {
        do {
            var command = try parseAsRoot(ArgumentAliases.expand(Array(CommandLine.arguments.dropFirst())))
            try command.run()
            if let bleu = command as? BleuCommand, bleu.colors { print(TerminalColor.reset, terminator: "") }
        } catch let error as EvaluationError {
            fail(error.errorDescription ?? "\(error)", status: error.isUsageError ? Status.usage : Status.badInput)
        } catch {
            // Help and version requests exit successfully through ArgumentParser.
            if exitCode(for: error) == .success { exit(withError: error) }
            let message = Self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            // ArgumentParser's own errors are about the command line.
            fail(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message, status: Status.usage)
        }
    }

    private static func fail(_ message: String, status: Int32) -> Never {
        var line = "bleu: error: \(message)\n"
        line.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
        Glibc.exit(status)
    }
}

/// The three metrics' options from the command line, and what each report needs of them.
struct MetricSettings {
    var bleu: BLEU.Options
    var chrf: CHRF.Options
    var ter: TER.Options

    /// One line per hypothesis (sacreBLEU's --sentence-level).
    func sentenceLines(_ metric: BleuCommand.Metric, hypotheses: TextLines, references: [TextLines], report: Report) throws -> [String] {
        switch metric {
        case .bleu:
            let signature = BLEU.signature(options: bleu, referenceCount: references.count)
            return try BLEU.sentenceScores(hypotheses: hypotheses, references: references, options: bleu).map { report.line($0, signature) }
        case .chrf:
            let signature = CHRF.signature(options: chrf, referenceCount: references.count)
            return try CHRF.sentenceScores(hypotheses: hypotheses, references: references, options: chrf).map { report.line($0, signature) }
        case .ter:
            let signature = TER.signature(options: ter, referenceCount: references.count)
            return try TER.sentenceScores(hypotheses: hypotheses, references: references, options: ter).map { report.line($0, signature) }
        }
    }

    /// The corpus score's line (or JSON object).
    func corpusLine(_ metric: BleuCommand.Metric, hypotheses: TextLines, references: [TextLines], report: Report, json: Bool) throws -> String {
        switch metric {
        case .bleu:
            let score = try BLEU.corpusScore(hypotheses: hypotheses, references: references, options: bleu)
            return report.corpus(score, BLEU.signature(options: bleu, referenceCount: references.count), json: json)
        case .chrf:
            let score = try CHRF.corpusScore(hypotheses: hypotheses, references: references, options: chrf)
            return report.corpus(score, CHRF.signature(options: chrf, referenceCount: references.count), json: json)
        case .ter:
            let score = try TER.corpusScore(hypotheses: hypotheses, references: references, options: ter)
            return report.corpus(score, TER.signature(options: ter, referenceCount: references.count), json: json)
        }
    }

    /// The metric for the significance tests and confidence intervals.
    func resampling(_ metric: BleuCommand.Metric) -> ResamplingMetric {
        switch metric {
        case .bleu: .bleu(bleu)
        case .chrf: .chrf(chrf)
        case .ter: .ter(ter)
        }
    }
}
