/// The visible text of an HTML fragment: tags removed, character references decoded,
/// whitespace runs (spaces, tabs, newlines, no-break spaces) collapsed to one space and
/// trimmed.
enum HTMLText {
    /// The named references LibreOffice's help pages use, and the five of XML.
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
    ]

    static func visible(_ fragment: Substring) -> String {
        var text = ""
        var index = fragment.startIndex
        while index < fragment.endIndex {
            let c = fragment[index]
            if c == "<", let close = fragment[index...].firstIndex(of: ">") {
                let tag = fragment[fragment.index(after: index)..<close]
                // A tag: <br> and block tags separate words; inline tags do not.
                let name = tag.prefix { $0.isLetter || $0.isNumber || $0 == "/" }
                if ["br", "br/", "p", "/p", "div", "/div", "li", "/li"].contains(name.lowercased()) { text.append(" ") }
                index = fragment.index(after: close)
                if name == "span" && tag.contains("hidden=\"true\"") && tag.contains(" class=\"") {
                    index = endOfSpan(in: fragment, after: index)
                }
            } else if c == "&", let (decoded, next) = reference(in: fragment, at: index) {
                text += decoded
                index = next
            } else {
                text.append(c)
                index = fragment.index(after: index)
            }
        }
        return collapseWhitespace(text)
    }

    /// Where the span whose opening tag ends before `start` ends (after its `</span>`,
    /// nested spans counted). A "switchinline" span holds one hidden span per system or
    /// module (class MAC, WIN, CALC, WRITER …) and one without a class, the default text
    /// that the help shows on other systems; the classed ones are skipped, so a paragraph
    /// reads as on Linux ("Extras – Optionen", not "LibreOffice – EinstellungenExtras –
    /// Optionen").
    static func endOfSpan(in text: Substring, after start: Substring.Index) -> Substring.Index {
        var depth = 1, index = start
        while depth > 0, let open = text[index...].firstIndex(of: "<") {
            let rest = text[text.index(after: open)...]
            if rest.hasPrefix("/span>") { depth -= 1 } else if rest.hasPrefix("span") { depth += 1 }
            index = rest.firstIndex(of: ">").map { text.index(after: $0) } ?? text.endIndex
        }
        return depth > 0 ? text.endIndex : index
    }

    /// The character reference starting at `start` ("&amp;", "&#160;", "&#xA0;") and the
    /// index after it; nil when it is not one (the "&" then stands for itself).
    static func reference(in text: Substring, at start: Substring.Index) -> (String, Substring.Index)? {
        guard let semicolon = text[start...].prefix(12).firstIndex(of: ";") else { return nil }
        let body = text[text.index(after: start)..<semicolon]
        let next = text.index(after: semicolon)
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, let scalar = Unicode.Scalar(value) else { return nil }
            return (String(Character(scalar)), next)
        }
        return named[String(body)].map { ($0, next) }
    }

    static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
