/// The predefined XML entities, the only ones OSIS text contains (the WEB writes `&amp;`).
enum XMLEntities {
    static let replacements: [(entity: String, character: String)] = [
        ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&"),
    ]

    /// Text with entities replaced by their characters; `&amp;` last, so that "&amp;lt;"
    /// stays "&lt;".
    static func decode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        return replacements.reduce(text) { $0.replacingAll($1.entity, with: $1.character) }
    }
}
