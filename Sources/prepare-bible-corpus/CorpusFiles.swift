import Foundation

/// Reads the dumps and writes the prepared files.
enum CorpusFiles {
    /// The verses of one mod2imp dump file; throws when it is unreadable or has none.
    static func readVerses(_ path: String) throws -> [DumpEntry] {
        let dump: String
        do {
            dump = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PrepareError.unreadable(path: path, reason: error.localizedDescription)
        }
        let verses = ModuleDump.verses(in: dump)
        if verses.isEmpty { throw PrepareError.noVerses(path: path) }
        return verses
    }

    /// Writes `lines`, one per line, to `directory/name` through a temporary file renamed
    /// into place, so that an interrupted run never leaves a truncated file.
    static func write(_ lines: [String], to directory: String, name: String) throws {
        let text = lines.map { $0 + "\n" }.joined()
        try write(text, to: directory, name: name)
    }

    /// Writes `text` atomically to `directory/name`, creating the directory if needed.
    static func write(_ text: String, to directory: String, name: String) throws {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw PrepareError.unwritable(path: url.path, reason: error.localizedDescription)
        }
    }
}
