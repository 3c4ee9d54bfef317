/// sacreBLEU's `intl` tokenizer (mteval-v14 international) over code points, with the
/// Unicode general categories from `Unicode.Scalar.Properties`:
///   `(\P{N})(\p{P})` -> `\1 \2 `, `(\p{P})(\P{N})` -> ` \1 \2`, `(\p{S})` -> ` \1 `.
enum TokenizerIntl {
    /// Category classes the rules need.
    private struct Class: OptionSet {
        let rawValue: UInt8
        static let number = Class(rawValue: 1)
        static let punctuation = Class(rawValue: 2)
        static let symbol = Class(rawValue: 4)
    }

    private static let asciiClasses: [Class] = (0..<128).map { classify(UInt32($0)) }

    private static func classify(_ s: UInt32) -> Class {
        guard let scalar = Unicode.Scalar(s) else { return [] }
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return .punctuation
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return .symbol
        default:
            return []
        }
    }

    @inline(__always)
    private static func classOf(_ s: UInt32) -> Class { s < 128 ? asciiClasses[Int(s)] : classify(s) }

    static func tokenize(_ line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], scratch: inout Tokenization.Scratch) {
        var a = scratch.scalars, b = scratch.scalars2
        a.removeAll(keepingCapacity: true)
        UTF8Text.decodeAll(line, into: &a)
        substitutePairs(a, into: &b, first: { !classOf($0).contains(.number) }, second: { classOf($0).contains(.punctuation) },
              spaceBefore: false, spaceAfter: true)
        substitutePairs(b, into: &a, first: { classOf($0).contains(.punctuation) }, second: { !classOf($0).contains(.number) },
              spaceBefore: true, spaceAfter: false)
        for s in a {
            if classOf(s).contains(.symbol) {
                out.append(0x20); UTF8Text.encode(s, into: &out); out.append(0x20)
            } else {
                UTF8Text.encode(s, into: &out)
            }
        }
        scratch.scalars = a
        scratch.scalars2 = b
    }
}
