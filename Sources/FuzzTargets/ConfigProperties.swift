import Checkpoints
import Foundation
import Training
import Transformer

/// Properties of the config readers: a checkpoint's config.json and the YAML configs.
enum ConfigProperties {
    /// Refusals are `CheckpointError`s; an accepted config has no problems and a
    /// parameter count that fits an `Int` (so that building the model cannot overflow).
    static func checkModelConfig(_ bytes: [UInt8]) throws {
        guard let config = try refusedOrParsed(CheckpointError.self, {
            try CheckpointConfig<TrainingSection>.decode(Data(bytes), source: "<fuzz>/config.json").model
        }) else { return }
        try require(config.problems().isEmpty, "an accepted config has problems: \(config.problems())")
        let count = ParameterTable.transformer(config).entries.reduce(0) { $0 + $1.shape.count }
        try require(count > 0, "an accepted config has \(count) parameters")
    }

    /// Refusals are `ConfigError`s. Applying an accepted text again onto its own result
    /// changes nothing, and the config survives the JSON round trip of a checkpoint's
    /// config.json (so no accepted value is NaN or infinite).
    static func checkYAML(_ bytes: [UInt8]) throws {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        guard let config = try refusedOrParsed(ConfigError.self, {
            try TrainingConfig.load(yaml: text, source: "<fuzz>.yaml")
        }) else { return }
        let again: TrainingConfig
        do { again = try TrainingConfig.load(yaml: text, source: "<fuzz>.yaml", onto: config) } catch {
            throw PropertyViolation("an accepted config was refused when applied a second time: \(error)")
        }
        try require(again == config, "applying an accepted config twice changed it")
        let decoded: TrainingConfig
        do {
            decoded = try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(config))
        } catch {
            throw PropertyViolation("an accepted config does not survive JSON: \(error)")
        }
        try require(decoded == config, "an accepted config changed in the JSON round trip")
    }
}
