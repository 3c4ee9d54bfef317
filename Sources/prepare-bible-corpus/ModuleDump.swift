/// One entry of a mod2imp dump: a verse reference and its raw OSIS markup.
struct DumpEntry: Equatable {
    let reference: Reference
    let markup: String
}

/// Reads the text that `mod2imp MODULE` prints: each entry is a `$$$key` line followed
/// by the entry's markup (usually one line, occasionally several).
enum ModuleDump {
    /// The verse entries in dump order (which is canonical order). Book and chapter
    /// introductions (verse 0) and non-verse keys are left out: they are no verse text.
    static func verses(in dump: String) -> [DumpEntry] {
        var entries: [DumpEntry] = []
        var reference: Reference?
        var lines: [Substring] = []
        func flush() {
            if let reference, reference.chapter > 0, reference.verse > 0 {
                entries.append(DumpEntry(reference: reference, markup: lines.joined(separator: "\n")))
            }
            lines.removeAll(keepingCapacity: true)
        }
        // Split on the byte: splitting on Characters costs a fifth of the whole run.
        for bytes in dump.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let line = Substring(bytes)
            if line.hasPrefix("$$$") {
                flush()
                reference = Reference(key: line.dropFirst(3))
            } else {
                lines.append(line)
            }
        }
        flush()
        return entries
    }
}
