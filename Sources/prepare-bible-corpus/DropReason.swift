/// Why a Spanish verse did not become a training pair (an `Error` only so that it can be
/// the failure of a `Result`).
enum DropReason: String, CaseIterable, Error {
    case emptySpanish = "Spanish verse empty (its text sits in a neighbouring verse)"
    case noMatchingVerse = "no nearby KJV verse shares its Strong's numbers"
    case duplicateMatch = "a neighbouring Spanish verse matches the same English verse better"
    case emptyEnglish = "WEB verse empty"
    case emptyKJV = "KJV verse empty"
    case implausibleLength = "implausible Spanish/English length ratio"
}
