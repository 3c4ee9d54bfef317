/// Config keys given on `nmt train`'s command line, applied over a config.
///
/// Every key is a flag with dashes (`--max-tokens 4096` or `--max-tokens=4096`). A
/// true/false key is also a plain switch (`--no-epoch-checkpoints`), and fairseq's switches
/// for the model's shape are accepted under fairseq's names:
/// `--share-all-embeddings`, `--share-decoder-input-output-embed`,
/// `--encoder-normalize-before` and `--decoder-normalize-before` (fairseq normalizes the
/// encoder and the decoder separately; this model does both alike, so either switch needs
/// the other).
public enum CommandLineSettings {
    /// fairseq's switches and the config key and value each sets.
    static let fairseqSwitches: [String: (key: String, value: String)] = [
        "share-all-embeddings": ("share_embeddings", "all"),
        "share-decoder-input-output-embed": ("share_embeddings", "decoder-input-output"),
        "encoder-normalize-before": ("normalize_before", "true"),
        "decoder-normalize-before": ("normalize_before", "true"),
    ]

    /// Applies `arguments` (everything after `nmt train`'s own options) onto `config`.
    /// Returns the keys given (snake_case).
    /// - Throws: `CommandLineError` for a malformed command line, `ConfigError` for an
    ///   unknown key or a bad value.
    @discardableResult
    public static func apply(_ arguments: [String], to config: inout TrainingConfig) throws -> Set<String> {
        var i = 0
        var normalizeBeforeSwitches: Set<String> = []
        var keysGiven: Set<String> = []
        while i < arguments.count {
            let flag = arguments[i]
            guard flag.hasPrefix("--") else { throw CommandLineError.unexpectedArgument(flag) }
            var name = String(flag.dropFirst(2))
            var value: String
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
                i += 1
            } else if let fairseq = fairseqSwitches[name] {
                if fairseq.key == "normalize_before" { normalizeBeforeSwitches.insert(name) }
                name = fairseq.key
                value = fairseq.value
                i += 1
            } else if TrainingConfig.key(named: name)?.isBoolean == true,
                      i + 1 == arguments.count || arguments[i + 1].hasPrefix("--") {
                value = "true"
                i += 1
            } else {
                guard i + 1 < arguments.count else { throw CommandLineError.missingValue(flag) }
                value = arguments[i + 1]
                i += 2
            }
            try config.set(name, to: value, source: "command line")
            keysGiven.insert(name.replacingOccurrences(of: "-", with: "_"))
        }
        try TrainingConfig.requireOneCorpusForm(given: keysGiven, source: "the command line")
        if normalizeBeforeSwitches.count == 1, let given = normalizeBeforeSwitches.first {
            let other = given == "encoder-normalize-before" ? "decoder-normalize-before" : "encoder-normalize-before"
            throw CommandLineError.unsupportedSwitch(
                "--\(given) alone: this model normalizes the encoder and the decoder alike; give --\(other) too (or --normalize-before)")
        }
        return keysGiven
    }
}

/// A malformed `nmt train` command line.
public enum CommandLineError: Error, Equatable, CustomStringConvertible {
    case unexpectedArgument(String)
    case missingValue(String)
    case unsupportedSwitch(String)

    public var description: String {
        switch self {
        case .unexpectedArgument(let argument): "unexpected argument '\(argument)'"
        case .missingValue(let flag): "\(flag) needs a value"
        case .unsupportedSwitch(let reason): reason
        }
    }
}
