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

    /// Writes the tokenized form of `line` to `out` (cleared first); tokens are then the
    /// Python-whitespace-separated pieces of `out`. `scratch` is reused working memory.
    func tokenize(_ line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], scratch: inout Scratch) {
        out.removeAll(keepingCapacity: true)
        switch self {
        case .thirteenA: Tokenizer13a.tokenize(line, into: &out, scratch: &scratch)
        case .intl: TokenizerIntl.tokenize(line, into: &out, scratch: &scratch)
        case .char: TokenizerChar.tokenize(line, into: &out)
        case .none: out.append(contentsOf: line)
        }
    }

    /// Working buffers reused across lines so that tokenizing allocates nothing per line.
    struct Scratch {
        var a: [UInt8] = []
        var b: [UInt8] = []
        var scalars: [UInt32] = []
        var scalars2: [UInt32] = []
    }
}

extension Tokenization {
    /// The tokenized line as sacreBLEU's tokenizer returns it: tokens joined by one space.
    public func callAsFunction(_ line: String) -> String {
        var out: [UInt8] = [], scratch = Scratch()
        var bytes = Array(line.utf8)
        bytes.withUnsafeBufferPointer { tokenize($0, into: &out, scratch: &scratch) }
        bytes.removeAll(keepingCapacity: true)
        out.withUnsafeBufferPointer { p in
            var i = 0, start = -1
            func flush(_ end: Int) {
                if start >= 0 {
                    if !bytes.isEmpty { bytes.append(0x20) }
                    bytes.append(contentsOf: p[start..<end])
                    start = -1
                }
            }
            while i < p.count {
                let w = UTF8Text.whitespaceLength(p, at: i)
                if w > 0 { flush(i); i += w } else { if start < 0 { start = i }; i += 1 }
            }
            flush(p.count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
