import Evaluation

/// Properties of `bleu`'s readers and tokenizers.
enum BLEUProperties {
    /// Each tokenizer takes any text. 13a, intl and none give tokens joined by single
    /// spaces; a line scored against itself has sentence BLEU 100 when it has a token and
    /// chrF 100 when it has an ASCII letter or digit (a character that is whitespace to
    /// Python, which chrF removes, is not always whitespace to Swift: U+001C–U+001F).
    ///
    /// The first byte picks the tokenizer (the rest is the line), so that each input costs
    /// one tokenizer's work and the fuzzer still steers towards all four.
    static func checkTokenizers(_ bytes: [UInt8]) throws {
        guard let selector = bytes.first else { return }
        let line = String(decoding: bytes.dropFirst(), as: UTF8.self)
        let all = Tokenization.allCases
        for tokenization in [all[all.index(all.startIndex, offsetBy: Int(selector) % all.count)]] {
            let tokens = tokenization(line)
            if tokenization != .char {
                try require(!tokens.hasPrefix(" ") && !tokens.hasSuffix(" ") && !tokens.contains("  "),
                            "\(tokenization.rawValue) gave tokens not joined by single spaces: \(tokens.debugDescription)")
            }
            let options = BLEU.Options(tokenize: tokenization, effectiveOrder: true)
            let bleu = BLEU.sentenceScore(hypothesis: line, references: [line], options: options).score
            let hasToken = !tokens.split(whereSeparator: { $0.isWhitespace }).isEmpty
            try require(!hasToken || abs(bleu - 100) < 1e-9,
                        "\(tokenization.rawValue): sentence BLEU of a line against itself is \(bleu)")
        }
        let chrf = try CHRF.corpusScore(hypotheses: [line], references: [[line]]).score
        let hasCharacter = line.unicodeScalars.contains { $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) }
        try require(!hasCharacter || abs(chrf - 100) < 1e-9, "chrF of a line against itself is \(chrf)")
    }

    /// Refusals are `EvaluationError.invalidUTF8` naming the first line that is not UTF-8;
    /// accepted text splits into as many lines as sacreBLEU's reading gives, each without
    /// trailing spaces or tabs, and scores in [0, 100] against itself. The last bit of the
    /// first byte picks file reading (`\n` only) or standard input's universal newlines.
    static func checkReferences(_ bytes: [UInt8]) throws {
        for universalNewlines in [bytes.first.map { $0 & 1 == 1 } ?? false] {
            let pieces = split(bytes, universalNewlines: universalNewlines)
            let firstInvalid = pieces.firstIndex { String(validating: $0, as: UTF8.self) == nil }.map { $0 + 1 }
            let lines: TextLines
            do {
                lines = try TextLines(bytes: bytes, source: "<fuzz>", universalNewlines: universalNewlines)
            } catch EvaluationError.invalidUTF8(_, let line) {
                try require(line == firstInvalid, "invalid UTF-8 reported on line \(line), first is \(firstInvalid.map(String.init) ?? "none")")
                continue
            }
            try require(firstInvalid == nil, "line \(firstInvalid ?? 0) is not UTF-8 but was accepted")
            try require(lines.count == pieces.count, "\(lines.count) lines read, \(pieces.count) expected")
            for i in 0..<lines.count {
                try require(!lines[i].hasSuffix(" ") && !lines[i].hasSuffix("\t"), "line \(i + 1) keeps trailing whitespace")
            }
            let bleu = try BLEU.corpusScore(hypotheses: lines, references: [lines]).score
            let chrf = try CHRF.corpusScore(hypotheses: lines, references: [lines]).score
            try require((0...100 + 1e-9).contains(bleu) && (0...100 + 1e-9).contains(chrf), "scores out of range: BLEU \(bleu), chrF \(chrf)")
        }
    }

    /// The lines of `bytes` as sacreBLEU reads them: split on `\n` (and with universal
    /// newlines on `\r\n` and `\r`), a last line without a newline counted.
    private static func split(_ bytes: [UInt8], universalNewlines: Bool) -> [[UInt8]] {
        var lines: [[UInt8]] = [], current: [UInt8] = [], i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A || (universalNewlines && b == 0x0D) {
                lines.append(current); current = []
                if b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
            } else {
                current.append(b)
            }
            i += 1
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
