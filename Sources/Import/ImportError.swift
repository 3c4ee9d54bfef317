import Foundation

/// Why a model directory cannot be imported. Every case names the file and, where there is
/// one, the key, tensor or piece, and what was expected.
public enum ImportError: Error, Equatable, LocalizedError {
    /// Files the directory must hold and does not.
    case missingFiles(directory: String, names: [String])
    /// Weights only as a PyTorch pickle (pytorch_model.bin), which nmt does not unpickle.
    case pickleWeights(file: String)
    /// A config value the model cannot honour, or one of the wrong type.
    case unsupportedConfig(file: String, key: String, value: String, reason: String)
    /// A tensor that is missing, unexpected or of the wrong shape.
    case tensor(file: String, name: String, reason: String)
    /// A vocab.json that disagrees with the SentencePiece models or the model.
    case vocabulary(file: String, reason: String)
    /// A file that is not what its name says (config.json that is not a JSON object, …).
    case malformed(file: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .missingFiles(directory, names):
            "\(directory) is not a Hugging Face MarianMT directory: it lacks \(names.joined(separator: ", "))"
        case .pickleWeights(let file):
            "\(file): the weights are a PyTorch pickle, which nmt does not read; convert them to model.safetensors first: "
                + Self.conversion(directory: URL(fileURLWithPath: file).deletingLastPathComponent().path)
        case let .unsupportedConfig(file, key, value, reason):
            "\(file): \(key) = \(value): \(reason)"
        case let .tensor(file, name, reason):
            "\(file): tensor \(name): \(reason)"
        case let .vocabulary(file, reason):
            "\(file): \(reason)"
        case let .malformed(file, reason):
            "\(file): \(reason)"
        }
    }

    /// The one line that rewrites a MarianMT directory's pickled weights as model.safetensors
    /// (transformers and torch installed).
    public static func conversion(directory: String) -> String {
        let quoted = directory.replacingOccurrences(of: "'", with: "\\'")
        return "python3 -c \"from transformers import MarianMTModel as M; "
            + "M.from_pretrained('\(quoted)').save_pretrained('\(quoted)', safe_serialization=True)\""
    }
}
