import XCTest
@testable import prepare_bible_corpus

final class DropCapitalsTests: XCTestCase {
    private let dropCapitals = DropCapitals(vocabularyOf: [
        "Y dijo Jehová á Moisés: Ve.", "Y Jehová habló en un día de fiesta.", "Un varón de Dios.",
    ])

    func testFirstWordOfVerseGetsACapital() {
        // RV1909 Genesis 1:1 (cleaned)
        XCTAssertEqual(
            dropCapitals.restore("EN el principio crió Dios los cielos y la tierra."),
            "En el principio crió Dios los cielos y la tierra.")
    }

    func testWordInsideASentenceTakesItsUsualCase() {
        // RV1909 I Samuel 14:1 and Genesis 7:1 (cleaned, shortened)
        XCTAssertEqual(
            dropCapitals.restore("Y UN día aconteció, que Jonathán hijo de Saúl dijo á su criado"),
            "Y un día aconteció, que Jonathán hijo de Saúl dijo á su criado")
        XCTAssertEqual(
            dropCapitals.restore("Y JEHOVÁ dijo á Noé: Entra tú y toda tu casa en el arca;"),
            "Y Jehová dijo á Noé: Entra tú y toda tu casa en el arca;")
    }

    func testWordAfterAPsalmSuperscriptionStartsASentence() {
        // RV1909 Psalms 3:1 (cleaned)
        XCTAssertEqual(
            dropCapitals.restore("Salmo de David, cuando huía de delante de Absalom su hijo. ¡OH Jehová, cuánto se han multiplicado mis enemigos!"),
            "Salmo de David, cuando huía de delante de Absalom su hijo. ¡Oh Jehová, cuánto se han multiplicado mis enemigos!")
    }

    func testTextWithoutCapitalsIsUnchanged() {
        XCTAssertEqual(dropCapitals.restore("Y dijo Dios: Sea la luz."), "Y dijo Dios: Sea la luz.")
    }
}
