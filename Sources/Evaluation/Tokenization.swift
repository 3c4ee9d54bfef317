/// The tokenizers of sacreBLEU that need no external model, by their command-line names.
public enum Tokenization: String, CaseIterable, Sendable {
    /// mteval-v13a: WMT's standard tokenizer, the default.
    case thirteenA = "13a"
    /// mteval-v14 international: splits Unicode punctuation and symbols.
    case intl
    /// Every non-whitespace character is a token.
    case char
    /// Whitespace splitting only.
    case none

    /// Parses a command-line name.
    /// - Throws: `EvaluationError.unknownTokenizer`.
    public init(name: String) throws {
        guard let value = Tokenization(rawValue: name) else { throw EvaluationError.unknownTokenizer(name) }
        self = value
    }

    /// The tokenized form of `line`; tokens are its Python-whitespace-separated pieces. The
    /// result lives in `scratch` (or is `line` itself) and is valid until the next call.
    func tokenize(_ line: UnsafeBufferPointer<UInt8>, scratch: Scratch) -> UnsafeBufferPointer<UInt8> {
        switch self {
        case .thirteenA: return Tokenizer13a.tokenize(line, scratch: scratch)
        case .intl: return TokenizerIntl.tokenize(line, scratch: scratch)
        case .char: return TokenizerChar.tokenize(line, scratch: scratch)
        case .none: return line
        }
    }

    /// Working buffers reused across lines so that tokenizing allocates nothing per line.
    final class Scratch {
        let bytesA = UnitBuffer<UInt8>()
        let bytesB = UnitBuffer<UInt8>()
        let scalarsA = UnitBuffer<UInt32>()
        let scalarsB = UnitBuffer<UInt32>()
    }
}

extension Tokenization {
    /// The tokens BLEU sees in `line`, joined by one space: `" ".join(tokenizer(line).split())`
    /// in sacreBLEU (13a and intl return exactly this; char keeps whitespace runs).
    public func callAsFunction(_ line: String) -> String {
        let scratch = Scratch()
        let input = Array(line.utf8)
        return input.withUnsafeBufferPointer { source in
            let text = tokenize(source, scratch: scratch)
            var tokens: [String] = []
            UTF8Text.forEachToken(text) { tokens.append(String(decoding: UnsafeBufferPointer(rebasing: text[$0..<$1]), as: UTF8.self)) }
            return withExtendedLifetime(scratch) { tokens.joined(separator: " ") }
        }
    }
}
