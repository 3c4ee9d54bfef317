import Testing
import Translation

/// Rule-based sentence splitting per language, and joining translations back with the
/// text's own white space.
@Suite(.timeLimit(.minutes(10))) struct SentenceSplitterTests {
    @Test(arguments: [
        // Plain ends, with the space after them.
        ("en", "It rains. Take an umbrella! Is it cold? Yes… I think so.",
         ["It rains.", "Take an umbrella!", "Is it cold?", "Yes…", "I think so."]),
        // Abbreviations, initials and dotted letters end nothing; "I" does.
        ("en", "Dr. Smith met J. R. Jones at 5 p.m. Then they left. So did I. We stayed.",
         ["Dr. Smith met J. R. Jones at 5 p.m. Then they left.", "So did I.", "We stayed."]),
        ("en", "See e.g. the U.S. Army manual. It is long.", ["See e.g. the U.S. Army manual.", "It is long."]),
        // Decimals: no space after the point; a lowercase word after a point is no new sentence.
        ("en", "It costs 3.5 dollars. That is 2.75 more than in 2020. prices rose.",
         ["It costs 3.5 dollars.", "That is 2.75 more than in 2020. prices rose."]),
        // Quotes and brackets close the sentence before the split.
        ("en", "He said \"Stop.\" Then he left. (It was late.) \"Why?\" she asked.",
         ["He said \"Stop.\"", "Then he left.", "(It was late.)", "\"Why?\" she asked."]),
        ("es", "La Sra. García vive en la Avda. Central. ¿Dónde está la estación? ¡Qué bien! Vale.",
         ["La Sra. García vive en la Avda. Central.", "¿Dónde está la estación?", "¡Qué bien!", "Vale."]),
        ("es", "Dijo: «Ya voy.» Luego salió.", ["Dijo: «Ya voy.»", "Luego salió."]),
        ("de", "Das ist z.B. ein Test. Prof. Müller kommt um 3 Uhr. Er bringt ca. 20 Bücher mit.",
         ["Das ist z.B. ein Test.", "Prof. Müller kommt um 3 Uhr.", "Er bringt ca. 20 Bücher mit."]),
        ("de", "Sie sagte: „Ja.“ Dann ging sie.", ["Sie sagte: „Ja.“", "Dann ging sie."]),
        ("fr", "M. Dupont et Mme Martin sont arrivés. Il fait 3,5 degrés. « Bonjour ! » dit-il.",
         ["M. Dupont et Mme Martin sont arrivés.", "Il fait 3,5 degrés.", "« Bonjour ! » dit-il."]),
        // CJK ends need no space; quotes followed directly by text keep the sentence open.
        ("zh", "今天天气很好。我们去公园吧！你来吗？", ["今天天气很好。", "我们去公园吧！", "你来吗？"]),
        ("ja", "彼は「はい。」と言った。それから帰った。", ["彼は「はい。」と言った。", "それから帰った。"]),
        // Line breaks always end a sentence; paragraph breaks stay in the white space.
        ("en", "Title\n\nFirst line. Second line.\nLast", ["Title", "First line.", "Second line.", "Last"]),
        // An abbreviation of another language is no abbreviation here.
        ("en", "Call Sra. Lopez. Now.", ["Call Sra.", "Lopez.", "Now."]),
    ])
    func splitsSentences(language: String, text: String, expected: [String]) {
        let split = SentenceSplitter(language: language).split(text)
        #expect(split.sentences == expected)
        #expect(split.joined(split.sentences) == text, "joining the sentences gives the text back")
    }

    /// The white space around and between sentences is kept as it was, and translations
    /// are joined with it.
    @Test func translationsJoinWithTheOriginalWhiteSpace() {
        let text = "  Hola.  ¿Qué tal?\n\n\tBien.\n"
        let split = SentenceSplitter(language: "es-ES").split(text)
        #expect(split.sentences == ["Hola.", "¿Qué tal?", "Bien."])
        #expect(split.separators == ["  ", "  ", "\n\n\t", "\n"])
        #expect(split.joined(["Hello.", "How are you?", "Fine."]) == "  Hello.  How are you?\n\n\tFine.\n")
        #expect(SentenceSplitter(language: "es").split(" \n ") == SplitText(sentences: [], separators: [" \n "]))
        #expect(SentenceSplitter(language: "es").split("") == SplitText(sentences: [], separators: [""]))
        let lines = SentenceSplitter.lines("Uno. Dos.\n\n  tres  ")
        #expect(lines.sentences == ["Uno. Dos.", "tres"] && lines.separators == ["", "\n\n  ", "  "])
    }

    /// Texts' sentences come back to their texts in order, as `assemble` hands them out.
    @Test func assembleHandsTranslationsBackToTheirTexts() {
        let splitter = SentenceSplitter(language: "en")
        let splits = ["One. Two.", "Three.", " "].map(splitter.split)
        let translations = ["Uno.", "Dos.", "Tres."].map {
            SentenceTranslation(hypotheses: [TextHypothesis(text: $0, score: -1, logProbability: -2, tokens: 2)], sourceTokens: 2)
        }
        let texts = SplitTranslation.assemble(splits, translations)
        #expect(texts.map(\.text) == ["Uno. Dos.", "Tres.", " "])
        #expect(texts.map(\.sentences.count) == [2, 1, 0])
    }
}
