import Foundation
import Testing
@testable import prepare_libreoffice_corpus

/// The aligner and its parts on small help pages and catalogues written here.
@Suite(.timeLimit(.minutes(10))) struct LibreOfficeCorpusTests {
    static func page(_ body: String, language: String = "de") -> String {
        """
        <!DOCTYPE html><html lang="\(language)"><head><title>t</title></head><body>
        <div id="DisplayArea">\(body)</div></body></html>
        """
    }

    @Test func paragraphsAreKeyedByIdInDocumentOrderWithMarkupStripped() {
        let html = Self.page("""
            <h1 id="hd_id1" dir="auto">Tabellen &amp; Zellen</h1>
            <p id="par_id2" class="paragraph">Wählen Sie <span class="emph">Format –\n Zellen</span>&nbsp;aus.</p>
            <p class="paragraph">No id: not translatable.</p>
            <p id="bm_id3">Bookmark ids are not paragraphs.</p>
            <p id="par_id2">Embedded again &#8211; second &#x2013; occurrence.</p>
            """)
        let paragraphs = HelpParagraphs.paragraphs(in: html)
        #expect(paragraphs.map(\.key) == ["hd_id1", "par_id2", "par_id2#1"])
        #expect(paragraphs.map(\.text) == ["Tabellen & Zellen", "Wählen Sie Format – Zellen aus.",
                                           "Embedded again – second – occurrence."])
    }

    @Test func switchesKeepTheDefaultTextOnly() {
        let html = Self.page("""
            <p id="par_id1">Wählen Sie <span class="switchinline"><span hidden="true" class="MAC"><span class="emph">\
            LibreOffice – Einstellungen</span></span><span hidden="true" id="default1"><span class="emph">Extras – Optionen\
            </span></span></span><span class="emph"> – Laden/Speichern</span>.</p>
            """)
        #expect(HelpParagraphs.paragraphs(in: html).map(\.text) == ["Wählen Sie Extras – Optionen – Laden/Speichern."])
    }

    @Test func alignmentPairsByPageAndIdAndCountsWhatItDrops() {
        let p = HelpParagraphs.Paragraph.init
        let source = ["a.html": [p("par_1", "Erster Absatz hier."), p("par_2", ""), p("par_3", "Same text in both languages"),
                                 p("par_4", "LibreOffice Calc"), p("par_5", "Nur deutsch.")],
                      "b.html": [p("par_1", "Seite fehlt.")]]
        let target = ["a.html": [p("par_1", "First paragraph here."), p("par_2", "Empty source"),
                                 p("par_3", "Same text in both languages"), p("par_4", "LibreOffice Calc")]]
        let alignment = HelpAligner.align(source: source, target: target)
        #expect(alignment.pairs.map(\.source) == ["Erster Absatz hier.", "LibreOffice Calc"])
        #expect(alignment.pairs.map(\.target) == ["First paragraph here.", "LibreOffice Calc"])
        #expect(alignment.dropped == [.empty: 1, .untranslated: 1, .paragraphMissing: 1, .pageMissing: 1])
    }

    @Test func splitsByPageAndKeepsEachPairInOneSplitOnly() {
        var pairs: [AlignedPair] = []
        for page in 0..<40 {
            for i in 0..<5 { pairs.append(AlignedPair(page: "p\(page).html", source: "s\(page).\(i)", target: "t\(page).\(i)")) }
            // A note repeated on every page.
            pairs.append(AlignedPair(page: "p\(page).html", source: "Hinweis", target: "Note"))
        }
        let result = PageSplit.split(pairs, heldOut: 10)
        var pageOf: [String: Split] = [:]
        for split in Split.allCases {
            for pair in result.splits[split] ?? [] {
                #expect(pageOf[pair.page] == nil || pageOf[pair.page] == split, "page \(pair.page) in two splits")
                pageOf[pair.page] = split
            }
        }
        let all = Split.allCases.flatMap { result.splits[$0] ?? [] }
        #expect(all.filter { $0.source == "Hinweis" }.count == 1)
        #expect(result.splits[.test]?.contains { $0.source == "Hinweis" } == true, "the first split that meets it keeps it")
        #expect((result.splits[.test]?.count ?? 0) >= 10 && (result.splits[.valid]?.count ?? 0) >= 10)
        #expect(all.count + result.duplicates == pairs.count)
        let pagesReversed = stride(from: 39, through: 0, by: -1).flatMap { page in pairs.filter { $0.page == "p\(page).html" } }
        #expect(PageSplit.split(pagesReversed, heldOut: 10).splits == result.splits, "the order of the pages does not matter")
    }

    @Test func interfaceStringsLoseAcceleratorsKeepPlaceholdersAndSkipPlurals() {
        let po = #"""
            msgid ""
            msgstr ""
            "Content-Type: text/plain; charset=UTF-8\n"

            msgctxt "menu|file"
            msgid "~File"
            msgstr "~Datei"

            msgctxt "dialog|label"
            msgid "_Name:"
            msgstr "_Name:"

            msgctxt "dialog|label2"
            msgid "Insert _Table"
            msgstr "_Tabelle einfügen"

            msgctxt "STR_FILE_NAME"
            msgid "file_name stays"
            msgstr "Datei_name bleibt, weil nicht beide"

            msgctxt "msg"
            msgid "Sheet %1 of "
            "%2"
            msgstr "Tabelle %1 von %2"

            msgctxt "msg2"
            msgid "%PRODUCTNAME needs %1"
            msgstr "%PRODUCTNAME braucht"

            msgctxt "plural"
            msgid "%1 row"
            msgid_plural "%1 rows"
            msgstr[0] "%1 Zeile"
            msgstr[1] "%1 Zeilen"

            msgctxt "untranslated"
            msgid "Not yet"
            msgstr ""
            """#
        let entries = InterfaceStrings.entries(po: po)
        #expect(entries.count == 9)
        let (pairs, dropped) = InterfaceStrings.pairs(entries, englishIsSource: false)
        #expect(pairs.map(\.0) == ["Datei", "Name:", "Tabelle einfügen", "Datei_name bleibt, weil nicht beide", "Tabelle %1 von %2"])
        #expect(pairs.map(\.1) == ["File", "Name:", "Insert Table", "file_name stays", "Sheet %1 of %2"])
        #expect(dropped == [.placeholders: 1])
    }

    @Test func theCommandWritesTheSameFilesTwice() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lo-corpus-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        for (language, words) in [("de", ["Absatz", "Seite"]), ("en-US", ["Paragraph", "Page"])] {
            for page in 0..<6 {
                let directory = root.appendingPathComponent("help/\(language)/text/m\(page % 2)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let body = (0..<4).map { "<p id=\"par_id\($0)\">\(words[0]) \($0) \(words[1]) \(page)</p>" }.joined(separator: "\n")
                try Self.page(body, language: language).write(to: directory.appendingPathComponent("p\(page).html"), atomically: true,
                                                               encoding: .utf8)
            }
        }
        func run(_ output: String) throws -> [String: Data] {
            let options = try PrepareOptions(arguments: ["--help-root", root.appendingPathComponent("help").path, "--source", "de",
                                                         "--target", "en-US", "--output", output, "--held-out", "4"])
            _ = try LibreOfficeCorpus.prepare(options)
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: output) {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: output + "/" + name))
            }
            return files
        }
        let first = try run(root.appendingPathComponent("out1").path), second = try run(root.appendingPathComponent("out2").path)
        #expect(first == second)
        #expect(Set(first.keys) == ["train.de", "train.en", "valid.de", "valid.en", "test.de", "test.en", "report.txt"])
        let test = String(decoding: first["test.de"]!, as: UTF8.self).split(separator: "\n")
        #expect(test.count == 4 && test.allSatisfy { $0.hasPrefix("Absatz") })
        #expect(String(decoding: first["report.txt"]!, as: UTF8.self).contains("pairs kept: 24"))
    }

    @Test func badArgumentsAndMissingPagesAreClearErrors() {
        #expect(throws: PrepareError.self) { try PrepareOptions(arguments: ["--source", "de"]) }
        #expect(throws: PrepareError.self) {
            try LibreOfficeCorpus.prepare(PrepareOptions(arguments: ["--help-root", "/nonexistent", "--source", "de",
                                                                     "--target", "en-US", "--output", "/tmp/x"]))
        }
    }
}
