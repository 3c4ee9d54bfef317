/// The KJV module has a few USFM character markers left in its text, around the divine
/// name: "the \nd LORD\+nd*". They are formatting, not words.
enum USFMMarkers {
    /// `text` without markers: a backslash, an optional "+", letters and digits, then
    /// either "*" (a closing marker) or the space that belongs to an opening marker.
    static func strip(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "\\")) else { return text }
        var result = ""
        var rest = text[...]
        while let backslash = rest.firstIndex(of: "\\") {
            result += rest[..<backslash]
            var marker = rest[rest.index(after: backslash)...]
            if marker.first == "+" { marker = marker.dropFirst() }
            marker = marker.drop(while: { $0.isLetter || $0.isNumber })
            if marker.first == "*" || marker.first == " " { marker = marker.dropFirst() }
            rest = marker
        }
        return result + rest
    }
}
