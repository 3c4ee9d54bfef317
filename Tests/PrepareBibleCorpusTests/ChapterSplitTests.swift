import XCTest
@testable import prepare_bible_corpus

final class ChapterSplitTests: XCTestCase {
    func testSplitRule() {
        XCTAssertEqual(ChapterSplit.split(ofChapter: 10), .test)
        XCTAssertEqual(ChapterSplit.split(ofChapter: 30), .test)
        XCTAssertEqual(ChapterSplit.split(ofChapter: 5), .valid)
        XCTAssertEqual(ChapterSplit.split(ofChapter: 35), .valid)
        XCTAssertEqual(ChapterSplit.split(ofChapter: 1), .train)
        XCTAssertEqual(ChapterSplit.split(ofChapter: 20), .train)
        XCTAssertEqual(ChapterSplit.split(ofChapter: 1189), .train)
    }

    func testChapterCountsOverTheWholeBible() {
        let splits = (1...1189).map(ChapterSplit.split(ofChapter:))
        XCTAssertEqual(splits.filter { $0 == .test }.count, 59)
        XCTAssertEqual(splits.filter { $0 == .valid }.count, 40)
        XCTAssertEqual(splits.filter { $0 == .train }.count, 1090)
    }

    func testChaptersAreNumberedInOrderOfAppearance() {
        let references = [
            Reference(book: "Genesis", chapter: 1, verse: 1),
            Reference(book: "Genesis", chapter: 1, verse: 2),
            Reference(book: "Genesis", chapter: 2, verse: 1),
            Reference(book: "Exodus", chapter: 1, verse: 1),
        ]
        XCTAssertEqual(
            ChapterSplit.chapterNumbers(references),
            [ChapterKey(book: "Genesis", chapter: 1): 1, ChapterKey(book: "Genesis", chapter: 2): 2,
             ChapterKey(book: "Exodus", chapter: 1): 3])
    }

    func testPairsGoToTheSplitOfTheirEnglishChapter() {
        let numbers: [ChapterKey: Int] = [
            ChapterKey(book: "Job", chapter: 5): 5, ChapterKey(book: "Job", chapter: 10): 10,
        ]
        let pair = { (chapter: Int, text: String) in
            AlignedPair(
                spanishReference: Reference(book: "Job", chapter: chapter, verse: 1),
                englishReference: Reference(book: "Job", chapter: chapter, verse: 1),
                spanish: "es \(text)", english: "en \(text)", kjv: "kjv \(text)")
        }
        let splits = SplitLines.distribute([pair(5, "a"), pair(10, "b"), pair(5, "c")], chapterNumbers: numbers)
        XCTAssertEqual(splits[.valid], SplitLines(spanish: ["es a", "es c"], english: ["en a", "en c"], kjv: ["kjv a", "kjv c"]))
        XCTAssertEqual(splits[.test], SplitLines(spanish: ["es b"], english: ["en b"], kjv: ["kjv b"]))
        XCTAssertEqual(splits[.train], SplitLines())
    }
}
