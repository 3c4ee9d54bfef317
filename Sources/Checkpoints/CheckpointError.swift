import Foundation

public enum CheckpointError: Error, LocalizedError, Equatable {
    case missingFile(String)
    case missingDirectory(String)
    case corrupt(file: String, reason: String)
    /// config.json's `format` is one this build does not know (a newer nmt wrote it).
    case newerFormat(file: String, found: Int, newest: Int)
    case outputHoldsRun(String)
    /// A new checkpoint's directory exists already.
    case outputExists(String)
    case incompatible(first: String, second: String, reason: String)
    case nothingToAverage
    /// Fewer update checkpoints than asked for, counting only those at or below `upperBound`
    /// and at multiples of `multipleOf` when given.
    case tooFewCheckpoints(run: String, wanted: Int, found: Int, upperBound: Int? = nil, multipleOf: Int? = nil)

    public var errorDescription: String? {
        switch self {
        case .missingFile(let path): "checkpoint file \(path) is missing"
        case .missingDirectory(let path): "\(path) is not a checkpoint directory (expected model.safetensors, config.json and sentencepiece.model inside)"
        case let .corrupt(file, reason): "checkpoint file \(file) is corrupt: \(reason)"
        case let .newerFormat(file, found, newest):
            "\(file) has checkpoint format \(found), newer than this nmt reads (formats 1 to \(newest)); use a newer nmt"
        case .outputExists(let path): "\(path) already exists; name a new directory"
        case .outputHoldsRun(let path): "\(path) already holds a training run; pass --resume to continue it or --overwrite to replace it"
        case let .incompatible(first, second, reason): "cannot average \(first) and \(second): \(reason)"
        case .nothingToAverage: "no checkpoints to average"
        case let .tooFewCheckpoints(run, wanted, found, upperBound, multipleOf):
            "\(run) has \(found) update checkpoints"
                + (upperBound.map { " at or below update \($0)" } ?? "")
                + (multipleOf.map { " at multiples of \($0) updates" } ?? "")
                + ", fewer than the \(wanted) asked for"
        }
    }
}
