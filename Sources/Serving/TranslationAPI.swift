import Foundation
import Translation

/// What one request translated, for the access log.
public struct RequestUsage: Equatable, Sendable {
    /// Texts in the request.
    public var texts = 0
    /// Source tokens read plus target tokens written (best hypotheses).
    public var tokens = 0
    /// What the answer's "warnings" say (a text cut at the model's positions), for the log.
    public var warnings: [String] = []

    public init(texts: Int = 0, tokens: Int = 0, warnings: [String] = []) {
        self.texts = texts
        self.tokens = tokens
        self.warnings = warnings
    }
}

/// The endpoints' logic over request fields, independent of the HTTP server: checks a
/// request against the limits, sends its sentences through the batcher with a timeout,
/// and shapes the JSON answer.
public final class TranslationAPI: Sendable {
    public let settings: ServingSettings
    public let batcher: DynamicBatcher

    public init(settings: ServingSettings, batcher: DynamicBatcher) {
        self.settings = settings
        self.batcher = batcher
    }

    // MARK: LibreTranslate: POST /translate

    /// LibreTranslate's /translate: `q` (a string or a list of strings), `source` (this
    /// model's source language or "auto"), `target`, `format` ("text"), `alternatives`
    /// (more hypotheses per text); `api_key` and other fields are accepted and ignored,
    /// as LibreTranslate's clients send them. A text of several lines is translated line
    /// by line (blank lines stay blank).
    public func libreTranslate(_ fields: RequestFields) async throws -> (Data, RequestUsage) {
        guard let (texts, isList) = try fields.strings("q") else { throw APIError.badField("q", "missing; send the text to translate") }
        try check(texts, field: "q", isList: isList)
        guard let source = try fields.string("source") else { throw APIError.badField("source", "missing; use \(settings.source.code) or auto") }
        guard source == settings.source.code || source == "auto" else {
            throw APIError.badField("source", "\(source) is not supported; this model translates from \(settings.source.code)")
        }
        guard let target = try fields.string("target") else {
            throw APIError.badField("target", "missing; use \(targetCodes.joined(separator: ", "))")
        }
        let targetLanguage = try targetTag(target)
        if let format = try fields.string("format"), format != "text" {
            throw APIError.badField("format", "only text is supported, got \(format)")
        }
        let alternatives = try fields.integer("alternatives", in: 0...(settings.limits.maxBeam - 1)) ?? 0
        var options = settings.search
        options.nbest = alternatives + 1
        options.beam = max(options.beam, options.nbest)

        // Every text's sentences (or lines), translated together.
        let splitter = SentenceSplitter(language: settings.source.code)
        let splits = texts.map { settings.splitSentences ? splitter.split($0) : SentenceSplitter.lines($0) }
        let translated = SplitTranslation.assemble(splits, try await translate(splits.flatMap(\.sentences),
                                                                                 targetLanguage: targetLanguage, options: options))
        var best: [String] = [], others: [[String]] = []
        var usage = RequestUsage(texts: texts.count)
        for (t, text) in translated.enumerated() {
            for (s, translation) in text.sentences.enumerated() {
                usage.tokens += translation.sourceTokens + (translation.hypotheses.first?.tokens ?? 0)
                if let warning = translation.warning {
                    let part = text.sentences.count > 1 ? " \(settings.splitSentences ? "sentence" : "line") \(s + 1) " : " "
                    usage.warnings.append((isList ? "q[\(t)]" : "q") + part + warning)
                }
            }
            // Alternative k joins each sentence's k-th hypothesis (its best where it has fewer).
            func joined(_ k: Int) -> String {
                text.split.joined(text.sentences.map { $0.hypotheses.indices.contains(k) ? $0.hypotheses[k].text : $0.best })
            }
            best.append(joined(0))
            others.append((0..<alternatives).map { joined($0 + 1) })
        }
        var answer: [String: OutputValue] = ["translatedText": isList ? .strings(best) : .string(best[0])]
        if alternatives > 0 { answer["alternatives"] = isList ? .stringLists(others) : .strings(others[0]) }
        if !usage.warnings.isEmpty { answer["warnings"] = .strings(usage.warnings) }
        if source == "auto" {
            // The model reads one language: "detecting" it is naming it.
            let detected = OutputValue.object(["language": .string(settings.source.code), "confidence": .number(100)])
            answer["detectedLanguage"] = isList ? .list(Array(repeating: detected, count: texts.count)) : detected
        }
        return (try Self.encode(OutputValue.object(answer)), usage)
    }

    // MARK: Native: POST /v1/translate

    /// The fields of the native endpoint: `texts` (one sentence each, or texts of several
    /// with `split_sentences`), the search options, named as `nmt translate`'s flags,
    /// `prefix` (a target prefix for every text, or a list of one per text; "" for none;
    /// not with `split_sentences`), `alignment` (true: each hypothesis gets its hard
    /// alignment) and `target` (a multilingual model's target language, required there;
    /// optional otherwise, and then the model's one target language).
    public static let nativeFields: Set<String> = ["texts", "beam", "nbest", "lenpen", "max_len_a", "max_len_b", "min_len",
                                                   "no_repeat_ngram_size", "repetition_penalty", "prefix", "alignment",
                                                   "split_sentences", "target"]

    /// `{"texts": [...], "beam": 5, "nbest": 3, ...}` → every text's hypotheses with
    /// scores and its confidence (the best hypothesis' normalised score), or with
    /// `"split_sentences": true` every text's joined translation and its sentences, each
    /// with its confidence. Unknown fields are refused, so that a misspelt option is not ignored.
    public func native(_ fields: RequestFields) async throws -> (Data, RequestUsage) {
        try fields.requireOnly(Self.nativeFields)
        guard let (texts, isList) = try fields.strings("texts") else { throw APIError.badField("texts", "missing; send a list of sentences") }
        guard isList else { throw APIError.badField("texts", "must be a list of strings, got a string") }
        try check(texts, field: "texts", isList: true)
        let split = try fields.boolean("split_sentences") ?? false
        for (i, text) in texts.enumerated() where !split && text.contains(where: \.isNewline) {
            throw APIError.badField("texts[\(i)]", "holds a line break; send one sentence per text, or set split_sentences")
        }
        var options = settings.search
        options.beam = try fields.integer("beam", in: 1...settings.limits.maxBeam) ?? options.beam
        options.nbest = try fields.integer("nbest", in: 1...options.beam) ?? 1
        options.lenpen = Float(try fields.number("lenpen", in: -10...10) ?? Double(options.lenpen))
        options.maxLenA = try fields.number("max_len_a", in: 0...10) ?? options.maxLenA
        options.maxLenB = try fields.integer("max_len_b", in: 0...1000) ?? options.maxLenB
        options.minLen = try fields.integer("min_len", in: 0...1000) ?? options.minLen
        options.noRepeatNgram = try fields.integer("no_repeat_ngram_size", in: 0...100) ?? options.noRepeatNgram
        options.repetitionPenalty = Float(try fields.number("repetition_penalty", in: 0.01...100)
                                          ?? Double(options.repetitionPenalty))
        options.alignment = try fields.boolean("alignment") ?? false
        let prefixes = try Self.prefixes(fields, texts: texts.count)
        let targetLanguage = try targetTag(try fields.string("target"))
        if split {
            guard options.nbest == 1 else { throw APIError.badField("nbest", "must be 1 with split_sentences, got \(options.nbest)") }
            guard prefixes.isEmpty else { throw APIError.badField("prefix", "cannot be used with split_sentences") }
            return try await nativeSplit(texts, targetLanguage: targetLanguage, options: options)
        }
        let translations = try await translate(texts, prefixes: prefixes, targetLanguage: targetLanguage, options: options)
        var usage = RequestUsage(texts: texts.count)
        let answer = NativeAnswer(
            beam: options.beam, nbest: options.nbest,
            translations: translations.enumerated().map { i, translation in
                usage.tokens += translation.sourceTokens + (translation.hypotheses.first?.tokens ?? 0)
                let warning = translation.warning.map { "texts[\(i)] \($0)" }
                if let warning { usage.warnings.append(warning) }
                return NativeAnswer.Translation(
                    sourceTokens: translation.sourceTokens, warning: warning, confidence: translation.hypotheses.first?.score,
                    hypotheses: translation.hypotheses.map {
                        .init(text: $0.text, score: $0.score, logProbability: $0.logProbability, tokens: $0.tokens,
                              alignment: $0.alignment)
                    })
            })
        return (try Self.encode(answer), usage)
    }

    /// The native request's `prefix`: one string for every text, or a list of one per text.
    private static func prefixes(_ fields: RequestFields, texts: Int) throws(APIError) -> [String] {
        guard let (values, isList) = try fields.strings("prefix") else { return [] }
        if !isList { return Array(repeating: values[0], count: texts) }
        guard values.count == texts else { throw APIError.badField("prefix", "has \(values.count) prefixes for \(texts) texts") }
        if let i = values.firstIndex(where: { $0.contains(where: \.isNewline) }) {
            throw APIError.badField("prefix[\(i)]", "holds a line break")
        }
        return values
    }

    /// The native answer with split_sentences: per text, its translation joined with the
    /// text's white space, and per sentence its source, translation and confidence.
    private func nativeSplit(_ texts: [String], targetLanguage: String, options: SearchOptions) async throws -> (Data, RequestUsage) {
        let splitter = SentenceSplitter(language: settings.source.code)
        let splits = texts.map(splitter.split)
        let translated = SplitTranslation.assemble(splits, try await translate(splits.flatMap(\.sentences),
                                                                                 targetLanguage: targetLanguage, options: options))
        var usage = RequestUsage(texts: texts.count)
        let answer = NativeAnswer(beam: options.beam, nbest: 1, translations: translated.enumerated().map { i, text in
            var warnings: [String] = []
            let sentences = text.sentences.enumerated().map { s, translation in
                usage.tokens += translation.sourceTokens + (translation.hypotheses.first?.tokens ?? 0)
                if let warning = translation.warning { warnings.append("texts[\(i)] sentence \(s + 1) \(warning)") }
                return NativeAnswer.Sentence(source: text.split.sentences[s], text: translation.best,
                                             confidence: translation.hypotheses.first?.score, sourceTokens: translation.sourceTokens)
            }
            usage.warnings += warnings
            return NativeAnswer.Translation(sourceTokens: text.sentences.reduce(0) { $0 + $1.sourceTokens },
                                            warning: warnings.isEmpty ? nil : warnings.joined(separator: "; "),
                                            text: text.text, sentences: sentences)
        })
        return (try Self.encode(answer), usage)
    }

    // MARK: GET /languages, GET /health

    /// LibreTranslate's list: each language with the codes it translates into.
    public var languages: Data {
        let targets = settings.targetLanguages.isEmpty ? [settings.target] : settings.targetLanguages
        let entries: [OutputValue] = [
            .object(["code": .string(settings.source.code), "name": .string(settings.source.name),
                     "targets": .strings(targets.map(\.code))]),
        ] + targets.map { .object(["code": .string($0.code), "name": .string($0.name), "targets": .strings([])]) }
        return (try? Self.encode(OutputValue.list(entries))) ?? Data()
    }

    public var health: Data {
        let counters = batcher.counters
        let answer: OutputValue = .object([
            "status": .string("ok"), "model": .string(settings.modelName),
            "source": .string(settings.source.code), "target": .string(settings.target.code),
            "target_languages": .strings(settings.targetLanguages.map(\.code)),
            "queued_sentences": .number(Double(batcher.queued)), "decoding_sentences": .number(Double(batcher.decoding)),
            "batches": .number(Double(counters.batches)), "sentences": .number(Double(counters.sentences)),
        ])
        return (try? Self.encode(answer)) ?? Data()
    }

    // MARK: Shared

    /// The codes a request's `target` may name: a multilingual model's tags, else the
    /// model's one target language.
    private var targetCodes: [String] {
        settings.targetLanguages.isEmpty ? [settings.target.code] : settings.targetLanguages.map(\.code)
    }

    /// The tag a request's `target` selects ("" for a model with one target language).
    /// A multilingual model needs one of its codes; any other model takes its own code or
    /// no `target` at all.
    private func targetTag(_ target: String?) throws(APIError) -> String {
        let known = settings.targetLanguages.map(\.code)
        guard !known.isEmpty else {
            if let target, target != settings.target.code {
                throw APIError.badField("target", "\(target) is not supported; this model translates into \(settings.target.code)")
            }
            return ""
        }
        guard let target else {
            throw APIError.badField("target", "missing; this model translates into several languages: \(known.joined(separator: ", "))")
        }
        guard known.contains(target) else {
            throw APIError.badField("target", "\(target) is not supported; this model translates into \(known.joined(separator: ", "))")
        }
        return target
    }

    /// The per-request limits: count, emptiness and length of the texts.
    private func check(_ texts: [String], field: String, isList: Bool) throws {
        let limits = settings.limits
        if isList && texts.isEmpty { throw APIError.badField(field, "is an empty list") }
        if texts.count > limits.maxTextsPerRequest {
            throw APIError.badField(field, "has \(texts.count) texts; the limit is \(limits.maxTextsPerRequest) per request")
        }
        for (i, text) in texts.enumerated() {
            let name = isList ? "\(field)[\(i)]" : field
            if Self.isBlank(text) { throw APIError.badField(name, "is empty") }
            let characters = text.unicodeScalars.count
            if characters > limits.maxCharactersPerText {
                throw APIError.badField(name, "has \(characters) characters; the limit is \(limits.maxCharactersPerText)")
            }
        }
    }

    private static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }

    /// The batcher's answer within the request timeout, else a 503.
    private func translate(_ sentences: [String], prefixes: [String] = [], targetLanguage: String,
                           options: SearchOptions) async throws -> [SentenceTranslation] {
        let batcher = self.batcher
        let timeout = settings.limits.timeout
        do {
            return try await withThrowingTaskGroup(of: [SentenceTranslation]?.self) { group in
                group.addTask {
                    try await batcher.translate(sentences, prefixes: prefixes, targetLanguage: targetLanguage, options: options)
                }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                    return nil
                }
                defer { group.cancelAll() }
                guard let translations = try await group.next() ?? nil else {
                    throw APIError(status: 503, "not translated within the \(Self.seconds(timeout)) s timeout; try again later",
                                   retryAfter: 1)
                }
                return translations
            }
        } catch let error as BatcherError {
            throw APIError(status: 503, error.localizedDescription, retryAfter: 1)
        } catch let SearchError.prefixTooLong(sentence, tokens, maxLength) {
            // A request that fails is translated alone, so its sentences are numbered in it.
            throw APIError.badField("prefix", "for texts[\(sentence)] has \(tokens) tokens, more than its maximum length \(maxLength)")
        }
    }

    private static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}

/// The native endpoint's answer.
struct NativeAnswer: Encodable {
    struct Hypothesis: Encodable {
        var text: String
        var score: Float
        var logProbability: Float
        var tokens: Int
        /// With `alignment`: per target token, the source token position (both 0-based
        /// SentencePiece positions, eos excluded); omitted otherwise.
        var alignment: [Int]?
        enum CodingKeys: String, CodingKey { case text, score, logProbability = "log_probability", tokens, alignment }
    }
    /// One sentence of a text sent with split_sentences.
    struct Sentence: Encodable {
        var source: String
        var text: String
        /// The best hypothesis' length-normalised score (`Hypothesis.score`); omitted for
        /// a sentence with no hypothesis.
        var confidence: Float?
        var sourceTokens: Int
        enum CodingKeys: String, CodingKey { case source, text, confidence, sourceTokens = "source_tokens" }
    }
    struct Translation: Encodable {
        var sourceTokens: Int
        /// Set when the text was cut at the model's positions (omitted otherwise).
        var warning: String?
        /// The best hypothesis' length-normalised score (`Hypothesis.score`), without
        /// split_sentences (with it, each sentence has its own).
        var confidence: Float? = nil
        /// Without split_sentences: the text's hypotheses.
        var hypotheses: [Hypothesis]? = nil
        /// With split_sentences: the translation of the whole text, and its sentences.
        var text: String? = nil
        var sentences: [Sentence]? = nil
        enum CodingKeys: String, CodingKey {
            case sourceTokens = "source_tokens", warning, confidence, hypotheses, text, sentences
        }
    }
    var beam: Int
    var nbest: Int
    var translations: [Translation]
}

/// JSON answers whose shape depends on the request (a string or a list).
enum OutputValue: Encodable {
    case string(String)
    case number(Double)
    case strings([String])
    case stringLists([[String]])
    case list([OutputValue])
    case object([String: OutputValue])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .string(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .strings(value): try container.encode(value)
        case let .stringLists(value): try container.encode(value)
        case let .list(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }
}
