import Foundation
import Translation

/// A language the server names: its code and its English name.
public struct Language: Equatable, Sendable {
    public var code: String
    public var name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

/// Limits on one request; beyond them the request gets a 400 (413 for the body) naming
/// the limit, before any work is queued.
public struct RequestLimits: Equatable, Sendable {
    /// Bytes of a request body.
    public var maxBodyBytes: Int
    /// Unicode scalars of one text (LibreTranslate's char_limit counts Python's
    /// characters, which are code points).
    public var maxCharactersPerText: Int
    /// Texts in one request.
    public var maxTextsPerRequest: Int
    /// Seconds from arrival to answer; a request still waiting or decoding then gets 503.
    public var timeout: TimeInterval
    /// The largest beam a request may ask for.
    public var maxBeam: Int

    public init(maxBodyBytes: Int = 1 << 20, maxCharactersPerText: Int = 5000, maxTextsPerRequest: Int = 64,
                timeout: TimeInterval = 30, maxBeam: Int = 16) {
        self.maxBodyBytes = maxBodyBytes
        self.maxCharactersPerText = maxCharactersPerText
        self.maxTextsPerRequest = maxTextsPerRequest
        self.timeout = timeout
        self.maxBeam = maxBeam
    }
}

/// Everything `nmt serve` is configured with, besides the model.
public struct ServingSettings: Sendable {
    public var source: Language
    public var target: Language
    /// The search a request gets unless it asks otherwise (LibreTranslate's requests
    /// cannot ask: they get this).
    public var search: SearchOptions
    public var limits: RequestLimits
    public var batching: BatchingLimits
    /// The model's name in /health and the page (its directory).
    public var modelName: String
    /// A multilingual model's target languages (the codes of its `>>xx<<` tags): a request's
    /// `target` selects one. Empty for a model with one target language, `target`.
    public var targetLanguages: [Language] = []
    /// Whether LibreTranslate's /translate cuts each text into sentences
    /// (`SentenceSplitter` of the source language) or only into lines.
    public var splitSentences = true

    public init(source: Language, target: Language, search: SearchOptions = SearchOptions(),
                limits: RequestLimits = RequestLimits(), batching: BatchingLimits = BatchingLimits(),
                modelName: String) {
        self.source = source
        self.target = target
        self.search = search
        self.limits = limits
        self.batching = batching
        self.modelName = modelName
    }
}
