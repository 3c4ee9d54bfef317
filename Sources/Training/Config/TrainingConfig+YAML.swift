import Foundation
import Yams

extension TrainingConfig {
    /// Reads a YAML mapping of config keys (nested mappings are flattened, so a file may
    /// group keys under headings such as `model:`). Unknown keys and bad values are errors
    /// naming the file and the key.
    public static func load(yamlFile path: String, onto base: TrainingConfig = TrainingConfig()) throws -> TrainingConfig {
        try loadGivingKeys(yamlFile: path, onto: base).config
    }

    /// Reads YAML text as `load(yamlFile:onto:)` reads a file; `source` names it in errors.
    public static func load(yaml text: String, source: String, onto base: TrainingConfig = TrainingConfig()) throws -> TrainingConfig {
        try loadGivingKeys(yaml: text, source: source, onto: base).config
    }

    /// `load(yamlFile:onto:)`, and the keys the file sets (snake_case): a fine-tuning run
    /// refuses an architecture key given explicitly that its checkpoint contradicts.
    public static func loadGivingKeys(yamlFile path: String, onto base: TrainingConfig = TrainingConfig()) throws
        -> (config: TrainingConfig, given: Set<String>) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError.unreadable(path: path, reason: error.localizedDescription)
        }
        return try loadGivingKeys(yaml: text, source: path, onto: base)
    }

    static func loadGivingKeys(yaml text: String, source: String, onto base: TrainingConfig) throws
        -> (config: TrainingConfig, given: Set<String>) {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw ConfigError.unreadable(path: source, reason: "not valid YAML: \(error)")
        }
        var config = base
        guard let root = node else { return (config, []) }
        guard case .mapping(let mapping) = root else {
            throw ConfigError.unreadable(path: source, reason: "the top level must be a mapping of keys to values")
        }
        var given: Set<String> = []
        try apply(mapping, to: &config, given: &given, source: source)
        try requireOneCorpusForm(given: given, source: source)
        return (config, given)
    }

    private static func apply(_ mapping: Node.Mapping, to config: inout TrainingConfig, given: inout Set<String>,
                              source: String) throws {
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else { throw ConfigError.unreadable(path: source, reason: "a key is not a string") }
            switch valueNode {
            case .mapping(let nested):
                try apply(nested, to: &config, given: &given, source: source)
            case .scalar(let scalar):
                try config.set(key, to: scalar.string, source: source)
                given.insert(key.replacingOccurrences(of: "-", with: "_"))
            case .sequence(let sequence) where key == "corpora":
                config.corpora = try TrainingCorpus.list(from: sequence, source: source)
                config.trainSrc = nil; config.trainTgt = nil; config.trainTsv = nil
                given.insert(key)
            case .sequence:
                throw ConfigError.invalidValue(key: key, value: "a list", allowed: TrainingConfig.key(named: key)?.allowed ?? "a single value")
            }
        }
    }
}
