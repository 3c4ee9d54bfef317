import XCTest
@testable import prepare_bible_corpus

/// Alignment and drop rules on a small, made-up chapter whose Strong's numbers mimic
/// Numbers 12:16–13:2, where RV1909 puts 12:16 at 13:1 and shifts 13 by one verse.
final class VerseAlignerTests: XCTestCase {
    private func reference(_ chapter: Int, _ verse: Int) -> Reference {
        Reference(book: "Numbers", chapter: chapter, verse: verse)
    }

    private func verse(_ text: String, _ strongs: Set<Substring>) -> CleanVerse {
        CleanVerse(text: text, strongs: strongs)
    }

    func testVersesWithTheSameNumbersPairInPlace() {
        let spanish = [(reference(12, 15), verse("Así María fué echada del real siete días.", ["H4813", "H5462", "H7651"]))]
        let english = [reference(12, 15): verse("Miriam was shut up outside of the camp seven days.", [])]
        let kjv = [reference(12, 15): verse("And Miriam was shut out from the camp seven days.", ["H4813", "H5462", "H7651", "H4264"])]
        let alignment = VerseAligner.align(spanish: spanish, english: english, kjv: kjv)
        XCTAssertEqual(alignment.pairs, [
            AlignedPair(spanishReference: reference(12, 15), englishReference: reference(12, 15),
                        spanish: "Así María fué echada del real siete días.",
                        english: "Miriam was shut up outside of the camp seven days.",
                        kjv: "And Miriam was shut out from the camp seven days."),
        ])
        XCTAssertEqual(alignment.dropped, [:])
    }

    func testShiftedVersesAreRealignedAndEmptyOnesDropped() {
        let spanish = [
            (reference(12, 16), verse("", [])),
            (reference(13, 1), verse("Y después movió el pueblo de Haseroth.", ["H5265", "H2698", "H6290"])),
            (reference(13, 2), verse("Y Jehová habló á Moisés, diciendo:", ["H3068", "H1696", "H4872", "H0559"])),
        ]
        let english = [
            reference(12, 16): verse("Afterward the people traveled from Hazeroth.", []),
            reference(13, 1): verse("Yahweh spoke to Moses, saying,", []),
            reference(13, 2): verse("“Send men, that they may spy out the land of Canaan.”", []),
        ]
        let kjv = [
            reference(12, 16): verse("And afterward the people removed from Hazeroth.", ["H5265", "H2698", "H6290", "H5971"]),
            reference(13, 1): verse("And the LORD spake unto Moses, saying,", ["H3068", "H1696", "H4872", "H0559"]),
            reference(13, 2): verse("Send thou men, that they may search the land of Canaan.", ["H7971", "H0582", "H8446", "H0776"]),
        ]
        let alignment = VerseAligner.align(spanish: spanish, english: english, kjv: kjv)
        XCTAssertEqual(alignment.pairs.map(\.spanishReference), [reference(13, 1), reference(13, 2)])
        XCTAssertEqual(alignment.pairs.map(\.englishReference), [reference(12, 16), reference(13, 1)])
        XCTAssertEqual(alignment.pairs.map(\.english), [
            "Afterward the people traveled from Hazeroth.", "Yahweh spoke to Moses, saying,",
        ])
        XCTAssertEqual(alignment.realigned, 2)
        XCTAssertEqual(alignment.dropped, [.emptySpanish: [reference(12, 16)]])
    }

    func testVerseWithoutAgreeingNeighbourIsDropped() {
        let spanish = [(reference(13, 1), verse("Y habló Jehová.", ["H3068", "H1696"]))]
        let kjv = [reference(13, 1): verse("Send thou men.", ["H7971", "H0582"])]
        let english = [reference(13, 1): verse("Send men.", [])]
        let alignment = VerseAligner.align(spanish: spanish, english: english, kjv: kjv)
        XCTAssertEqual(alignment.pairs, [])
        XCTAssertEqual(alignment.dropped, [.noMatchingVerse: [reference(13, 1)]])
    }

    func testTwoVersesMatchingOneEnglishVerseKeepTheBetter() {
        let spanish = [
            (reference(30, 1), verse("Y habló Moisés á los cabezas de los hijos de Israel.", ["H4872", "H1696", "H7218", "H1121"])),
            (reference(30, 2), verse("Y habló Moisés á los príncipes de las tribus de Israel.", ["H4872", "H1696", "H7218", "H4294", "H1121"])),
        ]
        let kjv = [
            reference(30, 1): verse("And Moses told the children of Israel.", ["H4872", "H0559", "H1121", "H3478"]),
            reference(30, 2): verse("And Moses spake unto the heads of the tribes.", ["H4872", "H1696", "H7218", "H4294", "H1121", "H3478"]),
        ]
        let english = [
            reference(30, 1): verse("Moses told the children of Israel.", []),
            reference(30, 2): verse("Moses spoke to the heads of the tribes of the children of Israel.", []),
        ]
        let alignment = VerseAligner.align(spanish: spanish, english: english, kjv: kjv)
        XCTAssertEqual(alignment.pairs.map(\.spanishReference), [reference(30, 1), reference(30, 2)])

        // Without its own English verse, 30:1 also matches 30:2, and loses to the better match.
        var lost = kjv
        lost[reference(30, 1)] = verse("Unrelated.", ["H9999"])
        let shifted = VerseAligner.align(spanish: spanish, english: english, kjv: lost)
        XCTAssertEqual(shifted.pairs.map(\.spanishReference), [reference(30, 2)])
        XCTAssertEqual(shifted.dropped, [.duplicateMatch: [reference(30, 1)]])
    }

    func testEmptyEnglishAndImplausibleLengthsAreDropped() {
        let strongs: Set<Substring> = ["G2424", "G5547"]
        let spanish = [
            (reference(1, 1), verse("Jesucristo.", strongs)),
            (reference(1, 2), verse("Jesucristo, el Hijo de Dios, que vino al mundo para salvar á los pecadores, de los cuales yo soy el primero.", strongs)),
            (reference(1, 3), verse("Jesucristo.", strongs)),
        ]
        let english = [
            reference(1, 1): verse("", []),
            reference(1, 2): verse("Jesus Christ.", []),
            reference(1, 3): verse("Jesus Christ.", []),
        ]
        let kjv = [
            reference(1, 1): verse("Jesus Christ.", strongs),
            reference(1, 2): verse("Jesus Christ.", strongs),
            reference(1, 3): verse("Jesus Christ.", strongs),
        ]
        let alignment = VerseAligner.align(spanish: spanish, english: english, kjv: kjv)
        XCTAssertEqual(alignment.pairs.map(\.spanishReference), [reference(1, 3)])
        XCTAssertEqual(alignment.dropped, [
            .emptyEnglish: [reference(1, 1)], .implausibleLength: [reference(1, 2)],
        ])
    }

    func testLengthRatioIsSmoothedForShortVerses() {
        XCTAssertTrue(VerseAligner.hasPlausibleLengths("No adulterarás.", "“You shall not commit adultery."))
        XCTAssertFalse(VerseAligner.hasPlausibleLengths(
            "Y anduvo en todo el camino de Asa su padre.",
            "He walked in all the way of Asa his father. He didn’t turn away from it, doing that which was "
                + "right in Yahweh’s eyes. However, the high places were not taken away."))
    }
}
