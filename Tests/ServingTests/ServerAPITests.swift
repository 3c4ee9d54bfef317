import Foundation
@testable import Serving
import Testing
import TestSupport
import Translation

/// Runs a server on 127.0.0.1 (a free port) in this process around `body`, with the
/// stand-in model; access-log lines are collected.
func withServer(_ fake: FakeTranslator = FakeTranslator(), limits: RequestLimits = RequestLimits(),
                batching: BatchingLimits = BatchingLimits(), log: LogLines = LogLines(),
                _ body: @escaping @Sendable (Int) throws -> Void) async throws {
    let settings = ServingSettings(source: Language(code: "es", name: "Spanish"), target: Language(code: "en", name: "English"),
                                   limits: limits, batching: batching, modelName: "fake")
    let server = TranslationServer(api: TranslationAPI(settings: settings, batcher: DynamicBatcher(translator: fake, limits: batching)),
                                   host: "127.0.0.1", port: 0) { log.append($0) }
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let running = Task { try await server.run(handlingSignals: false) { continuation.yield($0) } }
    defer { running.cancel() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw HTTPTestClientError.system("the server did not start") }
    // The blocking client runs off the cooperative pool, which the server needs.
    try await onThread { try body(port) }
}

final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [HTTPAnswer?] = []
    func add(_ answer: HTTPAnswer?) { lock.withLock { stored.append(answer) } }
    var all: [HTTPAnswer?] { lock.withLock { stored } }
}

final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}

/// Every endpoint and every error case over a real socket.
@Suite(.timeLimit(.minutes(10))) struct ServerAPITests {
    @Test func libreTranslateJSONWithOneTextAndWithAList() async throws {
        try await withServer { port in
            let one = try HTTPTestClient.post(port: port, "/translate", json: ["q": "hola mundo", "source": "es", "target": "en"])
            #expect(one.status == 200)
            #expect(one.headers["content-type"] == "application/json")
            #expect(one.text == #"{"translatedText":"HOLA MUNDO"}"#)
            let list = try HTTPTestClient.post(port: port, "/translate",
                                               json: ["q": ["uno", "dos\n\ntres"], "source": "es", "target": "en", "api_key": "x"])
            #expect(list.status == 200)
            #expect(list.json?["translatedText"] as? [String] == ["UNO", "DOS\n\nTRES"])
        }
    }

    @Test func libreTranslateFormBodyAutoSourceAndAlternatives() async throws {
        try await withServer { port in
            let answer = try HTTPTestClient.request(
                port: port, method: "POST", path: "/translate", body: Array("q=buenos+d%C3%ADas&source=auto&target=en&alternatives=2".utf8),
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(answer.status == 200)
            let json = try #require(answer.json)
            #expect(json["translatedText"] as? String == "BUENOS DÍAS")
            #expect(json["alternatives"] as? [String] == ["BUENOS DÍAS#1", "BUENOS DÍAS#2"])
            let detected = try #require(json["detectedLanguage"] as? [String: Any])
            #expect(detected["language"] as? String == "es")
        }
    }

    @Test func nativeEndpointGivesEveryHypothesisWithScores() async throws {
        let fake = FakeTranslator()
        try await withServer(fake) { port in
            let answer = try HTTPTestClient.post(port: port, "/v1/translate", json: ["texts": ["una frase", "otra"], "beam": 4, "nbest": 2, "lenpen": 0.5])
            #expect(answer.status == 200)
            let json = try #require(answer.json)
            #expect(json["beam"] as? Int == 4)
            let translations = try #require(json["translations"] as? [[String: Any]])
            #expect(translations.count == 2)
            #expect(translations[0]["source_tokens"] as? Int == 2)
            let hypotheses = try #require(translations[0]["hypotheses"] as? [[String: Any]])
            #expect(hypotheses.map { $0["text"] as? String } == ["UNA FRASE", "UNA FRASE#1"])
            #expect(hypotheses.map { $0["score"] as? Double } == [-1, -2])
            #expect(hypotheses.map { $0["log_probability"] as? Double } == [-2, -4])
        }
        #expect(fake.batches.last?.options.beam == 4)
        #expect(fake.batches.last?.options.lenpen == 0.5)
    }

    /// A long text is cut into sentences (the source language's rules) that share one
    /// batch, and their translations are joined with the text's white space; the native
    /// endpoint answers each text's or sentence's confidence (the best hypothesis' score).
    @Test func longTextsAreSplitIntoSentencesAndConfidencesAnswered() async throws {
        let fake = FakeTranslator()
        try await withServer(fake) { port in
            let libre = try HTTPTestClient.post(port: port, "/translate", json: [
                "q": "La Sra. Ruiz llegó. ¿Qué tal?\n\n  Bien.", "source": "es", "target": "en", "alternatives": 1])
            #expect(libre.status == 200, "\(libre.text)")
            #expect(libre.json?["translatedText"] as? String == "LA SRA. RUIZ LLEGÓ. ¿QUÉ TAL?\n\n  BIEN.")
            #expect(libre.json?["alternatives"] as? [String] == ["LA SRA. RUIZ LLEGÓ.#1 ¿QUÉ TAL?#1\n\n  BIEN.#1"])
            #expect(fake.batches.last?.sentences == ["La Sra. Ruiz llegó.", "¿Qué tal?", "Bien."])

            let native = try HTTPTestClient.post(port: port, "/v1/translate", json: ["texts": ["Uno. Dos.\nTres", "cuatro"],
                                                                                    "split_sentences": true])
            #expect(native.status == 200, "\(native.text)")
            let translations = try #require(native.json?["translations"] as? [[String: Any]])
            #expect(translations.map { $0["text"] as? String } == ["UNO. DOS.\nTRES", "CUATRO"])
            #expect(translations.allSatisfy { $0["hypotheses"] == nil && $0["confidence"] == nil })
            let sentences = try #require(translations[0]["sentences"] as? [[String: Any]])
            #expect(sentences.map { $0["source"] as? String } == ["Uno.", "Dos.", "Tres"])
            #expect(sentences.map { $0["text"] as? String } == ["UNO.", "DOS.", "TRES"])
            #expect(sentences.map { $0["confidence"] as? Double } == [-1, -1, -1])

            let whole = try HTTPTestClient.post(port: port, "/v1/translate", json: ["texts": ["Uno. Dos."], "nbest": 2])
            let translation = try #require((whole.json?["translations"] as? [[String: Any]])?.first)
            #expect(translation["confidence"] as? Double == -1 && translation["sentences"] == nil)
            #expect(fake.batches.last?.sentences == ["Uno. Dos."], "without split_sentences a text is one sentence")

            let both = try HTTPTestClient.post(port: port, "/v1/translate", json: ["texts": ["Uno."], "split_sentences": true, "nbest": 2, "beam": 2])
            #expect(both.status == 400 && both.json?["field"] as? String == "nbest", "\(both.text)")
            let notBool = try HTTPTestClient.post(port: port, "/v1/translate", json: ["texts": ["Uno."], "split_sentences": 1])
            #expect(notBool.status == 400 && notBool.json?["field"] as? String == "split_sentences", "\(notBool.text)")
        }
    }

    @Test func healthLanguagesAndPage() async throws {
        try await withServer { port in
            let health = try HTTPTestClient.request(port: port, method: "GET", path: "/health")
            #expect(health.status == 200)
            #expect(health.json?["status"] as? String == "ok")
            let languages = try HTTPTestClient.request(port: port, method: "GET", path: "/languages")
            let list = try #require((try? JSONSerialization.jsonObject(with: Data(languages.body))) as? [[String: Any]])
            #expect(list.first?["code"] as? String == "es")
            #expect(list.first?["name"] as? String == "Spanish")
            #expect(list.first?["targets"] as? [String] == ["en"])
            let page = try HTTPTestClient.request(port: port, method: "GET", path: "/")
            #expect(page.status == 200)
            #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(page.text.contains(#"id="translate""#) && page.text.contains("/v1/translate"))
            // No external assets: nothing is fetched from another origin.
            #expect(!page.text.contains("http://") && !page.text.contains("https://"))
        }
    }

    /// Each malformed request: its status and the field its JSON error names.
    @Test(arguments: [
        ("/translate", #"{"q": "hola", "source": "es""#, 400, nil),                       // malformed JSON
        ("/translate", #"["hola"]"#, 400, nil),                                             // not an object
        ("/translate", #"{"source": "es", "target": "en"}"#, 400, "q"),
        ("/translate", #"{"q": 5, "source": "es", "target": "en"}"#, 400, "q"),
        ("/translate", #"{"q": ["a", 3], "source": "es", "target": "en"}"#, 400, "q[1]"),
        ("/translate", #"{"q": "  ", "source": "es", "target": "en"}"#, 400, "q"),
        ("/translate", #"{"q": ["a", ""], "source": "es", "target": "en"}"#, 400, "q[1]"),
        ("/translate", #"{"q": [], "source": "es", "target": "en"}"#, 400, "q"),
        ("/translate", #"{"q": "hola", "source": "fr", "target": "en"}"#, 400, "source"),
        ("/translate", #"{"q": "hola", "source": "es", "target": "de"}"#, 400, "target"),
        ("/translate", #"{"q": "hola", "target": "en"}"#, 400, "source"),
        ("/translate", #"{"q": "hola", "source": "es", "target": "en", "format": "html"}"#, 400, "format"),
        ("/translate", #"{"q": "hola", "source": "es", "target": "en", "alternatives": 1.5}"#, 400, "alternatives"),
        ("/translate", #"{"q": "hola", "source": "es", "target": "en", "alternatives": 99}"#, 400, "alternatives"),
        ("/v1/translate", #"{"texts": "hola"}"#, 400, "texts"),
        ("/v1/translate", #"{"texts": ["hola"], "beem": 4}"#, 400, "beem"),
        ("/v1/translate", #"{"texts": ["hola"], "beam": true}"#, 400, "beam"),
        ("/v1/translate", #"{"texts": ["hola"], "beam": 0}"#, 400, "beam"),
        ("/v1/translate", #"{"texts": ["hola"], "beam": 2, "nbest": 3}"#, 400, "nbest"),
        ("/v1/translate", #"{"texts": ["hola"], "lenpen": "x"}"#, 400, "lenpen"),
        ("/v1/translate", #"{"texts": ["una\nfrase"]}"#, 400, "texts[0]"),
    ] as [(String, String, Int, String?)])
    func badRequestsNameTheirField(path: String, body: String, status: Int, field: String?) async throws {
        try await withServer { port in
            let answer = try HTTPTestClient.request(port: port, method: "POST", path: path, body: Array(body.utf8),
                                                    headers: ["Content-Type": "application/json"])
            #expect(answer.status == status, "\(body): \(answer.text)")
            let json = try #require(answer.json, "\(answer.text)")
            #expect(json["field"] as? String == field, "\(body): \(answer.text)")
            #expect((json["error"] as? String)?.isEmpty == false)
        }
    }

    @Test func invalidUTF8WrongContentTypeAndUnknownRoutes() async throws {
        try await withServer { port in
            var body = Array(#"{"q": "ab"#.utf8)
            body += [0xC3, 0x28]
            body += Array(#"", "source": "es", "target": "en"}"#.utf8)
            let utf8 = try HTTPTestClient.request(port: port, method: "POST", path: "/translate", body: body)
            #expect(utf8.status == 400)
            #expect((utf8.json?["error"] as? String)?.contains("UTF-8 (byte 9)") == true, "\(utf8.text)")
            let form = try HTTPTestClient.request(port: port, method: "POST", path: "/translate", body: Array("q=%FF&source=es&target=en".utf8),
                                                  headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(form.status == 400 && form.json?["field"] as? String == "q")
            let xml = try HTTPTestClient.request(port: port, method: "POST", path: "/translate", body: Array("<q/>".utf8),
                                                 headers: ["Content-Type": "text/xml"])
            #expect(xml.status == 415)
            let missing = try HTTPTestClient.request(port: port, method: "GET", path: "/nowhere")
            #expect(missing.status == 404 && missing.json?["error"] as? String == "no such endpoint: GET /nowhere")
            let wrongMethod = try HTTPTestClient.request(port: port, method: "GET", path: "/translate")
            #expect(wrongMethod.status == 405)
        }
    }

    @Test func limitsOnBodyTextsAndCharacters() async throws {
        let limits = RequestLimits(maxBodyBytes: 2000, maxCharactersPerText: 10, maxTextsPerRequest: 3)
        try await withServer(limits: limits) { port in
            let large = try HTTPTestClient.request(port: port, method: "POST", path: "/translate",
                                                   body: Array(repeating: UInt8(ascii: "a"), count: 5000))
            #expect(large.status == 413, "\(large.text)")
            #expect((large.json?["error"] as? String)?.contains("2000 bytes") == true)
            let many = try HTTPTestClient.post(port: port, "/translate", json: ["q": ["a", "b", "c", "d"], "source": "es", "target": "en"])
            #expect(many.status == 400 && many.json?["field"] as? String == "q")
            let long = try HTTPTestClient.post(port: port, "/v1/translate", json: ["texts": ["corta", "ñññññññññññ"]])
            #expect(long.status == 400 && long.json?["field"] as? String == "texts[1]")
            #expect((long.json?["error"] as? String)?.contains("11 characters") == true)
            let atLimit = try HTTPTestClient.post(port: port, "/v1/translate", json: ["texts": ["ñññññññññð"]])
            #expect(atLimit.status == 200)
        }
    }

    @Test func aFullQueueAnswers503WithRetryAfter() async throws {
        let fake = FakeTranslator(holding: true)
        try await withServer(fake, batching: BatchingLimits(maxBatchSentences: 4, maxWait: 0, queueCapacity: 2)) { port in
            // One request held in the model, one filling the queue, then one too many.
            let answers = Answers()
            Thread { answers.add(try? HTTPTestClient.post(port: port, "/v1/translate", json: ["texts": ["uno"]])) }.start()
            try waitUntil("the first request in the model") { fake.started >= 1 }
            Thread { answers.add(try? HTTPTestClient.post(port: port, "/v1/translate", json: ["texts": ["dos", "tres"]])) }.start()
            try waitUntil("2 queued sentences") {
                try HTTPTestClient.request(port: port, method: "GET", path: "/health").json?["queued_sentences"] as? Int == 2
            }
            let refused = try HTTPTestClient.post(port: port, "/v1/translate", json: ["texts": ["cuatro"]])
            #expect(refused.status == 503)
            #expect(refused.headers["retry-after"] == "1")
            #expect((refused.json?["error"] as? String)?.contains("queue is full") == true)
            fake.release()
            try waitUntil("both answers") { answers.all.count >= 2 }
            #expect(answers.all.map { $0?.status } == [200, 200])
        }
    }

    @Test func aRequestPastItsTimeoutAnswers503() async throws {
        let fake = FakeTranslator(holding: true)
        try await withServer(fake, limits: RequestLimits(timeout: 0.3)) { port in
            let started = Date()
            let answer = try HTTPTestClient.post(port: port, "/translate", json: ["q": "lenta", "source": "es", "target": "en"])
            #expect(answer.status == 503)
            #expect((answer.json?["error"] as? String)?.contains("timeout") == true)
            #expect(Date().timeIntervalSince(started) < 30)
            fake.release()
        }
    }

    @Test func accessLogLines() async throws {
        let log = LogLines()
        try await withServer(log: log) { port in
            _ = try HTTPTestClient.post(port: port, "/translate", json: ["q": ["uno dos", "tres"], "source": "es", "target": "en"])
            _ = try HTTPTestClient.request(port: port, method: "GET", path: "/nowhere")
        }
        let lines = log.lines
        // texts=2; tokens = source words (2 + 1) + target tokens (7 + 4 characters in the stand-in).
        #expect(lines.first?.hasPrefix("POST /translate 200 texts=2 tokens=14 ms=") == true, "\(lines)")
        #expect(lines.dropFirst().first?.hasPrefix("GET /nowhere 404 texts=0 tokens=0 ms=") == true, "\(lines)")
    }
}
