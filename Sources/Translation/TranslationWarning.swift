/// Something `Translator` changed in its input to be able to translate it.
public enum TranslationWarning: Equatable, Sendable, CustomStringConvertible {
    /// Source sentence `sentence` had `length` ids; only the first `kept` were translated,
    /// so that with eos it fits the model's positions.
    case sourceTruncated(sentence: Int, length: Int, kept: Int)

    public var description: String {
        switch self {
        case let .sourceTruncated(sentence, length, kept):
            "sentence \(sentence): source of \(length) tokens truncated to \(kept) (the model's max_positions with eos)"
        }
    }
}
