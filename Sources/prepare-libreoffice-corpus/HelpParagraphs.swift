import Foundation

/// The translatable paragraphs of one LibreOffice help page: every `p` and `h1`–`h6`
/// element with an `id` of `par_id…` or `hd_id…` (the ids LibreOffice's translation tools
/// give a paragraph, the same in every language), in document order.
///
/// A page may hold one paragraph id several times (sections embedded from other pages); the
/// k-th occurrence of an id is keyed `id#k`, and the same sections appear in the same order
/// in every language.
enum HelpParagraphs {
    struct Paragraph: Equatable {
        let key: String
        let text: String
    }

    static func paragraphs(in html: String) -> [Paragraph] {
        var found: [Paragraph] = []
        var occurrences: [String: Int] = [:]
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            rest = rest[rest.index(after: open)...]
            let name = String(rest.prefix { $0.isLetter || $0.isNumber }).lowercased()
            guard ["p", "h1", "h2", "h3", "h4", "h5", "h6"].contains(name),
                  let tagEnd = rest.firstIndex(of: ">") else { continue }
            let attributes = rest[..<tagEnd]
            guard let id = attribute("id", in: attributes), id.hasPrefix("par_id") || id.hasPrefix("hd_id") else { continue }
            let content = rest[rest.index(after: tagEnd)...]
            // Neither p nor h1–h6 nests in itself, so the element ends at the first closing tag.
            guard let close = content.range(of: "</\(name)>", options: .caseInsensitive) else { continue }
            let k = occurrences[id, default: 0]
            occurrences[id] = k + 1
            found.append(Paragraph(key: k == 0 ? id : "\(id)#\(k)", text: HTMLText.visible(content[..<close.lowerBound])))
            rest = content[close.upperBound...]
        }
        return found
    }

    /// The value of `name="…"` in a tag's attributes.
    static func attribute(_ name: String, in attributes: Substring) -> String? {
        guard let start = attributes.range(of: " \(name)=\"") else { return nil }
        let value = attributes[start.upperBound...]
        return value.firstIndex(of: "\"").map { String(value[..<$0]) }
    }
}
