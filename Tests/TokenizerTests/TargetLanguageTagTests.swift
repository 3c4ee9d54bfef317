import Testing
import Tokenizer

/// OPUS-MT's target-language tags: which codes make a tag, and how pieces are read.
@Suite(.timeLimit(.minutes(10))) struct TargetLanguageTagTests {
    @Test(arguments: ["de", "fra", "pt_br", "zho_Hant", "sr-Latn", ">>es<<"])
    func validCodesFormatTheirTag(code: String) throws {
        let tag = try TargetLanguageTag(language: code)
        let bare = code.hasPrefix(">>") ? String(code.dropFirst(2).dropLast(2)) : code
        #expect(tag.language == bare && tag.piece == ">>\(bare)<<")
        #expect(TargetLanguageTag(piece: tag.piece) == tag)
    }

    @Test(arguments: ["", "d", "German", "de_", "d3", "de_x", "de fr", "ñu", ">><<", "de_toolongsubtag"])
    func invalidCodesAreErrorsNamingThem(code: String) {
        #expect(throws: TargetLanguageTagError.invalidCode(code)) { try TargetLanguageTag(language: code) }
        #expect(TargetLanguageTagError.invalidCode(code).localizedDescription.hasPrefix("'\(code)' is not a target-language code"))
    }

    @Test func piecesThatAreNoTags() throws {
        let pieces = ["▁>>de<<", ">>de", "de<<", "<unk>", "▁the", ">>German<<"]
        for piece in pieces { #expect(TargetLanguageTag(piece: piece) == nil, "\(piece)") }
        // A vocabulary as a list (a Marian vocab.json): its tags, once each, sorted.
        let known = TargetLanguageTag.known(inPieces: pieces + [">>fra<<", "▁la", ">>cmn_Hans<<", ">>fra<<"])
        #expect(known == [try TargetLanguageTag(language: "cmn_Hans"), try TargetLanguageTag(language: "fra")])
    }
}
