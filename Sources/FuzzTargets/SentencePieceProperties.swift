import Foundation
import Tokenizer

/// Properties of SentencePiece model loading through CSentencePiece.
enum SentencePieceProperties {
    /// Refusals are `SentencePieceError`s. A model that loads reports its special ids (or
    /// refuses them with `SentencePieceError`), encodes a sentence to ids inside its
    /// vocabulary, and decodes them again without failing.
    static func check(_ bytes: [UInt8]) throws {
        guard let model = try refusedOrParsed(SentencePieceError.self, {
            try SentencePieceModel(serialized: Data(bytes), source: "<fuzz>.model")
        }) else { return }
        _ = try refusedOrParsed(SentencePieceError.self) { try model.requireProjectSpecialIDs(source: "<fuzz>.model") }
        let size = model.vocabularySize
        guard let ids = try refusedOrParsed(SentencePieceError.self, { try model.encode("En el principio creó Dios los cielos y la tierra.") })
        else { return }
        try require(ids.allSatisfy { $0 >= 0 && $0 < size }, "encoding gave ids outside the vocabulary of \(size): \(ids)")
        _ = try refusedOrParsed(SentencePieceError.self) { try model.decode(ids) }
    }
}
