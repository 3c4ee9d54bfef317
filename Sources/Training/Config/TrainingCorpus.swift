import Foundation
import Tokenizer
import Yams

/// One training corpus of several (the config's `corpora` list, OpenNMT-py's `data:`
/// entries): its files, its sampling weight and an optional target-language tag.
///
/// ```yaml
/// corpora:
///   - {name: bible, src: bible.es, tgt: bible.en, weight: 1}
///   - {name: help, tsv: help.tsv.gz, weight: 3, target_language: de}
/// ```
public struct TrainingCorpus: Codable, Equatable, Sendable {
    /// How the log names the corpus (default: `corpus1`, `corpus2`, … by position).
    public var name: String
    public var src: String?
    public var tgt: String?
    public var tsv: String?
    /// The corpus' share of each epoch's pairs is weight / Σ weights (`CorpusMix`).
    public var weight: Double = 1
    /// When set, every source sentence of the corpus starts with this language's tag
    /// (`TargetLanguageTag`, `>>xx<<`).
    public var targetLanguage: String?

    public init(name: String, files: CorpusFiles, weight: Double = 1, targetLanguage: String? = nil) {
        self.name = name
        switch files {
        case let .aligned(source, target): (src, tgt) = (source, target)
        case let .tabSeparated(path): tsv = path
        }
        self.weight = weight
        self.targetLanguage = targetLanguage
    }

    /// The corpus' files: `tsv`, or `src` and `tgt`.
    public var files: CorpusFiles {
        if let tsv { return .tabSeparated(tsv) }
        return .aligned(source: src ?? "", target: tgt ?? "")
    }

    /// The tag its source sentences start with, if any.
    public var tag: TargetLanguageTag? {
        // Checked when the config was read.
        targetLanguage.flatMap { try? TargetLanguageTag(language: $0) }
    }

    /// The keys a corpus entry may have.
    static let keys = ["name", "src", "tgt", "tsv", "weight", "target_language"]

    /// Reads the `corpora` list of a YAML config; errors name the key as `corpora[N].key`
    /// (N counted from 1) and what is expected.
    static func list(from sequence: Node.Sequence, source: String) throws -> [TrainingCorpus] {
        guard !sequence.isEmpty else { throw ConfigError.invalidValue(key: "corpora", value: "an empty list", allowed: allowedList) }
        let corpora = try sequence.enumerated().map { i, node in try entry(node, number: i + 1, source: source) }
        var names: Set<String> = []
        for corpus in corpora where !names.insert(corpus.name).inserted {
            throw ConfigError.invalidValue(key: "corpora", value: "two corpora named \(corpus.name)", allowed: "distinct names")
        }
        return corpora
    }

    static let allowedList = "a list of corpora, each with src and tgt (or tsv), and optionally name, weight, target_language"

    private static func entry(_ node: Node, number: Int, source: String) throws -> TrainingCorpus {
        let prefix = "corpora[\(number)]"
        guard case .mapping(let mapping) = node else {
            throw ConfigError.invalidValue(key: prefix, value: node.string ?? "a list", allowed: allowedList)
        }
        var values: [String: String] = [:]
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string?.replacingOccurrences(of: "-", with: "_") else {
                throw ConfigError.unreadable(path: source, reason: "a key of \(prefix) is not a string")
            }
            guard keys.contains(key) else { throw ConfigError.unknownKey("\(prefix).\(key)", source: source) }
            guard case .scalar(let scalar) = valueNode, !scalar.string.isEmpty else {
                throw ConfigError.invalidValue(key: "\(prefix).\(key)", value: valueNode.string ?? "not a single value",
                                               allowed: key == "weight" ? "a number > 0" : "a non-empty single value")
            }
            values[key] = scalar.string
        }
        return try corpus(values, prefix: prefix, number: number)
    }

    private static func corpus(_ values: [String: String], prefix: String, number: Int) throws -> TrainingCorpus {
        let files: CorpusFiles
        switch (values["src"], values["tgt"], values["tsv"]) {
        case let (nil, nil, tsv?): files = .tabSeparated(tsv)
        case let (src?, tgt?, nil): files = .aligned(source: src, target: tgt)
        case (_, _, _?): throw ConfigError.conflicting("\(prefix) gives both tsv and src/tgt; give one")
        case (nil, _, nil): throw ConfigError.missing(key: "\(prefix).src (or \(prefix).tsv)")
        case (_, nil, nil): throw ConfigError.missing(key: "\(prefix).tgt")
        }
        var weight = 1.0
        if let text = values["weight"] {
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0 else {
                throw ConfigError.invalidValue(key: "\(prefix).weight", value: text, allowed: "a number > 0")
            }
            weight = value
        }
        if let language = values["target_language"] {
            do { _ = try TargetLanguageTag(language: language) } catch {
                throw ConfigError.invalidValue(key: "\(prefix).target_language", value: language,
                                               allowed: "a language code: 2 or 3 ASCII letters with optional _ or - subtags (e.g. de, fra, pt_br)")
            }
        }
        return TrainingCorpus(name: values["name"] ?? "corpus\(number)", files: files, weight: weight,
                              targetLanguage: values["target_language"])
    }
}

extension TrainingConfig {
    /// The training corpora: the `corpora` list, or the one corpus of train_src/train_tgt
    /// (or train_tsv) with weight 1 and no tag.
    public func trainingCorpora() throws -> [TrainingCorpus] {
        if let corpora { return corpora }
        return [TrainingCorpus(name: "train", files: try corpusFiles(.train))]
    }

    /// The target-language tags of the training corpora, each once, sorted (the
    /// user-defined symbols of a SentencePiece model trained for the run).
    public func targetLanguageTags() throws -> [TargetLanguageTag] {
        var tags = Set(try trainingCorpora().compactMap(\.tag))
        if let language = validTargetLanguage { tags.insert(try TargetLanguageTag(language: language)) }
        return tags.sorted()
    }
}
