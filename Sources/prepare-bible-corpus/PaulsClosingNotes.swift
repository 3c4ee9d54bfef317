/// Old printings end Paul's letters (and Hebrews) with a note saying where the letter was
/// written and who carried it: "Fué escrita á los Hebreos desde Italia con Timoteo." It
/// is no part of the letter. The KJV module keeps it after the chapter's end marker (see
/// `MarkupCleaner`); RV1909 runs it on after the last verse's final "Amén.".
enum PaulsClosingNotes {
    /// The letters that carry such a note, by their mod2imp book names.
    static let letters: Set<String> = [
        "Romans", "I Corinthians", "II Corinthians", "Galatians", "Ephesians",
        "Philippians", "Colossians", "I Thessalonians", "II Thessalonians", "I Timothy",
        "II Timothy", "Titus", "Philemon", "Hebrews",
    ]

    /// The verse text without a closing note: in these letters, text after "Amén." that
    /// says the letter was written ("escrita") or sent ("enviada").
    static func strip(_ text: String, at reference: Reference) -> String {
        guard letters.contains(reference.book),
              let amen = text.ranges(of: "Amén.").last else { return text }
        let note = text[amen.upperBound...].lowercased()
        guard note.contains("escrita") || note.contains("enviada") else { return text }
        return String(text[..<amen.upperBound])
    }
}
