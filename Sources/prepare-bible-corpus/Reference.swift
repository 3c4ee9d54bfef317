/// A verse address as mod2imp writes it in its `$$$` key lines, e.g. "I Samuel 24:1".
struct Reference: Hashable, CustomStringConvertible {
    let book: String
    let chapter: Int
    let verse: Int

    /// Parses "Book Name C:V"; nil for keys that are not verses ("[ Module Heading ]").
    init?(key: Substring) {
        guard let space = key.lastIndex(of: " ") else { return nil }
        let numbers = key[key.index(after: space)...].split(separator: ":")
        guard numbers.count == 2, let chapter = Int(numbers[0]), let verse = Int(numbers[1])
        else { return nil }
        self.init(book: String(key[..<space]), chapter: chapter, verse: verse)
    }

    init(book: String, chapter: Int, verse: Int) {
        self.book = book
        self.chapter = chapter
        self.verse = verse
    }

    /// The chapter this verse belongs to.
    var chapterKey: ChapterKey { ChapterKey(book: book, chapter: chapter) }

    var description: String { "\(book) \(chapter):\(verse)" }
}

/// A chapter of a book, the unit by which the corpus is split.
struct ChapterKey: Hashable {
    let book: String
    let chapter: Int
}
