import Foundation

/// The files of a checkpoint directory: model.safetensors (weights),
/// training-state.safetensors (Adam moments and progress, read by Training only),
/// config.json (model and training config, special ids) and the SentencePiece model.
public enum CheckpointFiles {
    public static let model = "model.safetensors"
    public static let trainingState = "training-state.safetensors"
    public static let config = "config.json"
    public static let tokenizer = "sentencepiece.model"
}

public enum CheckpointError: Error, LocalizedError, Equatable {
    case missingFile(String)
    case missingDirectory(String)
    case corrupt(file: String, reason: String)
    case outputHoldsRun(String)
    case incompatible(first: String, second: String, reason: String)
    case nothingToAverage
    case tooFewCheckpoints(run: String, wanted: Int, found: Int)

    public var errorDescription: String? {
        switch self {
        case .missingFile(let path): "checkpoint file \(path) is missing"
        case .missingDirectory(let path): "\(path) is not a checkpoint directory (expected model.safetensors, config.json and sentencepiece.model inside)"
        case let .corrupt(file, reason): "checkpoint file \(file) is corrupt: \(reason)"
        case .outputHoldsRun(let path): "\(path) already holds a training run; pass --resume to continue it or --overwrite to replace it"
        case let .incompatible(first, second, reason): "cannot average \(first) and \(second): \(reason)"
        case .nothingToAverage: "no checkpoints to average"
        case let .tooFewCheckpoints(run, wanted, found): "\(run) has \(found) update checkpoints, fewer than the \(wanted) asked for"
        }
    }
}
