import Foundation

/// What went wrong while training, loading or using a SentencePiece model. Messages name
/// the file and quote SentencePiece's own message. Text input that cannot be read or is
/// not UTF-8 is a `FileIOError` (naming the file and line), thrown where it is read.
public enum SentencePieceError: Error, Equatable, LocalizedError {
    /// A model file that does not exist.
    case modelNotFound(path: String)
    /// A file or byte string that SentencePiece cannot load as a model.
    case invalidModel(source: String, reason: String)
    /// Training inputs that contain no non-empty line.
    case emptyCorpus(paths: [String])
    /// A training option that SentencePiece would reject or misread.
    case invalidOption(String)
    /// SentencePiece refused to train, e.g. a vocabulary larger than the corpus supports.
    case trainingFailed(paths: [String], reason: String)
    /// SentencePiece failed to encode or decode.
    case codingFailed(reason: String)
    /// A line of ids that does not parse (lines are numbered from 1).
    case invalidIDs(source: String, line: Int, reason: String)
    /// A model or vocabulary file that could not be written.
    case writeFailed(path: String, reason: String)
    /// A model whose special ids are not pad 0, unk 1, bos 2, eos 3 (-1: absent).
    case specialIDsDiffer(source: String, found: [String: Int32])

    public var errorDescription: String? {
        switch self {
        case .modelNotFound(let path):
            return "\(path): no such SentencePiece model file"
        case .invalidModel(let source, let reason):
            return "\(source): not a valid SentencePiece model (\(reason))"
        case .emptyCorpus(let paths):
            return "\(paths.joined(separator: ", ")): the training corpus has no non-empty line"
        case .invalidOption(let message):
            return message
        case .trainingFailed(let paths, let reason):
            return "\(paths.joined(separator: ", ")): SentencePiece training failed (\(reason))"
        case .codingFailed(let reason):
            return "SentencePiece failed: \(reason)"
        case .invalidIDs(let source, let line, let reason):
            return "\(source):\(line): \(reason)"
        case .writeFailed(let path, let reason):
            return "\(path): cannot write (\(reason))"
        case .specialIDsDiffer(let source, let found):
            let ids = ["pad", "unk", "bos", "eos"].map { "\($0) \(found[$0] ?? -1)" }.joined(separator: ", ")
            return "\(source): the model's special ids are \(ids); nmt needs pad 0, unk 1, bos 2, eos 3. "
                + "Train the model with `nmt tokenizer train`, or with spm_train --pad_id=0 --unk_id=1 --bos_id=2 --eos_id=3"
        }
    }
}
