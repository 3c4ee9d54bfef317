/// Turns a verse's OSIS markup into plain text.
///
/// Kept: words inside Strong's-number tags (`<w>`), translators' additions
/// (`<transChange>`, printed in italics), the divine name, quotations, and the canonical
/// Psalm superscriptions (the Spanish text has them inside verse 1 as plain text).
/// Dropped: notes (footnotes, cross-references), headings (titles that are not canonical
/// superscriptions), speaker labels (Song of Solomon in the WEB), the KJV's ¶ paragraph
/// signs, and everything after the chapter's end marker, where the KJV keeps the closing
/// notes to Paul's letters and the WEB its glossary (inside Revelation 22:21).
enum MarkupCleaner {
    /// Elements whose whole content is left out.
    static let droppedElements: Set<Substring> = ["note", "speaker"]

    /// Elements that sit inside a line of text; every other tag separates words.
    static let inlineElements: Set<Substring> = [
        "w", "transChange", "divineName", "foreign", "q", "seg", "name", "hi",
    ]

    /// The readable text and Strong's numbers of one verse's markup.
    static func clean(_ markup: String) -> CleanVerse {
        var builder = VisibleTextBuilder()
        var strongs: Set<Substring> = []
        var skipped: (name: Substring, depth: Int)?
        for token in MarkupToken.tokens(in: markup) {
            switch token {
            case .text(let text):
                if skipped == nil { builder.append(text) }
            case .tag(let tag):
                if let current = skipped {
                    skipped = depthAfter(tag, skipping: current)
                    continue
                }
                if isChapterEnd(tag) { return CleanVerse(text: builder.text, strongs: strongs) }
                if tag.kind == .opening && isDropped(tag) {
                    skipped = (tag.name, 1)
                    builder.mark(.droppedContent)
                    continue
                }
                if tag.name == "w", tag.kind == .opening, let lemma = tag.attribute("lemma") {
                    strongs.formUnion(strongNumbers(in: lemma))
                }
                if tag.name == "transChange" {
                    builder.mark(.transChange)
                } else if !inlineElements.contains(tag.name) {
                    builder.appendSpace()
                }
            }
        }
        return CleanVerse(text: builder.text, strongs: strongs)
    }

    /// `<chapter eID=…/>` closes the chapter: what follows belongs to no verse.
    static func isChapterEnd(_ tag: MarkupTag) -> Bool {
        tag.name == "chapter" && tag.attribute("eID") != nil
    }

    /// Whether an opening tag starts content that is not verse text.
    static func isDropped(_ tag: MarkupTag) -> Bool {
        if droppedElements.contains(tag.name) { return true }
        return tag.name == "title" && !isPsalmSuperscription(tag)
    }

    /// Canonical Psalm titles ("A Psalm by David…") are part of the verse in every text.
    static func isPsalmSuperscription(_ tag: MarkupTag) -> Bool {
        tag.attribute("canonical") == "true" && tag.attribute("type") == "psalm"
    }

    /// Tracks nesting while skipping an element; nil once its closing tag is passed.
    static func depthAfter(
        _ tag: MarkupTag, skipping current: (name: Substring, depth: Int)
    ) -> (name: Substring, depth: Int)? {
        guard tag.name == current.name else { return current }
        switch tag.kind {
        case .opening: return (current.name, current.depth + 1)
        case .closing: return current.depth == 1 ? nil : (current.name, current.depth - 1)
        case .empty: return current
        }
    }

    /// "strong:H0430 strong:H1254" → ["H0430", "H1254"].
    static func strongNumbers(in lemma: Substring) -> [Substring] {
        let prefix = "strong:".utf8
        return lemma.utf8.split(separator: UInt8(ascii: " ")).compactMap { item in
            guard item.starts(with: prefix) else { return nil }
            return Substring(item.dropFirst(prefix.count))
        }
    }
}
