import FileIO
import Foundation

/// Reads the help pages (and interface strings) of two languages, aligns, splits and writes
/// the corpus: {train,valid,test}.{src,tgt} by language code, ui.{src,tgt} when asked,
/// and report.txt. Returns the report.
enum LibreOfficeCorpus {
    static func prepare(_ options: PrepareOptions) throws -> String {
        let source = try pages(in: options.helpRoot + "/" + options.source)
        let target = try pages(in: options.helpRoot + "/" + options.target)
        let alignment = HelpAligner.align(source: source, target: target)
        let split = PageSplit.split(alignment.pairs, heldOut: options.heldOut)
        let (s, t) = (PrepareOptions.suffix(options.source), PrepareOptions.suffix(options.target))
        for part in Split.allCases {
            let pairs = split.splits[part] ?? []
            try write(pairs.map(\.source), to: options.output, name: "\(part.rawValue).\(s)")
            try write(pairs.map(\.target), to: options.output, name: "\(part.rawValue).\(t)")
        }
        var interface: (kept: Int, dropped: [DropReason: Int])?
        if let directory = options.interfacePO {
            let heldOut = Set(((split.splits[.valid] ?? []) + (split.splits[.test] ?? [])).map { [$0.source, $0.target] })
            var kept: [(String, String)] = [], dropped: [DropReason: Int] = [:], seen = Set<[String]>()
            for file in try poFiles(in: directory) {
                let text: String
                do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                    throw PrepareError.unreadable(path: file, reason: error.localizedDescription)
                }
                let found = InterfaceStrings.pairs(InterfaceStrings.entries(po: text), englishIsSource: options.source.hasPrefix("en"))
                dropped.merge(found.dropped, uniquingKeysWith: +)
                for pair in found.pairs {
                    if heldOut.contains([pair.0, pair.1]) { dropped[.heldOut, default: 0] += 1 }
                    else if seen.insert([pair.0, pair.1]).inserted { kept.append(pair) }
                    else { dropped[.duplicate, default: 0] += 1 }
                }
            }
            try write(kept.map(\.0), to: options.output, name: "ui.\(s)")
            try write(kept.map(\.1), to: options.output, name: "ui.\(t)")
            interface = (kept.count, dropped)
        }
        let report = PrepareReport.render(options: options, sourcePages: source.count, targetPages: target.count,
                                          alignment: alignment, split: split, interface: interface)
        try write(report, to: options.output, name: "report.txt")
        return report
    }

    /// The paragraphs of every page under a language's directory, keyed by the path below it.
    static func pages(in directory: String) throws -> [String: [HelpParagraphs.Paragraph]] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw PrepareError.unreadable(path: directory, reason: "no such directory")
        }
        var pages: [String: [HelpParagraphs.Paragraph]] = [:]
        while let path = walker.nextObject() as? String {
            guard path.hasSuffix(".html") else { continue }
            let file = directory + "/" + path
            let html: String
            do { html = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw PrepareError.unreadable(path: file, reason: error.localizedDescription)
            }
            pages[path] = HelpParagraphs.paragraphs(in: html)
        }
        if pages.isEmpty { throw PrepareError.noPages(path: directory) }
        return pages
    }

    static func poFiles(in directory: String) throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw PrepareError.unreadable(path: directory, reason: error.localizedDescription)
        }
        return names.filter { $0.hasSuffix(".po") }.sorted().map { directory + "/" + $0 }
    }

    static func write(_ lines: [String], to directory: String, name: String) throws {
        try write(lines.map { $0 + "\n" }.joined(), to: directory, name: name)
    }

    /// Atomically (temporary file renamed into place), creating the directory if needed.
    static func write(_ text: String, to directory: String, name: String) throws {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try AtomicFile.write(Data(text.utf8), to: url)
        } catch {
            throw PrepareError.unwritable(path: url.path, reason: error.localizedDescription)
        }
    }
}
