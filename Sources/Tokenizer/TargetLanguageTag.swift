import Foundation

/// A target-language tag as OPUS-MT's multilingual models read it: the piece `>>xx<<` as
/// the first source token, telling one model which language to translate into.
///
/// The one place that formats, validates and looks up tags: training adds them to every
/// source sentence of a tagged corpus (and to the SentencePiece model as user-defined
/// symbols, so that each is one piece), `nmt translate --target-language` prepends one, and
/// an imported Marian model's tags are found in its vocabulary the same way.
public struct TargetLanguageTag: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The language code between the angle brackets, e.g. `de`, `fra` or `zho_Hant`.
    public let language: String

    /// - Throws: `TargetLanguageTagError.invalidCode` unless `language` is a code of 2 or 3
    ///   ASCII letters followed by any number of subtags of 2 to 8 ASCII letters or digits,
    ///   each after `_` or `-` (ISO 639 codes with script or region, as OPUS-MT writes them:
    ///   `pt_br`, `cmn_Hans`, `sr-Latn`). A whole tag (`>>de<<`) is accepted for its code.
    public init(language: String) throws {
        let code = Self.code(inPiece: language) ?? language
        guard Self.isValidCode(code) else { throw TargetLanguageTagError.invalidCode(language) }
        self.language = code
    }

    /// The tag a vocabulary piece spells, or nil when the piece is no tag.
    public init?(piece: String) {
        guard let code = Self.code(inPiece: piece), Self.isValidCode(code) else { return nil }
        language = code
    }

    /// The tag as a piece and as text: `>>xx<<`.
    public var piece: String { ">>\(language)<<" }
    public var description: String { piece }

    public static func < (a: Self, b: Self) -> Bool { a.language < b.language }

    /// The tag's id in `model`.
    /// - Throws: `TargetLanguageTagError.unknown`, naming the tags the model knows, when its
    ///   vocabulary has no such piece.
    public func id(in model: SentencePieceModel) throws -> Int32 {
        let id = model.id(of: piece)
        // `id(of:)` answers the unknown id for a missing piece.
        guard id != model.unkID, model.piece(of: id) == piece else {
            throw TargetLanguageTagError.unknown(self, known: Self.known(in: model))
        }
        return id
    }

    /// Every tag in `model`'s vocabulary, sorted by language code.
    public static func known(in model: SentencePieceModel) -> [TargetLanguageTag] {
        known(inPieces: (0..<Int32(model.vocabularySize)).lazy.compactMap { model.piece(of: $0) })
    }

    /// Every tag among `pieces` (a vocabulary as a list, such as a Marian model's
    /// vocab.json), each once, sorted by language code.
    public static func known<Pieces: Sequence<String>>(inPieces pieces: Pieces) -> [TargetLanguageTag] {
        Set(pieces.compactMap(TargetLanguageTag.init(piece:))).sorted()
    }

    private static func code(inPiece piece: String) -> String? {
        guard piece.hasPrefix(">>"), piece.hasSuffix("<<"), piece.count > 4 else { return nil }
        return String(piece.dropFirst(2).dropLast(2))
    }

    private static func isValidCode(_ code: String) -> Bool {
        let subtags = code.split(separator: /[_-]/, omittingEmptySubsequences: false)
        guard let primary = subtags.first, (2...3).contains(primary.count),
              primary.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic }) else { return false }
        return subtags.dropFirst().allSatisfy { subtag in
            (2...8).contains(subtag.count)
                && subtag.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
        }
    }
}

public enum TargetLanguageTagError: Error, Equatable, LocalizedError {
    /// A language code that cannot make a tag.
    case invalidCode(String)
    /// A tag the model's vocabulary lacks; `known` are the ones it has.
    case unknown(TargetLanguageTag, known: [TargetLanguageTag])

    public var errorDescription: String? {
        switch self {
        case let .invalidCode(code):
            "'\(code)' is not a target-language code; expected 2 or 3 ASCII letters with optional _ or - subtags (e.g. de, fra, pt_br, zho_Hant)"
        case let .unknown(tag, known) where known.isEmpty:
            "the model has no target-language tag \(tag): it was not trained with target-language tags"
        case let .unknown(tag, known):
            "the model has no target-language tag \(tag); it knows \(known.map(\.language).joined(separator: ", "))"
        }
    }
}
