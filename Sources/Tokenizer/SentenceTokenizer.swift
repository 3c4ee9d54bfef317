/// What translation, scoring, serving and export need of a checkpoint's tokenizer: text to
/// ids on each side, target ids to text, the pieces by id. A `SentencePieceModel` (one
/// model for both sides, every checkpoint trained here) or a `MarianTokenizer` (imported
/// MarianMT models: two SentencePiece models joined by one vocabulary).
public protocol SentenceTokenizer: Sendable {
    /// The ids of source sentences (no eos), on up to `threads` threads, in order.
    func encode(_ lines: [String], threads: Int) throws -> [[Int32]]
    /// The ids of target sentences (no eos): what `nmt score` scores.
    func encodeTargets(_ lines: [String], threads: Int) throws -> [[Int32]]
    /// The text of target ids (no eos).
    func decode(_ ids: [Int32]) throws -> String
    /// The number of ids.
    var vocabularySize: Int { get }
    /// The piece with id `id`, or nil outside the vocabulary.
    func piece(of id: Int32) -> String?
    /// The codes of the target-language tokens (`>>xx<<`) of a multilingual model, sorted;
    /// empty for a model with one target language.
    var targetLanguages: [String] { get }
    /// This tokenizer with the token of target language `code` before every source sentence.
    /// - Throws: `TokenizerError.unknownTargetLanguage` naming the known codes.
    func forTargetLanguage(_ code: String) throws -> any SentenceTokenizer
}

extension SentenceTokenizer {
    /// The tokenizer to translate with: `forTargetLanguage(code)` when a code is given; the
    /// tokenizer itself for a model with one target language.
    /// - Throws: `TokenizerError.missingTargetLanguage` for a multilingual model without a
    ///   code, `.unknownTargetLanguage` for a code it lacks; both name the known codes.
    public func forTranslation(targetLanguage code: String?) throws -> any SentenceTokenizer {
        if let code { return try forTargetLanguage(code) }
        guard targetLanguages.isEmpty else { throw TokenizerError.missingTargetLanguage(known: targetLanguages) }
        return self
    }
}

extension SentencePieceModel: SentenceTokenizer {
    public func encodeTargets(_ lines: [String], threads: Int) throws -> [[Int32]] {
        try encode(lines, threads: threads)
    }

    /// The languages of the `>>xx<<` tags in the vocabulary (a model trained with
    /// `target_language` corpora; `TargetLanguageTag`).
    public var targetLanguages: [String] { TargetLanguageTag.known(in: self).map(\.language) }

    public func forTargetLanguage(_ code: String) throws -> any SentenceTokenizer {
        let tag = try TargetLanguageTag(language: code)
        guard let id = try? tag.id(in: self) else { throw TokenizerError.unknownTargetLanguage(code, known: targetLanguages) }
        return SourceTaggedTokenizer(base: self, tag: id)
    }
}

/// A tokenizer whose source sentences start with a target-language tag's id (OPUS-MT's
/// `>>xx<<`), for one SentencePiece model; an empty sentence stays empty (it has no
/// translation, tagged or not). Everything else is the base tokenizer's.
public struct SourceTaggedTokenizer: SentenceTokenizer {
    public let base: SentencePieceModel
    public let tag: Int32

    public func encode(_ lines: [String], threads: Int) throws -> [[Int32]] {
        try base.encode(lines, threads: threads).map { $0.isEmpty ? $0 : [tag] + $0 }
    }

    public func encodeTargets(_ lines: [String], threads: Int) throws -> [[Int32]] { try base.encodeTargets(lines, threads: threads) }
    public func decode(_ ids: [Int32]) throws -> String { try base.decode(ids) }
    public var vocabularySize: Int { base.vocabularySize }
    public func piece(of id: Int32) -> String? { base.piece(of: id) }
    public var targetLanguages: [String] { base.targetLanguages }
    public func forTargetLanguage(_ code: String) throws -> any SentenceTokenizer { try base.forTargetLanguage(code) }
}
