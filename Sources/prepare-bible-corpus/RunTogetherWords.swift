/// RV1909 marks the words its translators added (printed in italics) with
/// `<transChange>`, and the module leaves no space between that element and its
/// neighbours: "engendró</w><transChange>un hijo" reads "engendróun hijo" once the tags
/// are gone. A space is put back, except where the added text is a pronoun attached to
/// the verb before it ("sáca</w><transChange>lo" is "sácalo", "díjo…le" is "díjole").
enum RunTogetherWords {
    /// Object pronouns that Spanish writes joined to the end of a verb.
    static let enclitics: Set<String> = [
        "lo", "la", "le", "los", "las", "les", "nos", "os", "me", "te", "se",
    ]

    /// Words that an added pronoun follows as a separate word in RV1909 ("no lo hizo",
    /// "Josué los circuncidó"): every word seen before a glued pronoun that is not a verb.
    static let separateWordsBeforePronoun: Set<String> = [
        "y", "e", "que", "no", "como", "cuánto", "os", "ellos", "gentes",
        "jehová", "dios", "josué",
    ]

    /// Whether `addedText`, glued to `previousWord` in the markup, is part of that word.
    static func joins(previousWord: Substring, addedText: String) -> Bool {
        enclitics.contains(addedText)
            && !separateWordsBeforePronoun.contains(previousWord.lowercased())
    }
}
