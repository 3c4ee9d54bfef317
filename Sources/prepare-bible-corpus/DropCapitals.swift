/// RV1909 prints the first word of every chapter in capitals, as the printed edition's
/// drop capital does: "EN el principio", "Y UN día aconteció", "Salmo de David. ¡OH
/// Jehová". Left alone, 1,188 verses would teach a model capitalised words that occur
/// nowhere else. The word gets the casing it has elsewhere in the text ("Jehová" keeps its
/// capital, "un" does not), and a capital at the start of a sentence.
struct DropCapitals {
    /// How often each word form occurs in the text, capitalised words seen apart from
    /// their lowercase forms.
    private var counts: [Substring: Int] = [:]

    /// Counts the word forms of `texts`, leaving out words in capitals.
    init<Texts: Sequence>(vocabularyOf texts: Texts) where Texts.Element == String {
        for text in texts {
            for word in text.split(whereSeparator: { !$0.isLetter }) where !Self.isCapitals(word) {
                counts[word, default: 0] += 1
            }
        }
    }

    /// `text` (the first verse of a chapter) with its first word in capitals recased.
    func restore(_ text: String) -> String {
        guard let word = firstWordInCapitals(of: text) else { return text }
        let lowercase = word.lowercased()
        let capitalised = lowercase.prefix(1).uppercased() + lowercase.dropFirst()
        let usesCapital = Self.startsSentence(at: word.startIndex, in: text)
            || counts[Substring(capitalised), default: 0] > counts[Substring(lowercase), default: 0]
        return text[..<word.startIndex] + (usesCapital ? capitalised : lowercase) + text[word.endIndex...]
    }

    /// The first word of two or more letters that are all capitals.
    private func firstWordInCapitals(of text: String) -> Substring? {
        text.split(whereSeparator: { !$0.isLetter }).first(where: Self.isCapitals)
    }

    /// Two or more letters, all capitals.
    static func isCapitals(_ word: Substring) -> Bool {
        word.count > 1 && word.allSatisfy(\.isUppercase)
    }

    /// Whether only opening marks (¡ ¿ “) stand between `index` and the verse's start or
    /// the end of a sentence.
    static func startsSentence(at index: String.Index, in text: String) -> Bool {
        let trimmed = text[..<index].reversed().drop(while: { $0 == " " || "¡¿“(".contains($0) })
        guard let previous = trimmed.first else { return true }
        return ".!?".contains(previous)
    }
}
