import Checkpoints
import Foundation
@testable import Serving
import Testing
import TestSupport
import Translation

/// `nmt serve` with a multilingual model: a request's `target` selects the `>>xx<<` token
/// put before its sentences, and the translations equal transformers' greedy ones of the
/// tagged sources (the multilingual fixture's expected.json).
@Suite(.timeLimit(.minutes(10))) struct MultilingualServingTests {
    let fixture = MarianFixture.all[2]

    func api() throws -> (TranslationAPI, DynamicBatcher) {
        let translator = try CheckpointTranslator(checkpoint: try fixture.imported(), batchSize: 8)
        var settings = ServingSettings(source: Language(code: "src", name: "Source"), target: Language(code: "mul", name: "several"),
                                       search: SearchOptions(beam: 1, maxLenA: 0, maxLenB: 22), modelName: fixture.name)
        settings.targetLanguages = translator.targetLanguages.map { Language(code: $0, name: $0) }
        settings.splitSentences = false
        let batcher = DynamicBatcher(translator: translator)
        return (TranslationAPI(settings: settings, batcher: batcher), batcher)
    }

    /// The fixture's lines for target language `code`, without their tag, and transformers' translations.
    func lines(_ code: String) throws -> (sources: [String], expected: [String]) {
        let tagged = try fixture.expected().lines.filter { $0.source.hasPrefix(">>\(code)<< ") }
        return (tagged.map { String($0.source.dropFirst(">>\(code)<< ".count)) }, tagged.map(\.greedy_text))
    }

    /// The best hypothesis' text of each translation in a native answer.
    func best(_ data: Data) throws -> [String?] {
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(json["translations"] as? [[String: Any]]).map {
            ($0["hypotheses"] as? [[String: Any]])?.first?["text"] as? String
        }
    }

    @Test func requestTargetSelectsTheTag() async throws {
        let (api, batcher) = try api()
        defer { batcher.stop() }
        #expect(api.settings.targetLanguages.map(\.code) == ["cp", "rv"])
        for code in ["cp", "rv"] {
            let (sources, expected) = try lines(code)
            #expect(!sources.isEmpty)
            let (data, _) = try await api.native(RequestFields(values: [
                "texts": .array(sources.map { .string($0) }), "target": .string(code), "beam": .integer(1)]))
            #expect(try best(data) == expected, "native, target \(code)")
            let (libre, _) = try await api.libreTranslate(RequestFields(values: [
                "q": .array(sources.map { .string($0) }), "source": .string("src"), "target": .string(code)]))
            let answer = try #require(try JSONSerialization.jsonObject(with: libre) as? [String: Any])
            #expect(answer["translatedText"] as? [String] == expected, "LibreTranslate, target \(code)")
        }
        // Both languages in one batch: each request keeps its own tag.
        let (cp, rv) = (try lines("cp"), try lines("rv"))
        async let first = api.native(RequestFields(values: ["texts": .array(cp.sources.map { .string($0) }), "target": .string("cp")]))
        async let second = api.native(RequestFields(values: ["texts": .array(rv.sources.map { .string($0) }), "target": .string("rv")]))
        let (cpAnswer, rvAnswer) = try await (first.0, second.0)
        #expect(try best(cpAnswer) == cp.expected && best(rvAnswer) == rv.expected)
        let languages = try #require(try JSONSerialization.jsonObject(with: api.languages) as? [[String: Any]])
        #expect(languages.first?["targets"] as? [String] == ["cp", "rv"])
    }

    @Test func missingOrUnknownTargetsAreRefusedNamingTheKnownOnes() async throws {
        let (api, batcher) = try api()
        defer { batcher.stop() }
        let texts: JSONValue = .array([.string("te lo")])
        for values: [String: JSONValue] in [["texts": texts], ["texts": texts, "target": .string("xx")]] {
            do {
                _ = try await api.native(RequestFields(values: values))
                Issue.record("\(values) was translated")
            } catch let error as APIError {
                #expect(error.status == 400 && error.field == "target", "\(error)")
                #expect(error.message.contains("cp, rv"), "\(error.message)")
            }
        }
        do {
            _ = try await api.libreTranslate(RequestFields(values: ["q": .string("te lo"), "source": .string("src"),
                                                                    "target": .string("mul")]))
            Issue.record("target mul was translated")
        } catch let error as APIError {
            #expect(error.field == "target" && error.message.contains("cp, rv"), "\(error.message)")
        }
    }
}
