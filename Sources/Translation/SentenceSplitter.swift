/// A text cut into sentences, with the white space around and between them kept, so that
/// translations join back into a text laid out as the original.
public struct SplitText: Equatable, Sendable {
    /// The sentences, without surrounding white space.
    public var sentences: [String]
    /// sentences.count + 1 runs of white space: before the first sentence, between each
    /// two, after the last ("" where there is none). A text of white space only is one run.
    public var separators: [String]

    public init(sentences: [String], separators: [String]) {
        precondition(separators.count == sentences.count + 1, "split text: \(sentences.count) sentences, \(separators.count) separators")
        self.sentences = sentences
        self.separators = separators
    }

    /// `translations` (one per sentence, in order) with the original white space between them.
    public func joined(_ translations: [String]) -> String {
        precondition(translations.count == sentences.count, "\(translations.count) translations of \(sentences.count) sentences")
        var text = separators[0]
        for (translation, separator) in zip(translations, separators.dropFirst()) { text += translation + separator }
        return text
    }
}

/// Rule-based sentence splitting, per language (README "Serving", "Long texts").
///
/// A sentence ends at a line break (so paragraph breaks are kept), and after `.`, `!`, `?`
/// or `…` (any run of them, with closing quotes or brackets after it, and a » or › after a
/// space as French sets them) that is followed by
/// white space and then by anything but a lowercase letter. A `.` ends no sentence after a
/// known abbreviation of the language (`Dr.`, `Sra.`, `z.B.`, `Mme.`; the lists are for en,
/// es, de and fr), a single capital initial (`J. Smith`), or dotted letters (`U.S.`, `e.g.`);
/// a number such as 3.5 is no end, since no white space follows its point. The CJK marks
/// `。`, `！` and `？` end a sentence without white space after them, except when closing
/// quotes follow them and text follows the quotes directly (`「はい。」と言った`).
public struct SentenceSplitter: Sendable {
    /// The language's primary subtag (`en` of `en-GB`), lowercased.
    public let language: String
    private let abbreviations: Set<String>

    public init(language: String) {
        let primary = language.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
        self.language = primary
        abbreviations = Self.abbreviations[primary] ?? []
    }

    /// `text`'s sentences and the white space between them.
    public func split(_ text: String) -> SplitText {
        Self.split(text) { characters, start in sentenceEnd(characters, from: start) }
    }

    /// `text` cut at line breaks only: its non-blank lines, without surrounding white space.
    public static func lines(_ text: String) -> SplitText {
        split(text) { characters, start in
            trimmedEnd(characters, start, characters[start...].firstIndex(where: \.isNewline) ?? characters.count)
        }
    }

    /// Sentences from each non-white-space character on to `end(characters, start)`.
    private static func split(_ text: String, end: ([Character], Int) -> Int) -> SplitText {
        let characters = Array(text)
        var sentences: [String] = [], separators: [String] = []
        var position = 0
        while true {
            var start = position
            while start < characters.count && characters[start].isWhitespace { start += 1 }
            separators.append(String(characters[position..<start]))
            guard start < characters.count else { break }
            let stop = end(characters, start)
            sentences.append(String(characters[start..<stop]))
            position = stop
        }
        return SplitText(sentences: sentences, separators: separators)
    }

    /// The end (exclusive, before any white space) of the sentence that starts at `start`,
    /// a character that is not white space.
    private func sentenceEnd(_ characters: [Character], from start: Int) -> Int {
        let n = characters.count
        var k = start
        while k < n {
            let c = characters[k]
            if c.isNewline { return Self.trimmedEnd(characters, start, k) }
            let isCJK = Self.cjkEnds.contains(c)
            guard isCJK || Self.ends.contains(c) else { k += 1; continue }
            var e = k + 1
            while e < n && (Self.ends.contains(characters[e]) || Self.cjkEnds.contains(characters[e])) { e += 1 }
            let marksEnd = e
            while e < n && Self.closers.contains(characters[e]) { e += 1 }
            // French spacing: « Bonjour ! » dit-il. The closer after the space still belongs here.
            while let closer = characters[e...].firstIndex(where: { !$0.isWhitespace || $0.isNewline }),
                  closer > e, characters[closer] == "»" || characters[closer] == "›" { e = closer + 1 }
            if e == n { return n }
            if isCJK && (e == marksEnd || characters[e].isWhitespace) { return e }
            if !isCJK && characters[e].isWhitespace && continuesAsNewSentence(characters, after: e)
                && !(marksEnd == k + 1 && c == "." && isAbbreviation(characters, before: k, from: start)) {
                return e
            }
            k = e
        }
        return Self.trimmedEnd(characters, start, n)
    }

    /// Whether the text after the white space at `index` may start a sentence: it ends,
    /// breaks the line, or does not start with a lowercase letter.
    private func continuesAsNewSentence(_ characters: [Character], after index: Int) -> Bool {
        guard let next = characters[index...].first(where: { !$0.isWhitespace || $0.isNewline }) else { return true }
        return next.isNewline || !next.isLowercase
    }

    /// Whether the word before the `.` at `index` is an abbreviation, a single capital
    /// initial or dotted letters.
    private func isAbbreviation(_ characters: [Character], before index: Int, from start: Int) -> Bool {
        var first = index
        while first > start && !characters[first - 1].isWhitespace { first -= 1 }
        let word = characters[first..<index].drop(while: { Self.openers.contains($0) })
        guard !word.isEmpty else { return false }
        // English "I" is a word, not an initial ("So did I. Then …").
        if word.count == 1, let letter = word.first, letter.isUppercase { return !(language == "en" && letter == "I") }
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 1 && parts.allSatisfy({ $0.count == 1 && $0.first!.isLetter }) { return true }
        return abbreviations.contains(String(word).lowercased())
    }

    private static func trimmedEnd(_ characters: [Character], _ start: Int, _ end: Int) -> Int {
        var end = end
        while end > start && characters[end - 1].isWhitespace { end -= 1 }
        return end
    }

    static let ends: Set<Character> = [".", "!", "?", "…"]
    static let cjkEnds: Set<Character> = ["。", "！", "？"]
    // “ and ‘ close German quotations („Ja.“).
    static let closers: Set<Character> = ["\"", "'", "”", "’", "“", "‘", "»", "›", ")", "]", "}", "」", "』", "）", "】", "〉", "》"]
    static let openers: Set<Character> = ["\"", "'", "“", "‘", "„", "‚", "«", "‹", "(", "[", "{", "¿", "¡"]

    /// Abbreviations (lowercase, without their final point) after which a `.` ends no
    /// sentence; words that often end one (etc., usw.) are left out.
    static let abbreviations: [String: Set<String>] = [
        "en": ["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "inc", "ltd", "co", "corp", "fig",
               "figs", "vol", "approx", "dept", "gen", "gov", "sen", "rep", "rev", "capt", "lt", "col", "sgt", "jan", "feb",
               "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ca", "cf", "p", "pp"],
        "es": ["sr", "sra", "srta", "sres", "dr", "dra", "d", "dña", "ud", "uds", "vd", "vds", "prof", "lic", "ing", "av", "avda",
               "c", "núm", "nº", "pág", "págs", "p", "pp", "aprox", "cap", "art", "vol", "ej", "fig", "ene", "feb", "abr", "ago",
               "sept", "oct", "nov", "dic", "excmo", "ilmo", "sto", "sta"],
        "de": ["dr", "prof", "hr", "hrn", "fr", "frl", "nr", "str", "ca", "bzw", "vgl", "evtl", "ggf", "inkl", "zzgl", "abs",
               "abb", "bd", "bsp", "geb", "gest", "jh", "jhd", "mio", "mrd", "tel", "s", "sog", "u", "z", "v", "chr",
               "dipl", "ing", "st", "o", "ff"],
        "fr": ["m", "mm", "mme", "mmes", "mlle", "mlles", "dr", "pr", "me", "mgr", "st", "ste", "av", "bd", "cf", "env",
               "vol", "chap", "fig", "p", "pp", "n°", "no", "ex", "éd", "janv", "févr", "avr", "juill", "sept", "oct",
               "nov", "déc"],
    ]
}
