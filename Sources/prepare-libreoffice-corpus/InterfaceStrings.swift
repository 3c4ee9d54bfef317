import Foundation

/// LibreOffice's interface strings from its gettext catalogues (as `msgunfmt` prints the
/// .mo files of `libreoffice-l10n-*`): msgid is the English text, msgstr the translation.
///
/// Handling, for a corpus of plain text:
/// - Accelerator markers are removed: `~` (LibreOffice's marker, "X-Accelerator-Marker: ~"),
///   and `_`, the GTK mnemonic of .ui labels, in strings from .ui files (their msgctxt is
///   "dialog|widget") where each side has exactly one `_` followed by a letter; other
///   underscores (identifiers, file names in messages) stay.
/// - Placeholders (`%1`, `%PRODUCTNAME`, `%s`, `$(ARG1)`, `$1`) stay verbatim on both
///   sides, as tokens the model learns to copy; a pair whose sides hold different
///   placeholders is dropped.
/// - The header entry (empty msgid), plural entries and untranslated entries (empty
///   msgstr) are skipped.
enum InterfaceStrings {
    struct Entry: Equatable {
        var context = ""
        var english = ""
        var translation = ""
        var isPlural = false
    }

    /// The entries of a .po text. Strings are C-escaped and may continue on lines of their
    /// own ("…"); only what msgunfmt writes is read.
    static func entries(po text: String) -> [Entry] {
        var entries: [Entry] = []
        var current = Entry(), field: WritableKeyPath<Entry, String>?
        var started = false
        func finish() {
            if started { entries.append(current) }
            current = Entry(); field = nil; started = false
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { finish(); continue }
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("\"") {
                if let field { current[keyPath: field] += unquote(line) }
                continue
            }
            guard let space = line.firstIndex(of: " ") else { continue }
            let keyword = line[..<space], value = unquote(line[line.index(after: space)...])
            started = true
            switch keyword {
            case "msgctxt": field = \.context
            case "msgid": field = \.english
            case "msgid_plural": current.isPlural = true; field = nil
            case "msgstr": field = \.translation
            default:
                // msgstr[0], msgstr[1] … of a plural entry.
                field = nil
                continue
            }
            if let field { current[keyPath: field] = value }
        }
        finish()
        return entries
    }

    /// The text of a quoted .po string, C escapes decoded.
    static func unquote(_ quoted: Substring) -> String {
        var body = quoted
        if body.first == "\"" { body = body.dropFirst() }
        if body.last == "\"" { body = body.dropLast() }
        var out = ""
        var escaped = false
        for c in body {
            if escaped {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// Source and target texts of the usable entries, accelerators removed; `englishIsSource`
    /// says which side msgid is. Multi-line strings become one line.
    static func pairs(_ entries: [Entry], englishIsSource: Bool) -> (pairs: [(String, String)], dropped: [DropReason: Int]) {
        var pairs: [(String, String)] = [], dropped: [DropReason: Int] = [:]
        for entry in entries where !entry.english.isEmpty && !entry.isPlural {
            var (english, translation) = (entry.english, entry.translation)
            if translation.isEmpty { continue }
            english = english.replacingAll("~", with: "")
            translation = translation.replacingAll("~", with: "")
            if entry.context.contains("|") && mnemonics(english) == 1 && mnemonics(translation) == 1 {
                english = removingMnemonic(english)
                translation = removingMnemonic(translation)
            }
            english = HTMLText.collapseWhitespace(english)
            translation = HTMLText.collapseWhitespace(translation)
            let (source, target) = englishIsSource ? (english, translation) : (translation, english)
            if let reason = HelpAligner.dropReason(source: source, target: target) {
                dropped[reason, default: 0] += 1
            } else if placeholders(source) != placeholders(target) {
                dropped[.placeholders, default: 0] += 1
            } else {
                pairs.append((source, target))
            }
        }
        return (pairs, dropped)
    }

    /// How many `_` are followed by a letter.
    static func mnemonics(_ text: String) -> Int {
        zip(text, text.dropFirst()).filter { $0 == "_" && $1.isLetter }.count
    }

    static func removingMnemonic(_ text: String) -> String {
        var out = "", previous: Character?
        for c in text {
            if let p = previous, p == "_", c.isLetter { out.removeLast() }
            out.append(c)
            previous = c
        }
        return out
    }

    /// The placeholders of a string, sorted: %1 … %9, %NAME, %s/%d, $(ARG1), $1.
    static func placeholders(_ text: String) -> [String] {
        var found: [String] = []
        let characters = Array(text)
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if c == "%" || c == "$", i + 1 < characters.count {
                var j = i + 1
                if c == "$" && characters[j] == "(" {
                    while j < characters.count && characters[j] != ")" { j += 1 }
                    if j < characters.count { found.append(String(characters[i...j])); i = j + 1; continue }
                } else {
                    while j < characters.count && (characters[j].isNumber || characters[j].isUppercase || characters[j] == "_") { j += 1 }
                    if j == i + 1 && c == "%" && j < characters.count && "sd".contains(characters[j]) { j += 1 }
                    if j > i + 1 { found.append(String(characters[i..<j])); i = j; continue }
                }
            }
            i += 1
        }
        return found.sorted()
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }
}
