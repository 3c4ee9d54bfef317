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

    static func tokenize(_ line: UnsafeBufferPointer<UInt8>, scratch: Tokenization.Scratch) -> UnsafeBufferPointer<UInt8> {
        let a = scratch.scalarsA, b = scratch.scalarsB
        a.reserve(line.count)
        var i = 0
        while i < line.count {
            let (s, len) = UTF8Text.decode(line, at: i)
            a.base[a.count] = s
            a.count += 1
            i += len
        }
        substitutePairs(a.view, into: b, first: { !classOf($0).contains(.number) },
                        second: { classOf($0).contains(.punctuation) }, spaceBefore: false, spaceAfter: true)
        substitutePairs(b.view, into: a, first: { classOf($0).contains(.punctuation) },
                        second: { !classOf($0).contains(.number) }, spaceBefore: true, spaceAfter: false)
        // At most 4 bytes per code point plus the two spaces around a symbol.
        let result = scratch.bytesA
        result.reserve(6 * a.count)
        var k = 0
        for s in a.view {
            if classOf(s).contains(.symbol) {
                result.base[k] = 0x20
                k += 1 + UTF8Text.encode(s, to: result.base + k + 1)
                result.base[k] = 0x20
                k += 1
            } else {
                k += UTF8Text.encode(s, to: result.base + k)
            }
        }
        result.count = k
        return result.view
    }
}
