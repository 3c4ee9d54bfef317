/// A source paragraph and its translation, with the help page they come from.
struct AlignedPair: Hashable {
    let page: String
    let source: String
    let target: String
}

/// Why a paragraph or string is not in the corpus (report.txt counts each).
enum DropReason: String, CaseIterable {
    case pageMissing = "help page absent in the target language"
    case paragraphMissing = "paragraph id absent from the target page"
    case empty = "empty source or target"
    case untranslated = "target equal to source, the source a sentence (left untranslated)"
    case duplicate = "duplicate of a pair kept earlier (in this split or another)"
    case placeholders = "interface string: placeholders differ between source and target"
    case heldOut = "interface string: the pair is in the valid or test split"
}

/// Pairs the paragraphs of two languages' help pages by page path and paragraph key.
enum HelpAligner {
    struct Alignment {
        var pairs: [AlignedPair] = []
        var dropped: [DropReason: Int] = [:]
        var sourceParagraphs = 0
        var targetParagraphs = 0
    }

    /// - Parameters: the paragraphs of each page (path relative to the language's
    ///   directory), per language. Pairs come out in page order (paths sorted) and document
    ///   order within a page, so a run is reproducible byte for byte.
    static func align(source: [String: [HelpParagraphs.Paragraph]],
                      target: [String: [HelpParagraphs.Paragraph]]) -> Alignment {
        var alignment = Alignment()
        alignment.targetParagraphs = target.values.map(\.count).reduce(0, +)
        for page in source.keys.sorted() {
            let paragraphs = source[page]!
            alignment.sourceParagraphs += paragraphs.count
            guard let translated = target[page] else {
                alignment.dropped[.pageMissing, default: 0] += paragraphs.count
                continue
            }
            let byKey = Dictionary(translated.map { ($0.key, $0.text) }, uniquingKeysWith: { first, _ in first })
            for paragraph in paragraphs {
                guard let text = byKey[paragraph.key] else {
                    alignment.dropped[.paragraphMissing, default: 0] += 1
                    continue
                }
                if let reason = dropReason(source: paragraph.text, target: text) {
                    alignment.dropped[reason, default: 0] += 1
                    continue
                }
                alignment.pairs.append(AlignedPair(page: page, source: paragraph.text, target: text))
            }
        }
        return alignment
    }

    /// Empty, or untranslated: the target equals a source that is a sentence (three or
    /// more words, one with a letter). Short equal pairs stay: names such as "LibreOffice
    /// Calc", menu paths, formulas and code are the same in both languages.
    static func dropReason(source: String, target: String) -> DropReason? {
        if source.isEmpty || target.isEmpty { return .empty }
        if source == target && isSentence(source) { return .untranslated }
        return nil
    }

    static func isSentence(_ text: String) -> Bool {
        let words = text.split(separator: " ")
        return words.count >= 3 && words.contains { $0.contains { $0.isLetter } }
    }
}
