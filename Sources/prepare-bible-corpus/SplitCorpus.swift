/// The lines of one split: Spanish sources, WEB targets and KJV references, aligned.
struct SplitLines: Equatable {
    var spanish: [String] = []
    var english: [String] = []
    var kjv: [String] = []
}

extension SplitLines {
    /// Distributes aligned pairs over the splits by the chapter of their English verse.
    static func distribute(
        _ pairs: [AlignedPair], chapterNumbers: [ChapterKey: Int]
    ) -> [Split: SplitLines] {
        var splits = Dictionary(uniqueKeysWithValues: Split.allCases.map { ($0, SplitLines()) })
        for pair in pairs {
            let number = chapterNumbers[pair.englishReference.chapterKey]!
            let split = ChapterSplit.split(ofChapter: number)
            splits[split]!.spanish.append(pair.spanish)
            splits[split]!.english.append(pair.english)
            splits[split]!.kjv.append(pair.kjv)
        }
        return splits
    }
}
