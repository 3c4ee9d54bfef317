/// The readable content of one verse: its text and the Strong's numbers tagged in it.
struct CleanVerse: Equatable {
    /// Plain text, whitespace collapsed, no markup.
    var text: String
    /// Strong's numbers ("H7225", "G2316") of the words that are part of the text;
    /// they tell which verse of another translation says the same thing.
    var strongs: Set<Substring>
}
