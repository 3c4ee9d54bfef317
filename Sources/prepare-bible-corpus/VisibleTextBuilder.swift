/// Accumulates the visible text of a verse while its markup is walked, and decides
/// where words need a space that the markup left out.
struct VisibleTextBuilder {
    private var raw = ""
    private var atTransChangeBoundary = false

    /// Appends a run of text as written, minus the KJV's ¶ paragraph signs.
    mutating func append<S: StringProtocol>(_ text: S) {
        let visible = XMLEntities.decode(String(text)).replacingAll("¶", with: "")
        if atTransChangeBoundary, let previous = raw.last, let next = visible.first,
           previous.isLetter, next.isLetter,
           !RunTogetherWords.joins(previousWord: lastWord, addedText: visible) {
            raw.append(" ")
        }
        atTransChangeBoundary = false
        raw.append(visible)
    }

    /// Separates what comes next from what came before (line, paragraph, title ends).
    mutating func appendSpace() {
        raw.append(" ")
    }

    /// Notes that a `<transChange>` starts or ends before the next text.
    mutating func markTransChangeBoundary() {
        atTransChangeBoundary = true
    }

    /// The text so far with runs of whitespace collapsed to one space, trimmed.
    var text: String {
        raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The letters at the end of the text so far.
    private var lastWord: Substring {
        let start = raw.lastIndex(where: { !$0.isLetter }).map(raw.index(after:)) ?? raw.startIndex
        return raw[start...]
    }
}

extension String {
    /// The string with every occurrence of `target` replaced (no Foundation bridging).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false)
            .joined(separator: replacement)
    }
}
