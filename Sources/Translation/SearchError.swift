import Foundation

/// Options or inputs that search cannot run with.
public enum SearchError: Error, LocalizedError, Equatable {
    case invalidBeam(Int)
    case invalidNBest(nbest: Int, beam: Int)
    case invalidLengthPenalty(Float)
    case negativeOption(name: String, value: String)
    case beamExceedsVocabulary(beam: Int, vocabularySize: Int)
    case invalidBatchSize(Int)
    case sentenceCountMismatch(sources: Int, targets: Int)
    /// An option outside its range: `name` as the flag is spelt, what it should be.
    case invalidOption(name: String, value: String, expected: String)
    /// Sentence `sentence`'s (0-based) target prefix has more tokens than its maximum length.
    case prefixTooLong(sentence: Int, tokens: Int, maxLength: Int)
    /// A target prefix holds an id that cannot be forced (outside the vocabulary, pad or eos).
    case invalidPrefixToken(sentence: Int, position: Int, id: Int32, vocabularySize: Int)
    case prefixCountMismatch(sources: Int, prefixes: Int)
    /// Alignments were asked of a scorer that gives no attention.
    case noAttention

    public var errorDescription: String? {
        switch self {
        case .invalidBeam(let beam): "beam size must be at least 1, got \(beam)"
        case let .invalidNBest(nbest, beam): "nbest must be between 1 and the beam size \(beam), got \(nbest)"
        case .invalidLengthPenalty(let lenpen): "length penalty must be a finite number, got \(lenpen)"
        case let .negativeOption(name, value): "\(name) must not be negative, got \(value)"
        case let .beamExceedsVocabulary(beam, size):
            "beam size \(beam) needs a target vocabulary of at least \(beam + 2) ids (beam + pad + eos), got \(size)"
        case .invalidBatchSize(let size): "batch size must be at least 1 sentence, got \(size)"
        case let .sentenceCountMismatch(sources, targets): "\(sources) source sentences but \(targets) targets"
        case let .invalidOption(name, value, expected): "\(name) must be \(expected), got \(value)"
        case let .prefixTooLong(sentence, tokens, maxLength):
            "the target prefix of sentence \(sentence + 1) has \(tokens) tokens, more than its maximum length \(maxLength) "
                + "(max-len-a · source tokens + max-len-b, within the model's positions)"
        case let .invalidPrefixToken(sentence, position, id, size):
            "the target prefix of sentence \(sentence + 1) has id \(id) at position \(position + 1); "
                + "expected an id in 0..<\(size) other than pad and eos"
        case let .prefixCountMismatch(sources, prefixes): "\(sources) source sentences but \(prefixes) target prefixes"
        case .noAttention: "alignments need a scorer that reports its attention over the source"
        }
    }
}
