import XCTest
@testable import prepare_bible_corpus

/// Each cleaning rule on verse markup copied from `mod2imp` output of the Debian modules
/// spaRV1909eb (RV1909), engWEB2015eb (WEB) and engKJV2006eb (KJV).
final class MarkupCleanerTests: XCTestCase {
    func testFootnoteIsDropped() {
        // KJV Genesis 1:4
        let markup = #"And <w lemma="strong:H0430">God</w> <w lemma="strong:H7200">saw</w> the <w lemma="strong:H0216">light</w>, <w lemma="strong:H3588">that</w> <transChange type="added">it was</transChange> <w lemma="strong:H2896">good</w>: and <w lemma="strong:H0430">God</w> <w lemma="strong:H0914">divided</w> the <w lemma="strong:H0216">light</w> <w lemma="strong:H0996">from</w> the <w lemma="strong:H2822">darkness</w>.<note placement="foot"><reference type="annotateRef">1.4 </reference>the light from…: Heb. between the light and between the darkness</note>"#
        XCTAssertEqual(
            MarkupCleaner.clean(markup).text,
            "And God saw the light, that it was good: and God divided the light from the darkness.")
    }

    func testFootnoteBetweenWordsLeavesASpace() {
        // WEB Genesis 1:1: the note stands where the space between two words belongs.
        let markup = #"<w lemma="strong:H0430">In</w> <w lemma="strong:H0853">the</w> <w lemma="strong:H7225">beginning</w>, <w lemma="strong:H0430">God</w><note placement="foot"><reference type="annotateRef">1:1 </reference>The Hebrew word rendered “God” is “אֱלֹהִ֑ים” (Elohim).</note><w lemma="strong:H1254">created</w> <w lemma="strong:H0853">the</w> <w lemma="strong:H8064">heavens</w> <w lemma="strong:H0430">and</w> <w lemma="strong:H0853">the</w> <w lemma="strong:H0776">earth</w>."#
        XCTAssertEqual(
            MarkupCleaner.clean(markup).text,
            "In the beginning, God created the heavens and the earth.")
    }

    func testSectionHeadingIsDropped() {
        // WEB Psalms 1:0, the heading of the first book of the Psalter.
        let markup = #"<chapter n="1" osisID="Ps.1" sID="Ps.1"/> <milestone n="Psalm 1" type="x-chapterLabel"/> <title>BOOK 1</title> <lg sID="gen7817"/> <l level="1" sID="gen7818"/>"#
        XCTAssertEqual(MarkupCleaner.clean(markup).text, "")
    }

    func testPsalmSuperscriptionIsKept() {
        // KJV Psalms 3:1: RV1909 has the superscription inside verse 1 too.
        let markup = #"<div type="x-milestone" subType="x-preverse" sID="pv2099"/><title canonical="true" type="psalm">A Psalm of David, when he fled from Absalom his son.</title> <lg sID="gen2600"/> <l level="1" sID="gen2601"/> <div type="x-milestone" subType="x-preverse" eID="pv2099"/><divineName>LORD</divineName>, how are they increased that trouble me! many <transChange type="added">are</transChange> they that rise up against me. <l eID="gen2601" level="1"/>"#
        XCTAssertEqual(
            MarkupCleaner.clean(markup).text,
            "A Psalm of David, when he fled from Absalom his son. LORD, how are they increased "
                + "that trouble me! many are they that rise up against me.")
    }

    func testSpanishAcrosticLetterIsDropped() {
        // RV1909 Psalms 119:1 and 119:9 (with and without the full stop).
        let aleph = #"ALEPH. <w lemma="strong:H0835">BIENAVENTURADOS</w> <w lemma="strong:H8549">los perfectos</w> <w lemma="strong:H1870">de camino</w>; <w lemma="strong:H1980">los que andan</w> <w lemma="strong:H8451">en la ley</w> <w lemma="strong:H3068">de Jehová</w>."#
        let beth = #"BETH ¿<w lemma="strong:H4100">Con qué</w> <w lemma="strong:H2135">limpiará</w> <w lemma="strong:H5288">el joven</w> <w lemma="strong:H0734">su camino</w>? <w lemma="strong:H8104">Con guardar</w> <w lemma="strong:H1697">tu palabra</w>."#
        XCTAssertEqual(
            cleaned(aleph, at: Reference(book: "Psalms", chapter: 119, verse: 1)),
            "BIENAVENTURADOS los perfectos de camino; los que andan en la ley de Jehová.")
        XCTAssertEqual(
            cleaned(beth, at: Reference(book: "Psalms", chapter: 119, verse: 9)),
            "¿Con qué limpiará el joven su camino? Con guardar tu palabra.")
    }

    func testEnglishAcrosticLettersAreDropped() {
        // WEB Psalms 119:33 (a canonical title) and KJV Psalms 119:9 (a plain title).
        let web = #"<div type="x-milestone" subType="x-preverse" sID="pv6825"/><title canonical="true" type="psalm"> <w lemma="strong:H3588">HE</w> </title> <lg sID="gen12464"/> <l level="1" sID="gen12465"/><div type="x-milestone" subType="x-preverse" eID="pv6825"/><w lemma="strong:H3384">Teach</w> me, <w lemma="strong:H3068">Yahweh</w>, <w lemma="strong:H3068">the</w> <w lemma="strong:H1870">way</w> <w lemma="strong:H3068">of</w> <w lemma="strong:H3068">your</w> <w lemma="strong:H2706">statutes</w>.<l eID="gen12465" level="1"/> <l level="2" sID="gen12466"/><w lemma="strong:H3068">I</w> <w lemma="strong:H3068">will</w> <w lemma="strong:H5341">keep</w> <w lemma="strong:H3384">them</w> <w lemma="strong:H3068">to</w> <w lemma="strong:H3068">the</w> <w lemma="strong:H6118">end</w>. <l eID="gen12466" level="2"/>"#
        let kjv = #"<div type="x-milestone" subType="x-preverse" sID="pv4024"/><title><foreign>ב BETH.</foreign></title> <lg sID="gen4643"/> <l level="1" sID="gen4644"/> <div type="x-milestone" subType="x-preverse" eID="pv4024"/>Wherewithal shall a young <w lemma="strong:H5288">man</w> <w lemma="strong:H2135">cleanse</w> his <w lemma="strong:H0734">way</w>? by taking <w lemma="strong:H8104">heed</w> <transChange type="added">thereto</transChange> according to thy <w lemma="strong:H1697">word</w>. <l eID="gen4644" level="1"/>"#
        XCTAssertEqual(
            cleaned(web, at: Reference(book: "Psalms", chapter: 119, verse: 33)),
            "Teach me, Yahweh, the way of your statutes. I will keep them to the end.")
        XCTAssertEqual(
            cleaned(kjv, at: Reference(book: "Psalms", chapter: 119, verse: 9)),
            "Wherewithal shall a young man cleanse his way? by taking heed thereto according to thy word.")
    }

    func testCapitalisedOpeningOutsidePsalm119IsKept() {
        XCTAssertEqual(
            AcrosticLetters.strip("HE aquí el hombre.", at: Reference(book: "Isaiah", chapter: 1, verse: 1)),
            "HE aquí el hombre.")
    }

    func testSpeakerLabelIsDropped() {
        // WEB Song of Solomon 1:2
        let markup = #"<div type="x-milestone" subType="x-preverse" sID="pv8242"/><speaker>Beloved</speaker> <lg sID="gen15617"/> <l level="1" sID="gen15618"/><div type="x-milestone" subType="x-preverse" eID="pv8242"/>Let <w lemma="strong:H3588">him</w> kiss <w lemma="strong:H3588">me</w> <w lemma="strong:H6310">with</w> <w lemma="strong:H3588">the</w> <w lemma="strong:H5390">kisses</w> <w lemma="strong:H6310">of</w> <w lemma="strong:H3588">his</w> <w lemma="strong:H6310">mouth</w>;<l eID="gen15618" level="1"/> <l level="2" sID="gen15619"/><w lemma="strong:H3588">for</w> <w lemma="strong:H3588">your</w> <w lemma="strong:H1730">love</w> <w lemma="strong:H2896">is</w> <w lemma="strong:H2896">better</w> <w lemma="strong:H2896">than</w> <w lemma="strong:H3196">wine</w>. <l eID="gen15619" level="2"/>"#
        XCTAssertEqual(
            MarkupCleaner.clean(markup).text,
            "Let him kiss me with the kisses of his mouth; for your love is better than wine.")
    }

    func testParagraphSignIsDropped() {
        // KJV Genesis 1:6
        let markup = #"<div type="x-milestone" subType="x-preverse" sID="pv2"/><div sID="gen5" type="x-p"/> <div type="x-milestone" subType="x-preverse" eID="pv2"/>¶ And <w lemma="strong:H0430">God</w> <w lemma="strong:H0559">said</w>, Let there be a <w lemma="strong:H7549">firmament</w> in the <w lemma="strong:H8432">midst</w> of the <w lemma="strong:H4325">waters</w>, and let it <w lemma="strong:H0914">divide</w> the <w lemma="strong:H4325">waters</w> from the <w lemma="strong:H4325">waters</w>.<note placement="foot"><reference type="annotateRef">1.6 </reference>firmament: Heb. expansion</note>"#
        XCTAssertEqual(
            MarkupCleaner.clean(markup).text,
            "And God said, Let there be a firmament in the midst of the waters, and let it divide "
                + "the waters from the waters.")
    }

    func testClosingNoteToPaulsLetterIsDroppedInEnglish() {
        // KJV Hebrews 13:25: the note follows the chapter's end marker.
        let markup = #"<w lemma="strong:G5485">Grace</w> <transChange type="added">be</transChange> <w lemma="strong:G3326">with</w> <w lemma="strong:G5216">you</w> <w lemma="strong:G3956">all</w>. <w lemma="strong:G0281">Amen</w>.  <div eID="gen9183" type="x-p"/> <chapter eID="Heb.13"/> <title>Written to the Hebrews from Italy by Timothy.</title> <div canonical="true" eID="gen9165" osisID="Heb" type="book"/>"#
        XCTAssertEqual(
            cleaned(markup, at: Reference(book: "Hebrews", chapter: 13, verse: 25)),
            "Grace be with you all. Amen.")
    }

    func testClosingNoteToPaulsLetterIsDroppedInSpanish() {
        // RV1909 Hebrews 13:25: the note runs on after "Amén.".
        let markup = #"<w lemma="strong:G3588">La</w> <w lemma="strong:G5485">gracia</w> <w lemma="strong:G3326">sea con</w> <w lemma="strong:G3956">todos</w> <w lemma="strong:G5216">vosotros</w>. <w lemma="strong:G0281">Amén</w>. <w lemma="strong:G1125">Fué escrita</w> <w lemma="strong:G1445">á los Hebreos</w> <w lemma="strong:G0575">desde</w> <w lemma="strong:G2482">Italia</w> <w lemma="strong:G1223">con</w> <w lemma="strong:G5095">Timoteo</w>.  <chapter eID="Heb.13"/><div eID="gen1205" type="x-p"/> <div canonical="true" eID="gen1192" osisID="Heb" type="book"/>"#
        XCTAssertEqual(
            cleaned(markup, at: Reference(book: "Hebrews", chapter: 13, verse: 25)),
            "La gracia sea con todos vosotros. Amén.")
    }

    func testAmenWithoutClosingNoteIsKept() {
        let text = "Cuyos son los padres, el cual es Dios sobre todas las cosas, bendito por los siglos. Amén."
        XCTAssertEqual(
            PaulsClosingNotes.strip(text, at: Reference(book: "Romans", chapter: 9, verse: 5)), text)
    }

    func testGlossaryAfterRevelation22_21IsDropped() {
        // WEB Revelation 22:21, cut after the glossary's first entries.
        let markup = #"<div type="x-milestone" subType="x-preverse" sID="pv16039"/><div sID="gen35836" type="x-p"/><div type="x-milestone" subType="x-preverse" eID="pv16039"/><w lemma="strong:G3956">The</w> <w lemma="strong:G5485">grace</w> <w lemma="strong:G5485">of</w> <w lemma="strong:G3956">the</w> <w lemma="strong:G2962">Lord</w> <w lemma="strong:G2424">Jesus</w> <w lemma="strong:G2962">Christ</w> <w lemma="strong:G3956">be</w> <w lemma="strong:G3326">with</w> <w lemma="strong:G3956">all</w> <w lemma="strong:G3956">the</w> saints. Amen.  <chapter eID="Rev.22"/><div eID="gen35836" type="x-p"/> <div canonical="true" eID="gen35575" osisID="Rev" type="book"/> <div sID="gen35837" type="glossary"/> <milestone n="Glossary" type="x-usfm-h"/> <milestone n="World English Bible Glossary" type="x-usfm-toc1"/> <milestone n="Glossary" type="x-usfm-toc2"/> <milestone n="Glo" type="x-usfm-toc3"/> <title level="1" type="main">World English Bible Glossary</title> <div sID="gen35838" type="introduction"/> <div sID="gen35839" type="x-p"/> The following words used in the World English Bible (WEB) are not very common, either because they refer to ancient weights, measures, or money, or because they are in some way unique to the Bible.<div eID="gen35839" type="x-p"/> <list> <item subType="x-introduction" type="x-indent-1"><seg type="keyword">Abaddon</seg> Abaddon is Hebrew for destruction.</item> <item subType="x-introduction" type="x-indent-1"><seg type="keyword">Abba</seg> Abba is a Chaldee word for father, used in a respectful, affectionate, and familiar way, like papa, dad, or daddy. Often used in prayer to refer to our Father in Heaven.</item>"#
        XCTAssertEqual(
            MarkupCleaner.clean(markup).text,
            "The grace of the Lord Jesus Christ be with all the saints. Amen.")
    }

    func testStrongsAndItalicsTextIsKeptAndNumbersCollected() {
        // KJV Genesis 1:2
        let markup = #"And the <w lemma="strong:H0776">earth</w> <w lemma="strong:H1961">was</w> without <w lemma="strong:H8414">form</w>, and <w lemma="strong:H0922">void</w>; and <w lemma="strong:H2822">darkness</w> <transChange type="added">was</transChange> upon the <w lemma="strong:H6440">face</w> of the <w lemma="strong:H8415">deep</w>. And the <w lemma="strong:H7307">Spirit</w> of <w lemma="strong:H0430">God</w> <w lemma="strong:H7363">moved</w> <w lemma="strong:H5921">upon</w> the <w lemma="strong:H6440">face</w> of the <w lemma="strong:H4325">waters</w>.  <div eID="gen3" type="x-p"/>"#
        let verse = MarkupCleaner.clean(markup)
        XCTAssertEqual(
            verse.text,
            "And the earth was without form, and void; and darkness was upon the face of the deep. "
                + "And the Spirit of God moved upon the face of the waters.")
        XCTAssertEqual(
            verse.strongs,
            ["H0776", "H1961", "H8414", "H0922", "H2822", "H6440", "H8415", "H7307", "H0430",
             "H7363", "H5921", "H4325"])
    }

    func testRunTogetherWordsAreSeparated() {
        // RV1909 II Corinthians 5:6 and Genesis 5:3: added words glued to their neighbours.
        let corinthians = #"<w lemma="strong:G3767">Así que</w><transChange type="added">vivimos</transChange><w lemma="strong:G2292">confiados</w> <w lemma="strong:G3842">siempre</w>, <w lemma="strong:G2532">y</w> <w lemma="strong:G1492">sabiendo</w>, <w lemma="strong:G3754">que</w> <w lemma="strong:G1736">entre tanto que estamos</w> <w lemma="strong:G1722">en</w> <w lemma="strong:G3588">el</w> <w lemma="strong:G4983">cuerpo</w>, <w lemma="strong:G1553">peregrinamos</w><transChange type="added">ausentes</transChange><w lemma="strong:G0575 G3588">del</w> <w lemma="strong:G2962">Señor</w>;"#
        let genesis = #"<w lemma="strong:H2421">Y vivió</w> <w lemma="strong:H0121">Adam</w> <w lemma="strong:H3967">ciento</w> <w lemma="strong:H7970">y treinta</w> <w lemma="strong:H8141">años</w>, <w lemma="strong:H3205">y engendró</w><transChange type="added">un hijo</transChange><w lemma="strong:H1823">á su semejanza</w>, <w lemma="strong:H6754">conforme á su imagen</w>, <w lemma="strong:H7121">y llamó</w> <w lemma="strong:H8034">su nombre</w> <w lemma="strong:H8352">Seth</w>."#
        XCTAssertEqual(
            MarkupCleaner.clean(corinthians).text,
            "Así que vivimos confiados siempre, y sabiendo, que entre tanto que estamos en el cuerpo, "
                + "peregrinamos ausentes del Señor;")
        XCTAssertEqual(
            MarkupCleaner.clean(genesis).text,
            "Y vivió Adam ciento y treinta años, y engendró un hijo á su semejanza, conforme á su "
                + "imagen, y llamó su nombre Seth.")
    }

    func testAddedPronounJoinsItsVerbOnly() {
        // RV1909 Genesis 19:12 ("sácalo") and I Samuel 14:1 ("no lo hizo saber").
        let genesis = #"<w lemma="strong:H0559">Y dijeron</w> <w lemma="strong:H0582">los varones</w> <w lemma="strong:H3876">á Lot</w>: ¿<w lemma="strong:H5750">Tienes</w> <w lemma="strong:H4310">aquí alguno</w> más? <w lemma="strong:H2860">Yernos</w>, <w lemma="strong:H1121">y tus hijos</w> <w lemma="strong:H1323">y tus hijas</w>, <w lemma="strong:H3605">y todo</w> <w lemma="strong:H0834">lo que</w> <w lemma="strong:H5750">tienes</w> <w lemma="strong:H5892">en la ciudad</w>, <w lemma="strong:H3318">sáca</w><transChange type="added">lo</transChange> <w lemma="strong:H4480">de</w> <w lemma="strong:H4725">este lugar</w>:"#
        let samuel = #"<w lemma="strong:H3117">Y UN día</w> <w lemma="strong:H1961">aconteció</w>, <w lemma="strong:H3129">que Jonathán</w> <w lemma="strong:H1121">hijo</w> <w lemma="strong:H7586">de Saúl</w> <w lemma="strong:H0559">dijo</w> <w lemma="strong:H5288">á su criado</w> <w lemma="strong:H5375">que le traía</w> <w lemma="strong:H3627">las armas</w>: <w lemma="strong:H3212">Ven</w>, <w lemma="strong:H5676">y pasemos</w> <w lemma="strong:H4673">á la guarnición</w> <w lemma="strong:H6430">de los Filisteos</w>, <w lemma="strong:H0834">que</w> <w lemma="strong:H5674">está á aquel lado</w>. <w lemma="strong:H3808">Y no</w><transChange type="added">lo</transChange><w lemma="strong:H5046">hizo saber</w> <w lemma="strong:H0001">á su padre</w>."#
        XCTAssertEqual(
            MarkupCleaner.clean(genesis).text,
            "Y dijeron los varones á Lot: ¿Tienes aquí alguno más? Yernos, y tus hijos y tus hijas, "
                + "y todo lo que tienes en la ciudad, sácalo de este lugar:")
        XCTAssertEqual(
            MarkupCleaner.clean(samuel).text,
            "Y UN día aconteció, que Jonathán hijo de Saúl dijo á su criado que le traía las armas: "
                + "Ven, y pasemos á la guarnición de los Filisteos, que está á aquel lado. "
                + "Y no lo hizo saber á su padre.")
    }

    func testWordSplitAcrossTagsStaysOneWord() {
        XCTAssertEqual(
            MarkupCleaner.clean(#"<w lemma="strong:G1144">with tear</w>s, <w lemma="strong:G5399">afrai</w>d"#).text,
            "with tears, afraid")
    }

    func testUSFMMarkersAreDropped() {
        // KJV Jonah 1:10
        let markup = #"Then were the <w lemma="strong:H0582">men</w> <w lemma="strong:H1419">exceedingly</w> <w lemma="strong:H3372">afraid</w>, and <w lemma="strong:H0559">said</w> unto him, Why hast thou <w lemma="strong:H6213">done</w> this? For the <w lemma="strong:H0582">men</w> <w lemma="strong:H3045">knew</w> that he <w lemma="strong:H1272">fled</w> from the <w lemma="strong:H6440">presence</w> of the \nd <w lemma="strong:H3068">LORD</w></divineName>, because he had <w lemma="strong:H5046">told</w> them.<note placement="foot"><reference type="annotateRef">1.10 </reference>exceedingly…: Heb. with great fear</note>  <div eID="gen6280" type="x-p"/>"#
        XCTAssertEqual(
            MarkupCleaner.clean(markup).text,
            "Then were the men exceedingly afraid, and said unto him, Why hast thou done this? For the "
                + "men knew that he fled from the presence of the LORD, because he had told them.")
        XCTAssertEqual(USFMMarkers.strip(#"throne of the \nd LORD\+nd*, therefore"#), "throne of the LORD, therefore")
    }

    func testEntitiesAreDecoded() {
        XCTAssertEqual(MarkupCleaner.clean("bread &amp; wine &lt;sic&gt;").text, "bread & wine <sic>")
    }

    /// The text `BibleCorpus` keeps for a verse at `reference`.
    private func cleaned(_ markup: String, at reference: Reference) -> String {
        BibleCorpus.cleaned(DumpEntry(reference: reference, markup: markup)).text
    }
}
