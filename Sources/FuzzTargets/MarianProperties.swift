import Foundation
import Import
import Tokenizer
import Transformer

/// Properties of the readers of an imported MarianMT directory's JSON files.
enum MarianProperties {
    /// Refusals are `TokenizerError`s. An accepted vocabulary maps pieces to ids 0..<n one
    /// to one, both ways, and its language codes are pieces `>>code<<` of it.
    static func checkVocabulary(_ bytes: [UInt8]) throws {
        guard let vocabulary = try refusedOrParsed(TokenizerError.self, {
            try MarianVocabulary(json: Data(bytes), source: "<fuzz>/vocab.json")
        }) else { return }
        try require(vocabulary.pieces.count == vocabulary.ids.count, "\(vocabulary.pieces.count) pieces but \(vocabulary.ids.count) ids")
        for (id, piece) in vocabulary.pieces.enumerated() {
            try require(vocabulary.ids[piece] == Int32(id), "piece \(id) '\(piece)' maps to \(String(describing: vocabulary.ids[piece]))")
        }
        for code in vocabulary.languageCodes {
            try require(vocabulary.ids[">>\(code)<<"] != nil, "language code \(code) has no piece")
        }
    }

    /// Refusals are `ImportError`s. An accepted config describes a valid model (no
    /// problems), post-norm with Marian's positions, whose parameter count fits an `Int`.
    static func checkConfig(_ bytes: [UInt8]) throws {
        guard let config = try refusedOrParsed(ImportError.self, {
            try MarianConfig(json: Data(bytes), source: "<fuzz>/config.json")
        }) else { return }
        let model = config.model
        try require(model.problems().isEmpty, "an accepted config has problems: \(model.problems())")
        try require(!model.normalizeBefore && model.positionLayout == .marian, "an accepted config is not Marian's layout")
        let count = ParameterTable.transformer(model).entries.reduce(0) { $0 + $1.shape.count }
        try require(count > 0, "an accepted config has \(count) parameters")
    }
}
