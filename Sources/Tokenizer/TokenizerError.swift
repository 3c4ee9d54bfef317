import Foundation

/// Bad input to a checkpoint's tokenizer other than SentencePiece's own failures: a
/// vocabulary file that does not parse or disagrees with its models, a target language
/// the model does not have.
public enum TokenizerError: Error, Equatable, LocalizedError {
    /// A vocab.json that is not a JSON object of pieces to distinct ids 0..<n.
    case invalidVocabulary(file: String, reason: String)
    /// A multilingual model translated without `--target-language`.
    case missingTargetLanguage(known: [String])
    /// A target language the model has no `>>xx<<` token for.
    case unknownTargetLanguage(String, known: [String])

    public var errorDescription: String? {
        switch self {
        case let .invalidVocabulary(file, reason):
            "\(file): not a usable vocabulary: \(reason)"
        case .missingTargetLanguage(let known):
            "this model translates into several languages; name one with --target-language (one of \(known.joined(separator: ", ")))"
        case let .unknownTargetLanguage(code, known) where known.isEmpty:
            "--target-language \(code): this model has no target-language tokens (>>xx<<); translate without --target-language"
        case let .unknownTargetLanguage(code, known):
            "--target-language \(code): the model has no >>\(code)<< token; its target languages are \(known.joined(separator: ", "))"
        }
    }
}
