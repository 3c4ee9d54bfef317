/// The version written into signatures. The scores are those of sacreBLEU 2.6.0, whose
/// behaviour this module ports, so the signature says so: output stays byte-identical to
/// sacreBLEU's and a reader knows which implementation's numbers to expect.
public let sacreBLEUVersion = "2.6.0"

/// sacreBLEU's reproducibility signature, e.g.
/// `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`.
public struct Signature: Equatable, Sendable {
    /// The fields in print order (`version` last, as sacreBLEU prints it).
    public let fields: [(key: String, value: String)]
    /// The metric's own short keys where they differ from the shared ones (TER's `tok` is
    /// `t`, BLEU's stays `tok`), as each sacreBLEU `Signature` subclass updates `_abbr`.
    private let abbreviations: [String: String]

    public static func == (a: Signature, b: Signature) -> Bool {
        a.fields.map(\.key) == b.fields.map(\.key) && a.fields.map(\.value) == b.fields.map(\.value)
            && a.abbreviations == b.abbreviations
    }

    init(referenceCount: Int, _ metricFields: [(key: String, value: String)], abbreviations: [String: String] = [:]) {
        fields = [("nrefs", String(referenceCount))] + metricFields + [("version", sacreBLEUVersion)]
        self.abbreviations = abbreviations
    }

    private init(fields: [(key: String, value: String)], abbreviations: [String: String]) {
        self.fields = fields
        self.abbreviations = abbreviations
    }

    /// The signature of a statistical test: the number of bootstrap resamples (`bs`) and of
    /// randomization trials (`ar`) and the seed (`seed`, short `rs`), each only when given,
    /// placed after `nrefs` as sacreBLEU orders them.
    public func adding(bootstrap: Int? = nil, trials: Int? = nil, seed: String? = nil) -> Signature {
        let test: [(key: String, value: String)] = [("bs", bootstrap.map(String.init)), ("ar", trials.map(String.init)),
                                                    ("seed", seed)].compactMap { key, value in value.map { (key, $0) } }
        return Signature(fields: [fields[0]] + test + fields.dropFirst(), abbreviations: abbreviations)
    }

    /// `key:value` pairs joined by `|`; `short` uses sacreBLEU's abbreviations (`--short`).
    public func format(short: Bool = false) -> String {
        fields.map { "\(short ? abbreviations[$0.key] ?? Self.abbreviation($0.key) : $0.key):\($0.value)" }.joined(separator: "|")
    }

    private static func abbreviation(_ key: String) -> String {
        switch key {
        case "version": return "v"
        case "nrefs": return "#"
        case "case": return "c"
        case "eff": return "e"
        case "smooth", "space": return "s"
        case "seed": return "rs"
        default: return key
        }
    }
}

/// What every metric score can print, in sacreBLEU's `Score.format` layouts.
public protocol MetricScore: Sendable {
    /// The metric's printed name (`BLEU`, `chrF2`, `chrF2++`).
    var name: String { get }
    /// The score in [0, 100].
    var score: Double { get }
    /// Text printed after the score (BLEU's precisions and lengths), or "".
    var verbose: String { get }
}

extension MetricScore {
    /// The score line `NAME|SIGNATURE = SCORE VERBOSE` (`NAME = …` without a signature), the
    /// bare score when `scoreOnly`, or sacreBLEU's JSON object when `json`.
    /// - Parameters:
    ///   - width: decimals of the score (sacreBLEU's `--width`).
    ///   - confidence: a bootstrap mean and interval (`--confidence`), printed after the score
    ///     as `(μ = MEAN ± CI)` when the mean is positive, as sacreBLEU does.
    ///   - colors: draw the interval in cyan, as sacreBLEU does on a terminal.
    public func formatted(width: Int = 2, signature: Signature? = nil, short: Bool = false,
                          scoreOnly: Bool = false, json: Bool = false,
                          confidence: (mean: Double, ci: Double)? = nil, colors: Bool = false) -> String {
        var sc = PythonFormat.fixed(score, width)
        var pairs: [(String, String)] = [
            ("name", PythonFormat.jsonString(name)),
            ("score", PythonFormat.repr(Double(sc)!)),
            ("signature", PythonFormat.jsonString(signature?.format() ?? "")),
        ]
        if let confidence, confidence.mean > 0 {
            let mean = PythonFormat.fixed(confidence.mean, width), ci = PythonFormat.fixed(confidence.ci, width)
            let text = "μ = \(mean) ± \(ci)"
            sc += " " + TerminalColor.cyan.wrap("(\(text))", colors && !json)
            pairs += [("confidence_mean", PythonFormat.repr(Double(mean)!)),
                      ("confidence_var", PythonFormat.repr(Double(ci)!)),
                      ("confidence", PythonFormat.jsonString(text))]
        }
        if scoreOnly { return sc }
        if json {
            if !verbose.isEmpty { pairs.append(("verbose_score", PythonFormat.jsonString(verbose))) }
            for field in signature?.fields ?? [] {
                pairs.append((field.key, PythonFormat.jsonString(field.value)))
            }
            return "{\n" + pairs.map { " \(PythonFormat.jsonString($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}"
        }
        var line = name
        if let signature { line += "|" + signature.format(short: short) }
        line += " = " + sc
        if !verbose.isEmpty { line += " " + verbose }
        return line
    }
}
