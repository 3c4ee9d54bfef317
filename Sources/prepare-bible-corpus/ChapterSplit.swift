/// The three parts of the corpus.
enum Split: String, CaseIterable {
    case train, valid, test
}

/// Splits by whole chapters, so that no test verse has its neighbours in training.
enum ChapterSplit {
    /// The split of the chapter numbered `number` (1…1189 in canonical order): test
    /// every 20th chapter from the 10th, valid every 30th from the 5th, train the rest.
    /// The two never meet: test numbers are even, valid numbers odd.
    static func split(ofChapter number: Int) -> Split {
        if number % 20 == 10 { return .test }
        if number % 30 == 5 { return .valid }
        return .train
    }

    /// Numbers chapters 1, 2, … in the order they first appear among `references`.
    static func chapterNumbers(_ references: [Reference]) -> [ChapterKey: Int] {
        var numbers: [ChapterKey: Int] = [:]
        for reference in references where numbers[reference.chapterKey] == nil {
            numbers[reference.chapterKey] = numbers.count + 1
        }
        return numbers
    }
}
