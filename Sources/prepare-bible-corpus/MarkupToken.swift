/// One piece of OSIS markup: a run of text, or a tag.
enum MarkupToken: Equatable {
    case text(Substring)
    case tag(MarkupTag)

    /// Splits markup into text runs and tags. Text between tags is returned as written
    /// (entities are decoded later, on the visible text only).
    static func tokens(in markup: String) -> [MarkupToken] {
        var tokens: [MarkupToken] = []
        let bytes = markup.utf8
        var position = markup.startIndex
        while position < markup.endIndex {
            guard let open = bytes[position...].firstIndex(of: UInt8(ascii: "<")),
                  let close = bytes[open...].firstIndex(of: UInt8(ascii: ">"))
            else {
                tokens.append(.text(markup[position...]))
                break
            }
            if open > position { tokens.append(.text(markup[position..<open])) }
            tokens.append(.tag(MarkupTag(source: markup[open...close])))
            position = markup.index(after: close)
        }
        return tokens
    }
}

/// A tag such as `<w lemma="strong:H7225">`, `</w>` or `<chapter eID="Gen.1"/>`.
struct MarkupTag: Equatable {
    enum Kind: Equatable {
        case opening, closing, empty
    }

    /// The whole tag, angle brackets included; attributes are read from it on demand.
    let source: Substring
    let kind: Kind
    let name: Substring

    init(source: Substring) {
        self.source = source
        let inner = source.dropFirst().dropLast()
        if inner.hasPrefix("/") {
            kind = .closing
        } else if inner.hasSuffix("/") {
            kind = .empty
        } else {
            kind = .opening
        }
        let body = inner.drop(while: { $0 == "/" })
        name = body.prefix(while: { $0 != " " && $0 != "/" })
    }

    /// The value of `key="value"`, or nil when the tag has no such attribute.
    func attribute(_ key: String) -> Substring? {
        // Searched byte by byte: this runs for every word of the Bible three times over,
        // and the generic substring search costs a quarter of the whole run.
        let pattern = Array(" \(key)=\"".utf8)
        let bytes = source.utf8
        var start = bytes.startIndex
        while let space = bytes[start...].firstIndex(of: pattern[0]) {
            if bytes[space...].starts(with: pattern) {
                let valueStart = bytes.index(space, offsetBy: pattern.count)
                guard let end = bytes[valueStart...].firstIndex(of: UInt8(ascii: "\""))
                else { return nil }
                return source[valueStart..<end]
            }
            start = bytes.index(after: space)
        }
        return nil
    }
}
