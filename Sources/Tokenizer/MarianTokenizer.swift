import Foundation

/// Hugging Face's MarianTokenizer (transformers/models/marian/tokenization_marian.py):
/// source text is split into pieces by the source SentencePiece model, target text by the
/// target one, and pieces become ids through one vocabulary (vocab.json); a piece the
/// vocabulary lacks is `<unk>`. A leading `>>xx<<` (a multilingual model's target-language
/// token) is one piece of its own, as MarianTokenizer's remove_language_code takes it.
/// Decoding drops `</s>`, `<pad>` and `<unk>` (skip_special_tokens) and joins the other
/// pieces with the target model, word boundaries (▁) becoming spaces, trimmed.
///
/// Sentences are ids without eos, as everywhere in this project; the model adds eos.
public struct MarianTokenizer: SentenceTokenizer {
    public let sourceModel: SentencePieceModel
    public let targetModel: SentencePieceModel
    public let vocabulary: MarianVocabulary
    public let unkID: Int32, eosID: Int32, padID: Int32
    /// The id put before every source sentence (`forTargetLanguage`), if any.
    public let languagePrefix: Int32?

    /// - Throws: `TokenizerError.invalidVocabulary` when the vocabulary lacks `<unk>`,
    ///   `</s>` or `<pad>` (`vocabularySource` names it).
    public init(sourceModel: SentencePieceModel, targetModel: SentencePieceModel, vocabulary: MarianVocabulary,
                vocabularySource: String) throws {
        self.sourceModel = sourceModel
        self.targetModel = targetModel
        self.vocabulary = vocabulary
        unkID = try vocabulary.requiredID(of: "<unk>", source: vocabularySource)
        eosID = try vocabulary.requiredID(of: "</s>", source: vocabularySource)
        padID = try vocabulary.requiredID(of: "<pad>", source: vocabularySource)
        languagePrefix = nil
    }

    private init(_ base: MarianTokenizer, languagePrefix: Int32) {
        sourceModel = base.sourceModel
        targetModel = base.targetModel
        vocabulary = base.vocabulary
        (unkID, eosID, padID) = (base.unkID, base.eosID, base.padID)
        self.languagePrefix = languagePrefix
    }

    public var vocabularySize: Int { vocabulary.count }

    public func piece(of id: Int32) -> String? {
        id >= 0 && Int(id) < vocabulary.count ? vocabulary.pieces[Int(id)] : nil
    }

    public var targetLanguages: [String] { vocabulary.languageCodes }

    public func forTargetLanguage(_ code: String) throws -> any SentenceTokenizer {
        guard let id = vocabulary.ids[">>\(code)<<"], targetLanguages.contains(code) else {
            throw TokenizerError.unknownTargetLanguage(code, known: targetLanguages)
        }
        return MarianTokenizer(self, languagePrefix: id)
    }

    public func encode(_ lines: [String], threads: Int) throws -> [[Int32]] {
        let split = lines.map(Self.languageCode)
        let pieces = try sourceModel.encodeAsPieces(split.map(\.text), threads: threads)
        return zip(split, pieces).map { line, pieces in
            (languagePrefix.map { [$0] } ?? []) + ids(of: (line.code.map { [$0] } ?? []) + pieces)
        }
    }

    public func encodeTargets(_ lines: [String], threads: Int) throws -> [[Int32]] {
        try targetModel.encodeAsPieces(lines, threads: threads).map(ids(of:))
    }

    /// The ids of `pieces`, `<unk>` for a piece the vocabulary lacks.
    func ids(of pieces: [String]) -> [Int32] { pieces.map { vocabulary.ids[$0] ?? unkID } }

    public func decode(_ ids: [Int32]) throws -> String {
        let pieces = try ids.filter { $0 != eosID && $0 != padID && $0 != unkID }.map { id in
            guard let piece = piece(of: id) else {
                throw SentencePieceError.codingFailed(reason: "id \(id) is outside the vocabulary 0..<\(vocabulary.count)")
            }
            return piece
        }
        return try targetModel.decode(pieces: pieces).replacingOccurrences(of: "\u{2581}", with: " ")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A leading `>>xx<<` and the text after it (MarianTokenizer.remove_language_code).
    static func languageCode(_ line: String) -> (code: String?, text: String) {
        guard line.hasPrefix(">>"), let end = line.range(of: "<<") else { return (nil, line) }
        return (String(line[..<end.upperBound]), String(line[end.upperBound...]))
    }
}
