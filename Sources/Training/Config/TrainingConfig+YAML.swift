import Foundation
import Yams

extension TrainingConfig {
    /// Reads a YAML mapping of config keys (nested mappings are flattened, so a file may
    /// group keys under headings such as `model:`). Unknown keys and bad values are errors
    /// naming the file and the key.
    public static func load(yamlFile path: String, onto base: TrainingConfig = TrainingConfig()) throws -> TrainingConfig {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError.unreadable(path: path, reason: error.localizedDescription)
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw ConfigError.unreadable(path: path, reason: "not valid YAML: \(error)")
        }
        var config = base
        guard let root = node else { return config }
        guard case .mapping(let mapping) = root else {
            throw ConfigError.unreadable(path: path, reason: "the top level must be a mapping of keys to values")
        }
        try apply(mapping, to: &config, source: path)
        return config
    }

    private static func apply(_ mapping: Node.Mapping, to config: inout TrainingConfig, source: String) throws {
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else { throw ConfigError.unreadable(path: source, reason: "a key is not a string") }
            switch valueNode {
            case .mapping(let nested):
                try apply(nested, to: &config, source: source)
            case .scalar(let scalar):
                try config.set(key, to: scalar.string, source: source)
            case .sequence:
                throw ConfigError.invalidValue(key: key, value: "a list", allowed: TrainingConfig.key(named: key)?.allowed ?? "a single value")
            }
        }
    }
}
