import Foundation
import Testing
import TestSupport

/// `nmt serve` as a process, with a real model: its translations are `nmt translate`'s,
/// and SIGTERM lets the request in flight finish before the process exits 0.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ServeCommandTests {
    /// A running `nmt serve` and the port it printed.
    final class Server {
        let process = Process()
        let errors = Pipe()
        let port: Int
        private let collected = Collected()

        final class Collected: @unchecked Sendable {
            let lock = NSLock()
            var text = ""
        }

        init(_ flags: [String], model: URL = ServedModel.checkpoint) throws {
            process.executableURL = builtProduct("nmt")
            process.arguments = ["serve", "--model", model.path, "--port", "0", "--threads", "1"] + flags
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let collected = self.collected
            let handle = errors.fileHandleForReading
            Thread {
                while case let data = handle.availableData, !data.isEmpty {
                    collected.lock.withLock { collected.text += String(decoding: data, as: UTF8.self) }
                }
            }.start()
            let deadline = Date().addingTimeInterval(60)
            var found: Int?
            while found == nil && Date() < deadline && process.isRunning {
                let text = collected.lock.withLock { collected.text }
                if let range = text.range(of: "listening on http://127.0.0.1:") {
                    found = Int(text[range.upperBound...].prefix(while: \.isNumber))
                } else {
                    usleep(10_000)
                }
            }
            guard let found else {
                throw HTTPTestClientError.system("nmt serve did not start: \(collected.lock.withLock { collected.text })")
            }
            port = found
        }

        var log: String { collected.lock.withLock { collected.text } }

        deinit { if process.isRunning { process.terminate(); process.waitUntilExit() } }
    }

    @Test func libreTranslateAndNativeAnswersAreNmtTranslates() throws {
        let server = try Server(["--max-batch", "32", "--beam", "5"] + ServedModel.searchFlags)
        let lines = ServedModel.sources(12)
        // One request holding every line is one batch, as in nmt translate: equal by construction.
        let answer = try HTTPTestClient.post(port: server.port, "/translate", json: ["q": lines, "source": "es", "target": "en"])
        #expect(answer.status == 200, "\(answer.text)")
        let expected = try ServedModel.translated(lines, ["--beam", "5"]).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
        #expect(answer.json?["translatedText"] as? [String] == expected)
        #expect(expected.contains { !$0.isEmpty })

        let native = try HTTPTestClient.post(port: server.port, "/v1/translate", json: ["texts": lines, "beam": 4, "nbest": 3])
        #expect(native.status == 200)
        let translations = try #require(native.json?["translations"] as? [[String: Any]])
        // Marian's n-best lines: index ||| text ||| F0= log-probability ||| score.
        let marian = try ServedModel.translated(lines, ["--beam", "4", "--nbest", "3"]).split(separator: "\n").map {
            $0.components(separatedBy: " ||| ")
        }
        var served: [[String]] = []
        for (i, translation) in translations.enumerated() {
            for hypothesis in translation["hypotheses"] as? [[String: Any]] ?? [] {
                let logProbability = Float(hypothesis["log_probability"] as? Double ?? .nan)
                let score = Float(hypothesis["score"] as? Double ?? .nan)
                served.append(["\(i)", hypothesis["text"] as? String ?? "?", "F0= \(logProbability)", "\(score)"])
            }
        }
        #expect(served == marian)
        #expect(server.log.contains("POST /translate 200 texts=12 tokens="))
    }

    /// A text of several sentences is translated as `nmt translate` translates those
    /// sentences as lines, joined with the text's white space (and so is it by `nmt
    /// translate --split-sentences`); each sentence's confidence is the score of Marian's
    /// n-best line, the search's length-normalised score.
    @Test func sentencesOfALongTextAreTranslatedWithTheirConfidence() throws {
        let server = try Server(["--max-batch", "32", "--beam", "5"] + ServedModel.searchFlags)
        let sources = ServedModel.sources(3)
        let text = "\(sources[0]) \(sources[1])\n\n\(sources[2])"
        let marian = try ServedModel.translated(sources, ["--beam", "5", "--nbest", "1", "--nbest-format", "marian"])
            .split(separator: "\n").map { $0.components(separatedBy: " ||| ") }
        let expected = "\(marian[0][1]) \(marian[1][1])\n\n\(marian[2][1])"
        #expect(!marian[0][1].isEmpty)

        let libre = try HTTPTestClient.post(port: server.port, "/translate", json: ["q": text, "source": "es", "target": "en"])
        #expect(libre.json?["translatedText"] as? String == expected, "\(libre.text)")
        let native = try HTTPTestClient.post(port: server.port, "/v1/translate", json: ["texts": [text], "split_sentences": true])
        let translation = try #require((native.json?["translations"] as? [[String: Any]])?.first, "\(native.text)")
        #expect(translation["text"] as? String == expected)
        let sentences = try #require(translation["sentences"] as? [[String: Any]])
        #expect(sentences.map { $0["source"] as? String } == sources)
        #expect(sentences.map { "\(Float($0["confidence"] as? Double ?? .nan))" } == marian.map { $0[3] })

        let unsplit = try HTTPTestClient.post(port: server.port, "/v1/translate", json: ["texts": sources])
        let confidences = (unsplit.json?["translations"] as? [[String: Any]] ?? []).map { "\(Float($0["confidence"] as? Double ?? .nan))" }
        #expect(confidences == marian.map { $0[3] }, "\(unsplit.text)")

        let lines = try ServedModel.translated(["\(sources[0]) \(sources[1])", sources[2]], ["--beam", "5", "--split-sentences"])
        #expect(lines == "\(marian[0][1]) \(marian[1][1])\n\(marian[2][1])\n")
    }

    /// A text longer than the model's positions is cut as `nmt translate` cuts it, and the
    /// answer and the log say so in translate's words (not silently, as before).
    @Test func aTruncatedTextIsAWarningInTheAnswerAndTheLog() throws {
        // Lines only: cut into sentences, this text would have none too long.
        let server = try Server(["--beam", "1", "--char-limit", "20000", "--no-split-sentences"] + ServedModel.searchFlags)
        let long = Array(repeating: ServedModel.sources(3).joined(separator: " "), count: 30).joined(separator: " ")
        let translate = try runProcess(builtProduct("nmt"), ["translate", "--model", ServedModel.checkpoint.path, "--beam", "1",
                                                             "--threads", "1"] + ServedModel.searchFlags, standardInput: Data((long + "\n").utf8))
        let expected = try #require(translate.error.split(separator: "\n").first { $0.contains("warning: line 1 has ") })
        let said = String(expected.dropFirst("nmt: warning: line 1 ".count))
        #expect(said.contains("tokens; translating its first 255 (the model's positions)"), "\(translate.error)")

        let answer = try HTTPTestClient.post(port: server.port, "/translate", json: ["q": long, "source": "es", "target": "en"])
        #expect(answer.status == 200 && answer.json?["warnings"] as? [String] == ["q " + said], "\(answer.text)")
        let native = try HTTPTestClient.post(port: server.port, "/v1/translate", json: ["texts": [ServedModel.sources(1)[0], long]])
        let translations = try #require(native.json?["translations"] as? [[String: Any]])
        #expect(translations.map { $0["warning"] as? String } == [nil, "texts[1] " + said], "\(native.text)")
        let short = try HTTPTestClient.post(port: server.port, "/translate", json: ["q": ServedModel.sources(1)[0], "source": "es", "target": "en"])
        #expect(short.json?["warnings"] == nil)
        #expect(server.log.contains("warning: /translate q " + said) && server.log.contains("warning: /v1/translate texts[1] " + said), "\(server.log)")
    }

    @Test func sigtermFinishesTheRequestInFlightThenExitsZero() throws {
        let server = try Server(["--timeout", "300"])
        let port = server.port
        let lines = ServedModel.sources(16).map { $0.isEmpty ? "hola" : $0 }
        final class Box: @unchecked Sendable { var answer: HTTPAnswer?; var error: (any Error)? }
        let box = Box(), done = DispatchSemaphore(value: 0)
        Thread {
            do {
                box.answer = try HTTPTestClient.post(port: port, "/v1/translate",
                                                     json: ["texts": lines, "beam": 4, "min_len": 12, "max_len_a": 0, "max_len_b": 12])
            } catch { box.error = error }
            done.signal()
        }.start()
        // Wait until the batch is being decoded, then ask the server to stop.
        var decoding = false
        for _ in 0..<2000 where !decoding {
            let health = try HTTPTestClient.request(port: port, method: "GET", path: "/health")
            decoding = (health.json?["decoding_sentences"] as? Int ?? 0) > 0
            if !decoding { usleep(5000) }
        }
        #expect(decoding)
        kill(server.process.processIdentifier, SIGTERM)
        // New connections are refused while the request in flight is still answered.
        var refused = false
        for _ in 0..<1000 where !refused && server.process.isRunning {
            do { _ = try HTTPTestClient.request(port: port, method: "GET", path: "/health", timeout: 2); usleep(5000) }
            catch { refused = true }
        }
        #expect(refused)
        done.wait()
        #expect(box.error == nil)
        #expect(box.answer?.status == 200)
        #expect((box.answer?.json?["translations"] as? [Any])?.count == 16)
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        #expect(server.log.contains("nmt serve: stopped"), "\(server.log)")
    }
}
