import Foundation

/// A MarianMT vocab.json: a JSON object mapping every piece of the model's one vocabulary
/// to its id (ids 0..<n, each once). Marian (and Hugging Face's MarianTokenizer) put
/// `</s>` at 0, `<unk>` at 1, and `<pad>` last.
public struct MarianVocabulary: Sendable, Equatable {
    /// Pieces by id.
    public let pieces: [String]
    public let ids: [String: Int32]

    /// Parses vocab.json's bytes; `source` names the file in errors.
    /// - Throws: `TokenizerError.invalidVocabulary` for anything but an object of pieces to
    ///   distinct ids 0..<n.
    public init(json data: Data, source: String) throws {
        let object: [String: Int]
        do { object = try JSONDecoder().decode([String: Int].self, from: data) } catch {
            throw TokenizerError.invalidVocabulary(file: source, reason: "expected a JSON object of pieces to ids (\(Self.describe(error)))")
        }
        guard !object.isEmpty else { throw TokenizerError.invalidVocabulary(file: source, reason: "it has no pieces") }
        var pieces = [String?](repeating: nil, count: object.count)
        // Sorted, so that the piece an error names does not depend on hashing.
        for (piece, id) in object.sorted(by: { $0.key < $1.key }) {
            guard id >= 0 && id < object.count else {
                throw TokenizerError.invalidVocabulary(file: source, reason: "piece \(Self.quote(piece)) has id \(id), outside 0..<\(object.count) (ids must be 0..<count, each once)")
            }
            if let other = pieces[id] {
                throw TokenizerError.invalidVocabulary(file: source, reason: "pieces \(Self.quote(other)) and \(Self.quote(piece)) share id \(id)")
            }
            pieces[id] = piece
        }
        self.pieces = pieces.map { $0! }
        ids = object.mapValues { Int32($0) }
    }

    public var count: Int { pieces.count }

    /// The id of `piece`, or throws naming it when vocab.json lacks it (for special pieces,
    /// which the model cannot work without).
    public func requiredID(of piece: String, source: String) throws -> Int32 {
        guard let id = ids[piece] else {
            throw TokenizerError.invalidVocabulary(file: source, reason: "it has no \(Self.quote(piece)) piece")
        }
        return id
    }

    /// The codes of the `>>xx<<` pieces (MarianTokenizer's supported_language_codes), sorted.
    public var languageCodes: [String] {
        TargetLanguageTag.known(inPieces: pieces).map(\.language)
    }

    static func quote(_ piece: String) -> String { "'\(piece.prefix(40))'" }

    /// A decoding error in one short line (Foundation's descriptions run long).
    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "at \(quote(path)): ") + context.debugDescription
        default:
            return "\(error)"
        }
    }
}
