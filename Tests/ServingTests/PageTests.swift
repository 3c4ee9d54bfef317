import Foundation
import Testing
import TestSupport

/// The page `nmt serve` serves, in headless Chromium: a sentence typed into the source
/// box, the button pressed, and the translation and n-best read back from the page.
///
/// Set NMT_PAGE_MODEL (a checkpoint; give NMT_PAGE_SENTENCE and NMT_PAGE_FLAGS with it,
/// and NMT_PAGE_PORT to use a server already serving it) and NMT_SCREENSHOT (a PNG path)
/// to take the README's screenshot with a real model.
@Suite(.serialized, .timeLimit(.minutes(10))) struct PageTests {
    static let environment = ProcessInfo.processInfo.environment

    @Test(.enabled(if: ChromiumSession.executable != nil, "chromium is not installed (scripts/install-system-packages.sh installs it)"))
    func typeTranslateAndReadTheAnswer() throws {
        let model = Self.environment["NMT_PAGE_MODEL"].map { URL(fileURLWithPath: $0) } ?? ServedModel.checkpoint
        let sentence = Self.environment["NMT_PAGE_SENTENCE"] ?? ServedModel.sources(1)[0]
        let flags = Self.environment["NMT_PAGE_FLAGS"].map { $0.split(separator: " ").map(String.init) } ?? ServedModel.searchFlags
        // NMT_PAGE_PORT: a server already running with that model (a release build, for the
        // screenshot's timing), instead of this build's.
        let server: ServeCommandTests.Server?, port: Int
        if let given = Self.environment["NMT_PAGE_PORT"] {
            server = nil
            port = try #require(Int(given), "NMT_PAGE_PORT must be a port number, got \(given)")
        } else {
            let started = try ServeCommandTests.Server(flags, model: model)
            (server, port) = (started, started.port)
        }
        let browser = try ChromiumSession()
        try browser.open("http://127.0.0.1:\(port)/", width: 1100, height: 560)
        #expect(try browser.evaluate("document.title") as? String == "nmt · Spanish → English")

        try browser.evaluate("document.getElementById('source').focus()")
        try browser.type(sentence)
        // Three hypotheses with a beam of 5, as a user would pick them.
        try browser.evaluate("document.getElementById('nbest').value = '3'")
        try browser.click(id: "translate")
        try browser.waitFor("the translation") {
            try browser.evaluate("document.getElementById('alternatives').children.length") as? Int == 3
        }
        let shown = try browser.evaluate("document.getElementById('translation').textContent") as? String
        let alternatives = try browser.evaluate(
            "Array.from(document.querySelectorAll('#alternatives li')).map((li) => li.firstChild.textContent)") as? [String]
        if let path = Self.environment["NMT_SCREENSHOT"] {
            try browser.screenshot().write(to: URL(fileURLWithPath: path))
        }
        let png = try browser.screenshot()
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))

        // What the page shows is the model's beam-5 n-best for the sentence.
        let nbest = try ServedModel.translated([sentence], ["--beam", "5", "--nbest", "3"], model: model, flags: flags)
            .split(separator: "\n").map { $0.components(separatedBy: " ||| ")[1] }
        #expect(shown == nbest.first)
        #expect(alternatives == nbest)
        #expect(try browser.evaluate("document.getElementById('status').className") as? String == "")
        if let server { #expect(server.log.contains("POST /v1/translate 200 texts=1")) }
    }
}
