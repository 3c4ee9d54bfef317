/// sacreBLEU 2.6.0's `TercomTokenizer` (sacrebleu/tokenizers/tokenizer_ter.py), itself a port
/// of tercom's Normalizer.java: lowercasing unless case-sensitive, then the optional
/// normalization (`--ter-normalized`), Asian-script handling (`--ter-asian-support`) and
/// punctuation removal (`--ter-no-punct`), over code points as Python's `re.sub` sees a `str`.
struct TercomTokenizer {
    let options: TER.Options

    /// sacreBLEU's `TER._preprocess_segment`: `tokenizer(sent.rstrip())`, as UTF-8 tokens
    /// joined by single spaces (the tokenizer's own `' '.join(sent.split())`).
    func preprocess(_ line: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let text = UnsafeBufferPointer(rebasing: line[0..<UTF8Text.rstrippedEnd(line)])
        // `if not sent: return ""`.
        guard !text.isEmpty else { return [] }
        var bytes: [UInt8] = []
        if options.caseSensitive {
            bytes.append(contentsOf: text)
        } else {
            Lowercase.apply(text, into: &bytes)
        }
        var s: [UInt32] = []
        bytes.withUnsafeBufferPointer { UTF8Text.decodeAll($0, into: &s) }
        if options.normalized {
            s = Self.normalizeGeneralAndWestern(s)
            if options.asianSupport { s = Self.normalizeAsian(s) }
        }
        if options.noPunct {
            s.removeAll(where: Self.isPunctuation)
            if options.asianSupport { s.removeAll { Self.isAsianPunctuation($0) || Self.isFullWidthPunctuation($0) } }
        }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var pendingSpace = false
        for c in s {
            if UTF8Text.isWhitespace(c) {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(0x20)
                pendingSpace = false
            }
            UTF8Text.encode(c, into: &out)
        }
        return out
    }

    /// `_normalize_general_and_western`, substitution by substitution: several of them look
    /// at the characters beside a match, so each pass sees the spaces the previous ones added.
    static func normalizeGeneralAndWestern(_ input: [UInt32]) -> [UInt32] {
        // Strip end-of-line hyphenation and join lines.
        var s = replacing(input, "\n-", "")
        s = replacing(s, "\n", " ")
        // XML-escaped symbols, in sacreBLEU's order: "&amp;lt;" becomes "<".
        s = replacing(s, "&quot;", "\"")
        s = replacing(s, "&amp;", "&")
        s = replacing(s, "&lt;", "<")
        s = replacing(s, "&gt;", ">")
        // f" {sent} ".
        s = [0x20] + s + [0x20]
        // ([{-~[-` -&(-+:-@/]) -> " \1 ": ASCII punctuation except ' , - . (and the space).
        var spaced: [UInt32] = []
        spaced.reserveCapacity(s.count * 2)
        for c in s {
            if isTercomPunctuation(c) {
                spaced.append(0x20)
                spaced.append(c)
                spaced.append(0x20)
            } else {
                spaced.append(c)
            }
        }
        // Possessives: "'s " -> " 's ", then "'s$" -> " 's". The padding above leaves a space
        // at the end, so the second never matches; it is kept as sacreBLEU has it.
        s = replacing(spaced, "'s ", " 's ")
        if s.count >= 2 && s[s.count - 2] == 0x27 && s[s.count - 1] == 0x73 {
            s.insert(0x20, at: s.count - 2)
        }
        // Period and comma unless preceded by a digit: ([^0-9])([\.,]) -> "\1 \2 ".
        s = substitutingPairs(s, first: { !isDigit($0) }, second: isPeriodOrComma, spaceBefore: false, spaceAfter: true)
        // Period and comma unless followed by a digit: ([\.,])([^0-9]) -> " \1 \2".
        s = substitutingPairs(s, first: isPeriodOrComma, second: { !isDigit($0) }, spaceBefore: true, spaceAfter: false)
        // Dash after a digit: ([0-9])(-) -> "\1 \2 ".
        s = substitutingPairs(s, first: isDigit, second: { $0 == 0x2D }, spaceBefore: false, spaceAfter: true)
        return s
    }

    /// `_normalize_asian`. Each of its substitutions puts spaces around single characters of
    /// its ranges, and only token boundaries survive the final split, so one pass over the
    /// union of the ranges gives the same tokens. Its three kana substitutions are anchored
    /// at the start of the string (`^` without MULTILINE, in the group and in the lookahead)
    /// while normalization always starts the string with a space, so they never match.
    static func normalizeAsian(_ s: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(s.count * 2)
        for c in s {
            if isAsianSplit(c) || isAsianPunctuation(c) || isFullWidthPunctuation(c) {
                out.append(0x20)
                out.append(c)
                out.append(0x20)
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// CJK ideographs (4E00–9FFF, 3400–4DBF), strokes (31C0–31EF), radicals (2E80–2EFF),
    /// compatibility characters, ideographs and forms (3300–33FF, F900–FAFF, FE30–FE4F) and
    /// sacreBLEU's "enclosed letters and months" range, which it writes as 3200–3F22.
    private static func isAsianSplit(_ c: UInt32) -> Bool {
        switch c {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x31C0...0x31EF, 0x2E80...0x2EFF,
             0x3300...0x33FF, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0x3200...0x3F22:
            return true
        default:
            return false
        }
    }

    /// `TercomTokenizer.ASIAN_PUNCT`.
    static func isAsianPunctuation(_ c: UInt32) -> Bool {
        switch c {
        case 0x3001, 0x3002, 0x3008...0x3011, 0x3014...0x301F, 0xFF61...0xFF65, 0x30FB: return true
        default: return false
        }
    }

    /// `TercomTokenizer.FULL_WIDTH_PUNCT`.
    static func isFullWidthPunctuation(_ c: UInt32) -> Bool {
        switch c {
        case 0xFF0E, 0xFF0C, 0xFF1F, 0xFF1A, 0xFF1B, 0xFF01, 0xFF02, 0xFF08, 0xFF09: return true
        default: return false
        }
    }

    /// `_remove_punct`'s class `[\.,\?:;!\"\(\)]`.
    static func isPunctuation(_ c: UInt32) -> Bool {
        switch c {
        case 0x2E, 0x2C, 0x3F, 0x3A, 0x3B, 0x21, 0x22, 0x28, 0x29: return true
        default: return false
        }
    }

    /// The class `[{-~[-` -&(-+:-@/]`: U+0020–0026, 0028–002B, 002F, 003A–0040, 005B–0060,
    /// 007B–007E.
    private static func isTercomPunctuation(_ c: UInt32) -> Bool {
        switch c {
        case 0x20...0x26, 0x28...0x2B, 0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: return false
        }
    }

    /// `[0-9]` in a `str` pattern: ASCII digits only.
    private static func isDigit(_ c: UInt32) -> Bool { c >= 0x30 && c <= 0x39 }

    private static func isPeriodOrComma(_ c: UInt32) -> Bool { c == 0x2E || c == 0x2C }

    /// `re.sub` of a literal pattern: matches taken left to right without overlap.
    static func replacing(_ s: [UInt32], _ pattern: String, _ replacement: String) -> [UInt32] {
        let p = pattern.unicodeScalars.map(\.value), r = replacement.unicodeScalars.map(\.value)
        var out: [UInt32] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if i + p.count <= s.count && s[i] == p[0] && s[i..<(i + p.count)].elementsEqual(p) {
                out.append(contentsOf: r)
                i += p.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    private static func substitutingPairs(_ s: [UInt32], first: (UInt32) -> Bool, second: (UInt32) -> Bool,
                                          spaceBefore: Bool, spaceAfter: Bool) -> [UInt32] {
        let buffer = UnitBuffer<UInt32>(capacity: 2 * s.count + 1)
        s.withUnsafeBufferPointer {
            substitutePairs($0, into: buffer, first: first, second: second, spaceBefore: spaceBefore, spaceAfter: spaceAfter)
        }
        return Array(buffer.view)
    }
}
