/// Builds the corpus from the three modules' dumps and writes it.
enum BibleCorpus {
    /// Cleans, aligns and splits the verses, writes the split files and report.txt (the
    /// summary, the dropped and the realigned references), and returns the summary.
    static func prepare(_ options: PrepareOptions) throws -> String {
        let spanishEntries = try CorpusFiles.readVerses(options.spanish)
        let english = cleanedByReference(try CorpusFiles.readVerses(options.english))
        let kjv = cleanedByReference(try CorpusFiles.readVerses(options.kjv))
        let spanish = recasingDropCapitals(spanishEntries.map { ($0.reference, cleaned($0)) })
        let alignment = VerseAligner.align(spanish: spanish, english: english, kjv: kjv)
        let numbers = ChapterSplit.chapterNumbers(spanishEntries.map(\.reference))
        let splits = SplitLines.distribute(alignment.pairs, chapterNumbers: numbers)
        try write(splits, to: options.output)
        let report = PrepareReport.render(
            spanishVerses: spanish.count, alignment: alignment, splits: splits)
        let details = PrepareReport.droppedReferences(alignment) + "\n"
            + PrepareReport.realignedReferences(alignment)
        try CorpusFiles.write(report + "\n" + details, to: options.output, name: "report.txt")
        return report
    }

    /// A verse's readable text, without Psalm 119's letter headings and the closing
    /// notes of Paul's letters.
    static func cleaned(_ entry: DumpEntry) -> CleanVerse {
        var verse = MarkupCleaner.clean(entry.markup)
        verse.text = AcrosticLetters.strip(verse.text, at: entry.reference)
        verse.text = PaulsClosingNotes.strip(verse.text, at: entry.reference)
        return verse
    }

    /// The verses with the capitals RV1909 prints at the start of each chapter recased.
    static func recasingDropCapitals(_ verses: [(Reference, CleanVerse)]) -> [(Reference, CleanVerse)] {
        let dropCapitals = DropCapitals(vocabularyOf: verses.map(\.1.text))
        return verses.map { reference, verse in
            guard reference.verse == 1 else { return (reference, verse) }
            var recased = verse
            recased.text = dropCapitals.restore(verse.text)
            return (reference, recased)
        }
    }

    /// Cleaned verses keyed by reference (a reference listed twice keeps its first text).
    static func cleanedByReference(_ entries: [DumpEntry]) -> [Reference: CleanVerse] {
        Dictionary(entries.map { ($0.reference, cleaned($0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// train/valid/test .es and .en, and test.en-kjv aligned with test.en.
    static func write(_ splits: [Split: SplitLines], to directory: String) throws {
        for split in Split.allCases {
            let lines = splits[split] ?? SplitLines()
            try CorpusFiles.write(lines.spanish, to: directory, name: "\(split.rawValue).es")
            try CorpusFiles.write(lines.english, to: directory, name: "\(split.rawValue).en")
        }
        try CorpusFiles.write(splits[.test]?.kjv ?? [], to: directory, name: "test.en-kjv")
    }
}
