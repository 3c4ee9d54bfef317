/// Psalm 119 is an acrostic: each stanza of eight verses opens with the name of a Hebrew
/// letter. The translations print it as a heading, which the modules put in front of the
/// stanza's first verse: "ALEPH. BIENAVENTURADOS…" (RV1909, plain text), a canonical
/// title "ALEPH" (WEB), a title "א ALEPH." (KJV). None of it is verse text.
enum AcrosticLetters {
    /// The letter names as the three translations spell them.
    static let letterNames: Set<Substring> = [
        "ALEPH", "BETH", "GIMEL", "DALETH", "HE", "VAU", "VAV", "WAW", "ZAIN", "ZAYIN",
        "CHETH", "HETH", "TETH", "JOD", "YOD", "YODH", "CAPH", "KAPH", "LAMED", "LAMEDH",
        "MEM", "NUN", "SAMECH", "SAMEKH", "AIN", "AYIN", "PE", "TZADDI", "TZADHI", "COPH",
        "QOPH", "RESH", "SIN", "SHIN", "TAU", "TAV",
    ]

    /// The verse text without a leading letter heading, for verses of Psalm 119; other
    /// verses are returned unchanged ("HE aquí" opens many chapters elsewhere).
    static func strip(_ text: String, at reference: Reference) -> String {
        guard reference.book == "Psalms", reference.chapter == 119 else { return text }
        var words = text.split(separator: " ", omittingEmptySubsequences: true)[...]
        if let first = words.first, first.unicodeScalars.allSatisfy(isHebrewLetter) {
            words = words.dropFirst()
        }
        guard let name = words.first, letterNames.contains(name.trimmingSuffix(".")) else {
            return text
        }
        return words.dropFirst().joined(separator: " ")
    }

    /// The Hebrew block's letters (א…ת), which the KJV prints before the letter's name.
    static func isHebrewLetter(_ scalar: Unicode.Scalar) -> Bool {
        (0x05D0...0x05EA).contains(scalar.value)
    }
}

extension Substring {
    /// The substring without one trailing `suffix`, if it has one.
    func trimmingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : self
    }
}
