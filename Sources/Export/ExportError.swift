import Foundation

public enum ExportError: Error, LocalizedError, Equatable {
    /// A value the target format cannot hold (a name, a dimension, a size).
    case notRepresentable(String)
    /// A model.bin or zip that does not parse.
    case malformed(file: String, reason: String)
    /// A checkpoint the target format cannot express.
    case unsupported(checkpoint: String, reason: String)
    case outputExists(String)
    /// A language code with no known name and none given.
    case unknownLanguage(String)

    public var errorDescription: String? {
        switch self {
        case .notRepresentable(let what): "cannot export: \(what)"
        case let .malformed(file, reason): "\(file) is malformed: \(reason)"
        case let .unsupported(checkpoint, reason): "cannot export \(checkpoint): \(reason)"
        case .outputExists(let path): "\(path) already exists; name a new output"
        case .unknownLanguage(let code): "no language name is known for code '\(code)'; give it with --from-name or --to-name"
        }
    }
}
