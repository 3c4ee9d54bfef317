/// Accumulates the visible text of a verse while its markup is walked, and decides
/// where words need a space that the markup left out.
struct VisibleTextBuilder {
    /// What separates the text so far from the next run when no whitespace does.
    enum Boundary {
        /// Nothing: the runs are parts of one word (the WEB splits "tear</w>s").
        case none
        /// A `<transChange>` starts or ends there (see `RunTogetherWords`).
        case transChange
        /// Dropped content, such as a footnote, stood there in place of a space.
        case droppedContent
    }

    private var raw = ""
    private var boundary = Boundary.none

    /// Appends a run of text as written, minus the KJV's ¶ paragraph signs and USFM
    /// markers.
    mutating func append<S: StringProtocol>(_ text: S) {
        var visible = USFMMarkers.strip(XMLEntities.decode(String(text)))
        if visible.unicodeScalars.contains("¶") { visible = visible.replacingAll("¶", with: "") }
        if needsSpace(before: visible) { raw.append(" ") }
        boundary = .none
        raw.append(visible)
    }

    /// Whether the boundary before `next` separates two words that would otherwise touch.
    private func needsSpace(before next: String) -> Bool {
        guard let previous = raw.last, let first = next.first,
              previous.isLetter || previous.isNumber, first.isLetter || first.isNumber
        else { return false }
        switch boundary {
        case .none: return false
        case .droppedContent: return true
        case .transChange: return !RunTogetherWords.joins(previousWord: lastWord, addedText: next)
        }
    }

    /// Separates what comes next from what came before (line, paragraph, title ends).
    mutating func appendSpace() {
        raw.append(" ")
    }

    /// Notes what separates the text so far from the next run of text.
    mutating func mark(_ boundary: Boundary) {
        self.boundary = boundary
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
    /// The string with every occurrence of `target` replaced.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false)
            .joined(separator: replacement)
    }
}
